"""Pages every app shares: errors and the rate-limit answer."""

from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render


def ratelimited(request, exception=None):
    return render(request, "errors/429.html", status=429)


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        # A form's text beyond DATA_UPLOAD_MAX_MEMORY_SIZE: say so, with the status that fits.
        return render(request, "errors/413.html", status=413)
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
