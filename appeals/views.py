from django.shortcuts import render


def new_appeal(request):
    return render(request, "appeals/coming_soon.html", {"title": "Направить документы онлайн"})


def edo(request):
    return render(request, "appeals/coming_soon.html", {"title": "Электронный документооборот"})
