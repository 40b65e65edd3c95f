from django.shortcuts import render

from accounts.decorators import customer_required


@customer_required
def settlements(request):
    return render(request, "cabinet/coming_soon.html", {"tab": "settlements"})


@customer_required
def charges(request):
    return render(request, "cabinet/coming_soon.html", {"tab": "charges"})


@customer_required
def payments(request):
    return render(request, "cabinet/coming_soon.html", {"tab": "payments"})
