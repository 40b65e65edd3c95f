from django.urls import path

from cabinet import views

app_name = "cabinet"

urlpatterns = [
    path("", views.home, name="home"),
    path("contract/select/", views.contract_select, name="contract-select"),
    path("contract/add/", views.contract_add_view, name="contract-add"),
]
