from django.urls import path

from security import views

app_name = "security"

urlpatterns = [
    path("security/", views.security, name="security"),
]
