"""«Безопасность»: a person's own sign-ins, open sessions and password
changes, and ending sessions they do not recognise."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.decorators import customer_required
from accounts.roles import Action
from security.services import (
    browser_label,
    password_changes_recent,
    sessions_end,
    sessions_open,
    sign_ins_recent,
)


@customer_required(Action.SECURITY)
def security(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _session_end(request)
    sessions = sessions_open(request)
    sign_ins = sign_ins_recent(user=request.user)
    for item in [*sessions, *sign_ins]:
        item.browser = browser_label(item.user_agent)
    context = {
        "tab": "security",
        "sessions": sessions,
        "others": sum(not record.current for record in sessions),
        "sign_ins": sign_ins,
        "password_changes": password_changes_recent(user=request.user),
    }
    return render(request, "security/security.html", context)


def _session_end(request: HttpRequest) -> HttpResponse:
    """«Завершить» one session (`session` = its record's id), or «Завершить
    все, кроме этой» (`session` = "others"). Anything else, or a session not
    the person's, ends nothing."""
    chosen = request.POST.get("session", "")
    if chosen == "others":
        ended = sessions_end(request)
    elif chosen.isdigit() and len(chosen) < 19:
        ended = sessions_end(request, record_ids=[int(chosen)])
    else:
        ended = 0
    if ended:
        messages.success(request, "Сеанс завершен." if ended == 1 else f"Завершено сеансов: {ended}.")
    else:
        messages.info(request, "Такого сеанса уже нет: завершать нечего.")
    return redirect("security:security")
