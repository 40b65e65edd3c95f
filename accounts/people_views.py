"""«Сотрудники», the invitation link and «Журнал действий».

«Сотрудники» is one page: each form's button names its `action`, and the
rows a form acts on (a membership, an invitation) are looked up among the
chosen contract's own, so an id of another contract's row is a 404.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.customers import CONTRACT_SESSION_KEY
from accounts.decorators import customer_required
from accounts.invitations import (
    INVITATION_HOURS,
    InvitationInvalid,
    PeopleError,
    administered_contracts,
    contract_invitations,
    contract_people,
    invitation_accept,
    invitation_by_token,
    invitation_cancel,
    invitation_contracts,
    invitation_create,
    invitation_expired,
    invitation_invitee,
    invitation_resend,
    membership_remove,
    membership_role_change,
)
from accounts.journal import journal_contracts, journal_page, journal_people, origin_of, person_display
from accounts.models import Invitation, Membership
from accounts.people_forms import (
    AcceptExistingForm,
    AcceptNewForm,
    InviteForm,
    JournalFilterForm,
    RoleForm,
)
from accounts.roles import Action, Role
from enser_cabinet.ratelimit import limit, limits_check, limits_count, ratelimit, typed


def _invite_limits(request: HttpRequest) -> list:
    # Letters of invitations (new and resent) per inviting person.
    return [("accounts.invite-user", typed(str(request.user.pk)), "invite_user")]


def _row_id(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    if not value.isdigit() or len(value) > 18:
        raise Http404("Нет такой строки")
    return int(value)


def _membership(request: HttpRequest) -> Membership:
    membership = (
        Membership.objects.select_related("user", "contract")
        .filter(pk=_row_id(request, "membership"), contract=request.contract)
        .first()
    )
    if membership is None:
        raise Http404("Нет такого сотрудника у договора")
    return membership


def _invitation(request: HttpRequest) -> Invitation:
    invitation = Invitation.objects.filter(
        pk=_row_id(request, "invitation"), contracts=request.contract
    ).first()
    if invitation is None:
        raise Http404("Нет такого приглашения у договора")
    return invitation


def _link_for(request: HttpRequest):
    return lambda token: request.build_absolute_uri(reverse("accounts:invitation", args=[token]))


def _invite(request: HttpRequest, form: InviteForm) -> HttpResponse | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    limits_check(request, _invite_limits(request))
    invitation_create(
        inviter=request.user,
        email=data["email"],
        role=data["role"],
        contracts=list(data["contracts"]),
        link_for=_link_for(request),
        origin=origin_of(request),
    )
    limits_count(request, _invite_limits(request))
    messages.success(request, f"Приглашение отправлено на {data['email']}.")
    return redirect("accounts:people")


def _role_change(request: HttpRequest, form: InviteForm) -> HttpResponse:
    membership = _membership(request)
    role_form = RoleForm(request.POST)
    if not role_form.is_valid():
        raise PeopleError("Выберите роль из списка.")
    role = role_form.cleaned_data["role"]
    membership_role_change(membership=membership, role=role, by=request.user, origin=origin_of(request))
    messages.success(request, f"Роль изменена: {person_display(membership.user)}.")
    # An administrator who gave up the role has no «Сотрудники» any more.
    own = membership.user_id == request.user.pk and role != Role.ADMIN
    return redirect("cabinet:home" if own else "accounts:people")


def _remove(request: HttpRequest, form: InviteForm) -> HttpResponse:
    membership = _membership(request)
    membership_remove(membership=membership, by=request.user, origin=origin_of(request))
    messages.success(
        request, f"Доступ к договору {request.contract.number} закрыт: {person_display(membership.user)}."
    )
    return redirect("cabinet:home" if membership.user_id == request.user.pk else "accounts:people")


def _resend(request: HttpRequest, form: InviteForm) -> HttpResponse:
    invitation = _invitation(request)
    limits_check(request, _invite_limits(request))
    invitation_resend(
        invitation=invitation, by=request.user, link_for=_link_for(request), origin=origin_of(request)
    )
    limits_count(request, _invite_limits(request))
    messages.success(request, f"Приглашение отправлено повторно на {invitation.email}.")
    return redirect("accounts:people")


def _cancel(request: HttpRequest, form: InviteForm) -> HttpResponse:
    invitation = _invitation(request)
    invitation_cancel(invitation=invitation, by=request.user, origin=origin_of(request))
    messages.success(request, f"Приглашение для {invitation.email} отменено.")
    return redirect("accounts:people")


# What each button's `action` does: a response when done, None to show the
# form's errors; PeopleError for a refusal the page explains.
ACTIONS = {"invite": _invite, "role": _role_change, "remove": _remove, "resend": _resend, "cancel": _cancel}


@customer_required(Action.PEOPLE)
def people(request: HttpRequest) -> HttpResponse:
    contract = request.contract
    action = request.POST.get("action") if request.method == "POST" else None
    invite_form = InviteForm(
        request.POST if action == "invite" else None,
        contracts=administered_contracts(user=request.user),
        initial={"contracts": [contract.pk]},
    )
    error = ""
    if request.method == "POST":
        handler = ACTIONS.get(action or "")
        if handler is None:
            return render(request, "errors/400.html", status=400)
        try:
            response = handler(request, invite_form)
        except PeopleError as refused:
            response = None
            if action == "invite":
                invite_form.add_error("email", str(refused))
            else:
                error = str(refused)
        if response is not None:
            return response
    members = list(contract_people(contract=contract))
    invitations = list(contract_invitations(contract=contract))
    for invitation in invitations:
        invitation.expired = invitation_expired(invitation)
    return render(
        request,
        "accounts/people.html",
        {
            "tab": "people",
            "members": members,
            "invitations": invitations,
            "invite_form": invite_form,
            "roles": Role.choices,
            "error": error,
            "hours": INVITATION_HOURS,
        },
        status=400 if error or invite_form.errors else 200,
    )


def _invitation_invalid(request: HttpRequest, invalid: InvitationInvalid) -> HttpResponse:
    """Unknown or forged: 404; used, cancelled or expired: 410."""
    return render(
        request,
        "accounts/invitation_invalid.html",
        {"message": str(invalid)},
        status=410 if invalid.gone else 404,
    )


@sensitive_post_parameters("password", "new_password1", "new_password2")
@never_cache
@ratelimit(key="ip", rate=limit("sign_in_ip"), method="POST", block=True)
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the letter: who invites to what, and «Принять приглашение»."""
    try:
        found = invitation_by_token(token=token)
    except InvitationInvalid as invalid:
        return _invitation_invalid(request, invalid)
    user = request.user if request.user.is_authenticated and not request.user.is_staff else None
    invitee = invitation_invitee(invitation=found, user=user)
    data = request.POST if request.method == "POST" else None
    form = None
    if invitee.account is not None and not invitee.signed_in:
        form = AcceptExistingForm(data, account=invitee.account)
    elif invitee.account is None and not invitee.ambiguous:
        form = AcceptNewForm(data, email=found.email)
    if request.method == "POST" and not invitee.ambiguous and (form is None or form.is_valid()):
        cleaned = form.cleaned_data if form is not None else {}
        try:
            person = invitation_accept(
                token=token,
                account=invitee.account,
                full_name=cleaned.get("full_name", ""),
                password=cleaned.get("new_password1", ""),
                origin=origin_of(request),
            )
        except InvitationInvalid as invalid:
            return _invitation_invalid(request, invalid)
        contracts = list(invitation_contracts(found))
        if not invitee.signed_in:
            login(request, person, backend="accounts.backends.EmailPasswordBackend")
            request.session.set_expiry(0)
        request.session[CONTRACT_SESSION_KEY] = contracts[0].pk if contracts else None
        messages.success(
            request,
            "Приглашение принято. Дальше входите по e-mail "
            f"{person.email} и паролю. Договоры: {', '.join(c.number for c in contracts)}.",
        )
        return redirect("cabinet:home")
    contracts = list(invitation_contracts(found))
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": found,
            "contracts": contracts,
            "inviter": person_display(found.invited_by) if found.invited_by else "",
            "invitee": invitee,
            "form": form,
        },
        status=400 if form is not None and form.errors else 200,
    )


@customer_required(Action.JOURNAL)
def journal(request: HttpRequest) -> HttpResponse:
    contracts = list(journal_contracts(user=request.user))
    form = JournalFilterForm(
        request.GET or None, people=journal_people(contracts=contracts), contracts=contracts
    )
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = journal_page(
        contracts=contracts,
        contract_id=chosen.get("contract"),
        user_id=chosen.get("person"),
        page=request.GET.get("page"),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/journal.html",
        {"tab": "people", "form": form, "page": page, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )
