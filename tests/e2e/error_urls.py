"""The project's URLs plus /__error__/<status>/, which answers with the shared
error page of that status, so the accessibility check opens each of them."""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.urls import path

from enser_cabinet import views
from enser_cabinet.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401

ERROR_PAGES = {
    400: views.bad_request,
    403: views.permission_denied,
    404: views.page_not_found,
    413: lambda request: views.bad_request(request, RequestDataTooBig()),
    429: views.ratelimited,
    500: views.server_error,
    503: views.service_unavailable,
}


def error_page(request, status: int):
    if status not in ERROR_PAGES:
        raise Http404
    return ERROR_PAGES[status](request)


urlpatterns = [*urlpatterns, path("__error__/<int:status>/", error_page)]
