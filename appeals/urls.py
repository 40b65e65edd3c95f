from django.urls import path

from appeals import views

app_name = "appeals"

urlpatterns = [
    path("new/", views.new_appeal, name="new"),
    path("edo/", views.edo, name="edo"),
]
