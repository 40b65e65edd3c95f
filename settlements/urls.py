from django.urls import path

from settlements import views

app_name = "settlements"

urlpatterns = [
    path("settlements/", views.settlements, name="settlements"),
    path("settlements/statement.pdf", views.settlements_pdf, name="settlements-pdf"),
    path("settlements/statement.xlsx", views.settlements_xlsx, name="settlements-xlsx"),
    path("charges/", views.charges, name="charges"),
    path("charges/statement.pdf", views.charges_pdf, name="charges-pdf"),
    path("charges/statement.xlsx", views.charges_xlsx, name="charges-xlsx"),
    path("charges/<int:invoice_id>/", views.invoice, name="invoice"),
    path("payments/", views.payments, name="payments"),
    path("payments/statement.xlsx", views.payments_xlsx, name="payments-xlsx"),
]
