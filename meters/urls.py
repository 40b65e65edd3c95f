from django.urls import path

from meters import views

app_name = "meters"

urlpatterns = [
    path("", views.readings, name="readings"),
]
