from django.urls import path

from accounts import auth_views, contact_views, people_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", auth_views.register, name="register"),
    path("register/confirm/<str:token>/", auth_views.register_confirm, name="register-confirm"),
    path("register/not-me/<str:token>/", auth_views.register_not_me, name="register-not-me"),
    path("password/reset/", auth_views.password_reset, name="password-reset"),
    path("password/reset/send/", auth_views.password_reset_send, name="password-reset-send"),
    path("password/reset/code/", auth_views.password_reset_code, name="password-reset-code"),
    path("password/reset/new/", auth_views.password_reset_new, name="password-reset-new"),
    path(
        "password/reset/link/<str:uidb64>/<str:token>/",
        auth_views.password_reset_link,
        name="password-reset-link",
    ),
    path("password/change/", auth_views.password_change, name="password-change"),
    path("requisites/", views.requisites, name="requisites"),
    path("requisites/contacts/", contact_views.contacts_edit, name="contacts-edit"),
    path("people/", people_views.people, name="people"),
    path("people/invitation/<str:token>/", people_views.invitation, name="invitation"),
    path("journal/", people_views.journal, name="journal"),
]
