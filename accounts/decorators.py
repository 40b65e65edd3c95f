from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from accounts.customers import request_access
from accounts.roles import RULES, Action

View = Callable[..., HttpResponse]


def access_refused(request: HttpRequest) -> HttpResponse:
    """403 for a person whose role does not allow what they asked: the error
    page, which names the role and the contract. Answered rather than raised,
    so that the view's `no-store` is on it as well."""
    return render(request, "errors/403.html", status=403)


def customer_required(action: Action) -> Callable[[View], View]:
    """The decorator of every cabinet view, which names the view's action:
    the signed-in person of a registered contract whose role allows
    `action` (accounts/roles.py), with request.contract and request.access
    set, and `Cache-Control: no-store` on whatever the view answers, so that
    no cabinet page is kept by a browser or a proxy. One decorator for all
    three, so a new view cannot forget any.

    Anyone not signed in is sent to the sign-in page; an account with no
    contract (staff) gets 404 rather than somebody's cabinet; a person whose
    role does not allow the action gets 403.
    """
    if not isinstance(action, Action) or action not in RULES:
        raise TypeError(f"customer_required needs an action of accounts.roles.RULES, not {action!r}")

    def decorate(view: View) -> View:
        @never_cache
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            access = request_access(request)
            if access is None:
                raise Http404("Нет договора")
            if not access.allows(action):
                return access_refused(request)
            request.contract = access.contract
            return view(request, *args, **kwargs)

        wrapper.cabinet_action = action
        return wrapper

    return decorate
