from django.urls import path

from accounts import contact_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register, name="register"),
    path("password/reset/", views.password_reset, name="password-reset"),
    path("requisites/", views.requisites, name="requisites"),
    path("password/change/", views.password_change, name="password-change"),
    path("requisites/contacts/", contact_views.contacts_edit, name="contacts-edit"),
]
