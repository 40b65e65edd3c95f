from django.urls import path

from paydocs import views

app_name = "paydocs"

urlpatterns = [
    path("payments/invoice/", views.invoice_new, name="invoice-new"),
    path("payments/invoices/<int:payment_invoice_id>.pdf", views.invoice_pdf, name="invoice-pdf"),
    path("payments/invoices/<int:payment_invoice_id>/1c.txt", views.invoice_1c, name="invoice-1c"),
    path("requisites/bank/", views.bank, name="bank"),
    path("charges/<int:invoice_id>/upd.pdf", views.upd, name="upd"),
    path("charges/upd.zip", views.upd_archive, name="upd-zip"),
]
