from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def customer_required(view):
    """The signed-in customer of a registered contract; sets request.contract.

    Anyone else is sent to the sign-in page; a staff account, which has no
    contract, gets 404 rather than somebody's cabinet.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        contract = user.contract
        if contract is None or not contract.is_registered:
            raise Http404("Нет договора")
        request.contract = contract
        return view(request, *args, **kwargs)

    return wrapper
