"""«Уведомления»: the person's notifications, their settings, and the
one-click unsubscribe link of the letters (no session needed)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from accounts.customers import CONTRACT_SESSION_KEY
from accounts.decorators import customer_required
from accounts.roles import Action
from notices import services
from notices.events import Channel
from notices.models import PersonSettings

SHOWN = 100  # the newest; older ones stay in admin


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


@customer_required(Action.NOTIFICATIONS)
def notification_list(request: HttpRequest) -> HttpResponse:
    """The list; `?open=<id>` (a letter's link) marks it read and opens its
    page on its contract; POST marks one (`read`) or all (`read_all`) read."""
    person = request.user
    if request.method == "POST":
        if "read_all" in request.POST:
            services.notifications_read_all(person=person)
        else:
            services.notification_read(person=person, notification_id=_id(request.POST.get("read")) or 0)
        return redirect("notices:list")
    opened = _id(request.GET.get("open"))
    if opened is not None:
        notification = services.notification_read(person=person, notification_id=opened)
        if notification is not None:
            # The page it links to is of its contract: work on that one now.
            request.session[CONTRACT_SESSION_KEY] = notification.contract_id
            return redirect(notification.url or "notices:list")
    notifications = list(services.notifications_visible(person=person)[:SHOWN])
    return render(
        request,
        "notices/list.html",
        {
            "notifications": notifications,
            "unread": any(n.read_at is None for n in notifications),
            "tab": "notices",
        },
    )


@customer_required(Action.NOTIFICATIONS)
def notification_settings(request: HttpRequest) -> HttpResponse:
    person = request.user
    if request.method == "POST":
        digest = request.POST.get("digest", "")
        if digest not in PersonSettings.Digest.values:
            messages.error(request, "Выберите, как получать письма.")
            digest = None
        if digest is not None:
            services.preferences_save(person=person, checked=set(request.POST.keys()), digest=digest)
            messages.success(request, "Настройки уведомлений сохранены.")
            return redirect("notices:settings")
    return render(
        request,
        "notices/settings.html",
        {
            "matrices": [
                (matrix, [(row, _boxes(matrix.contract.pk, row)) for row in matrix.rows])
                for matrix in services.preferences_matrix(person=person)
            ],
            "channels": Channel,
            "digest": services.digest_choice(person=person),
            "digest_choices": PersonSettings.Digest.choices,
            "tab": "notices",
        },
        status=400 if request.method == "POST" else 200,
    )


def _boxes(contract_id: int, row: services.MatrixRow) -> list[tuple[str, str, bool | None]]:
    return [
        (services.field_name(contract_id, row.event, channel), label, row.channels[channel])
        for channel, label in Channel.choices
    ]


@csrf_exempt  # RFC 8058: a mail client POSTs here without a session or a form of ours
@never_cache
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET says what the link turns off, with a button; POST (the button, or
    a mail client's one-click) turns it off."""
    try:
        target = services.unsubscribe_read(token)
    except services.BadToken:
        return render(request, "notices/unsubscribe_invalid.html", status=404)
    done = False
    if request.method == "POST":
        services.unsubscribe_apply(target)
        done = True
    context = {
        "target": target,
        "done": done,
        "off_already": not done and services.email_is_off(target),
        "settings_url": reverse("notices:settings"),
    }
    return render(request, "notices/unsubscribe.html", context)
