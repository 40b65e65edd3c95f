from django.shortcuts import render

from accounts.decorators import customer_required


@customer_required
def readings(request):
    return render(request, "cabinet/coming_soon.html", {"tab": "readings"})
