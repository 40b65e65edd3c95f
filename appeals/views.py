import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import RequestDataTooBig
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from accounts.customers import request_access, request_contract
from accounts.decorators import access_refused, customer_required
from accounts.journal import origin_of
from accounts.models import Contract, User
from accounts.roles import Action
from appeals import selectors
from appeals.forms import AppealForm
from appeals.models import Appeal
from appeals.services import FormAlreadySent, appeal_create
from enser_cabinet.http import client_ip
from enser_cabinet.ratelimit import RateLimited, limit, limits_check, limits_count, ratelimit, typed

logger = logging.getLogger(__name__)
# Acknowledgments per recipient address (RATE_APPEAL_EMAIL), whoever sends them.
RECIPIENT_GROUP = "appeals.recipient"
RECIPIENT_LIMITED = (
    "На этот адрес сегодня уже отправлено много подтверждений обращений. "
    "Укажите другой адрес электронной почты или отправьте обращение завтра."
)

SENT_SESSION_KEY = "appeals_sent"
SENT_SALT = "appeals.sent"
SENT_MAX_AGE = 24 * 60 * 60


@csrf_exempt  # checked below, once the size of the request is known to be sane
@never_cache
@ratelimit(key="ip", rate=limit("appeal_ip"), method="POST", block=True)
def new_appeal(request: HttpRequest) -> HttpResponse:
    """ "Направить документы онлайн" for anyone, "Оформить обращение" from the cabinet.

    The body's size is checked before anything reads it: CSRF checking would
    otherwise parse (and spool to disk) an upload of any size first.
    """
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.APPEAL_MAX_REQUEST_SIZE:
            return _too_large(request)
    try:
        return csrf_protect(_new_appeal)(request)
    except RequestDataTooBig:
        # The form's text fields beyond DATA_UPLOAD_MAX_MEMORY_SIZE.
        return _too_large(request)


def _new_appeal(request: HttpRequest) -> HttpResponse:
    access = request_access(request)
    # Signed in, the form sends on behalf of the contract: the role must allow it.
    if access is not None and not access.allows(Action.APPEALS_SEND):
        return access_refused(request)
    contract = access.contract if access is not None else None
    status = None
    if request.method == "POST":
        form = AppealForm(request.POST, request.FILES)
        if form.is_spam:
            logger.warning("appeal honeypot filled from %s", client_ip(request))
            return render(request, "errors/400.html", status=400)
        if form.is_valid():
            recipient = [(RECIPIENT_GROUP, typed(form.cleaned_data["email"].casefold()), "appeal_email")]
            try:
                limits_check(request, recipient)
            except RateLimited:
                form.add_error("email", RECIPIENT_LIMITED)
                status = 429
            else:
                try:
                    appeal = appeal_create(
                        data=form.cleaned_data,
                        files=form.cleaned_data["documents"],
                        kinds=form.document_kinds,
                        contract=contract,
                        user=request.user if request.user.is_authenticated else None,
                        absolute=request.build_absolute_uri,
                        form_token=form.cleaned_data["token"],
                        origin=origin_of(request),
                    )
                except FormAlreadySent as repeat:
                    # A double click or a resent page: the first sending's result, nothing new.
                    if repeat.appeal is not None:
                        return _to_sent_page(request, repeat.appeal)
                    form.token_spent()
                else:
                    limits_count(request, recipient)
                    return _to_sent_page(request, appeal)
    else:
        form = AppealForm(initial=_initial_from(contract, request.user))
    template = "appeals/new_cabinet.html" if contract else "appeals/new.html"
    return render(
        request,
        template,
        {"form": form, "contract": contract, "tab": "appeals"},
        status=status or (400 if form.errors else 200),
    )


def _to_sent_page(request: HttpRequest, appeal: Appeal) -> HttpResponse:
    sent = [pk for pk in request.session.get(SENT_SESSION_KEY, []) if pk != appeal.pk][-4:]
    request.session[SENT_SESSION_KEY] = [*sent, appeal.pk]
    return redirect("appeals:sent", token=signing.dumps(appeal.pk, salt=SENT_SALT))


def _initial_from(contract: Contract | None, user: User | AnonymousUser) -> dict:
    if contract is None:
        return {}
    return {"organization_name": contract.organization.name, "phone": user.phone, "email": user.email}


def _too_large(request: HttpRequest) -> HttpResponse:
    limits = {
        "max_files": settings.APPEAL_MAX_FILES,
        "max_file_size": settings.APPEAL_MAX_FILE_SIZE,
        "max_total_size": settings.APPEAL_MAX_TOTAL_SIZE,
    }
    return render(request, "appeals/too_large.html", limits, status=413)


def sent(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation, for the browser that sent the appeal only."""
    try:
        pk = signing.loads(token, salt=SENT_SALT, max_age=SENT_MAX_AGE)
    except signing.BadSignature:
        raise Http404("Нет такого обращения") from None
    if pk not in request.session.get(SENT_SESSION_KEY, []):
        raise Http404("Нет такого обращения")
    appeal = get_object_or_404(Appeal.objects.select_related("appeal_type", "branch"), pk=pk)
    return render(
        request,
        "appeals/sent.html",
        {"appeal": appeal, "documents": appeal.documents.all(), "contract": request_contract(request)},
    )


@customer_required(Action.APPEALS_VIEW)
def appeal_list(request: HttpRequest) -> HttpResponse:
    appeals = selectors.customer_appeals(contract=request.contract)
    return render(request, "appeals/list.html", {"appeals": appeals, "tab": "appeals"})


@customer_required(Action.APPEALS_VIEW)
def appeal_detail(request: HttpRequest, number: str) -> HttpResponse:
    appeal = selectors.customer_appeal_get(contract=request.contract, number=number)
    return render(request, "appeals/detail.html", {"appeal": appeal, "tab": "appeals"})


@never_cache
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """For the customer who sent it and for staff (a link in the branch's
    letter), so not a customer_required view; it takes the same care."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    access = request_access(request)
    if access is not None and not access.allows(Action.APPEALS_VIEW):
        return access_refused(request)
    document = selectors.document_get_for(
        user=request.user, contract=access.contract if access is not None else None, pk=pk
    )
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        logger.error("appeal document %s is missing on disk: %s", document.pk, document.file.name)
        raise Http404("Файл не найден") from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    return response


def edo(request: HttpRequest) -> HttpResponse:
    context = {"information": selectors.edo_information_get(), "contract": request_contract(request)}
    return render(request, "appeals/edo.html", context)
