from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.views.decorators.cache import never_cache

from accounts.customers import request_contract


def customer_required(view):
    """The decorator of every cabinet view: the signed-in customer of a
    registered contract (sets request.contract), and `Cache-Control: no-store`
    on whatever the view answers, so that no cabinet page is kept by a
    browser or a proxy. One decorator for both, so a new view cannot forget
    either.

    Anyone else is sent to the sign-in page; a staff account, which has no
    contract, gets 404 rather than somebody's cabinet.
    """

    @never_cache
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        contract = request_contract(request)
        if contract is None:
            raise Http404("Нет договора")
        request.contract = contract
        return view(request, *args, **kwargs)

    return wrapper
