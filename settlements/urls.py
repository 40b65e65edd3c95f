from django.urls import path

from settlements import views

app_name = "settlements"

urlpatterns = [
    path("settlements/", views.settlements, name="settlements"),
    path("charges/", views.charges, name="charges"),
    path("payments/", views.payments, name="payments"),
]
