"""Pages every app shares: errors, the rate-limit answer, the CSRF failure,
the load balancer's health check."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from enser_cabinet.health import health_parts


def ratelimited(request, exception=None):
    """429 with `Retry-After`: the seconds left in the limit's window."""
    retry_after = getattr(exception, "retry_after", None) or RETRY_AFTER_UNKNOWN
    response = render(request, "errors/429.html", {"wait": wait_text(retry_after)}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


# When the limit's window is not known: a minute.
RETRY_AFTER_UNKNOWN = 60
# The shared cache is down: "попробуйте через несколько минут".
RETRY_AFTER_UNAVAILABLE = 120


def wait_text(seconds: int) -> str:
    """ "45 с", "3 мин", "1 ч 5 мин": how long, rounded up to what is said."""
    if seconds < 60:
        return f"{seconds} с"
    minutes = -(-seconds // 60)
    if minutes < 60:
        return f"{minutes} мин"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} ч {minutes} мин" if minutes else f"{hours} ч"


def csrf_failure(request, reason=""):
    """A form sent without its protection token (CSRF_FAILURE_VIEW): the
    page was open too long, or the browser does not keep cookies."""
    return render(request, "errors/403_csrf.html", status=403)


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        # A form's text beyond DATA_UPLOAD_MAX_MEMORY_SIZE: say so, with the status that fits.
        return render(request, "errors/413.html", status=413)
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def service_unavailable(request, exception=None):
    """A part the page needs (the shared cache) does not answer: 503, come back in a few minutes."""
    response = render(request, "errors/503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_UNAVAILABLE)
    return response


def server_error(request):
    return render(request, "errors/500.html", status=500)


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for on their own: the logo."""
    response = redirect(static("img/logo.svg"))
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return response


@never_cache
@require_safe
def healthz(request):
    """For the load balancer: 200 "ok" when the database, the cache and the
    queue are fine, else 503 naming what fails. No session, no rate limit."""
    parts = health_parts()
    failing = [part.name for part in parts if not part.ok]
    lines = ["failing: " + ", ".join(failing) if failing else "ok"]
    lines += [f"{part.name}: {part.state}" for part in parts]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8", status=503 if failing else 200
    )
