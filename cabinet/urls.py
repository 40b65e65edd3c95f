from django.urls import path

from cabinet import views

app_name = "cabinet"

urlpatterns = [
    path("", views.home, name="home"),
]
