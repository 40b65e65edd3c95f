from django.urls import path

from appeals import views

app_name = "appeals"

urlpatterns = [
    path("new/", views.new_appeal, name="new"),
    path("edo/", views.edo, name="edo"),
    path("sent/<str:token>/", views.sent, name="sent"),
    path("my/", views.appeal_list, name="list"),
    path("my/<str:number>/", views.appeal_detail, name="detail"),
    path("documents/<int:pk>/", views.document_download, name="document"),
]
