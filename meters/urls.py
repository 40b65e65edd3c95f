from django.urls import path

from meters import views

app_name = "meters"

urlpatterns = [
    path("", views.readings, name="readings"),
    path("<int:meter_id>/", views.history, name="history"),
    path("<int:meter_id>/submit/", views.submit, name="submit"),
]
