from django.contrib import admin
from django.urls import include, path

from enser_cabinet import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("cabinet.urls")),
    path("", include("accounts.urls")),
    path("", include("settlements.urls")),
    path("", include("paydocs.urls")),
    path("", include("security.urls")),
    path("readings/", include("meters.urls")),
    path("appeals/", include("appeals.urls")),
    path("notifications/", include("notices.urls")),
]

handler400 = "enser_cabinet.views.bad_request"
handler403 = "enser_cabinet.views.permission_denied"
handler404 = "enser_cabinet.views.page_not_found"
handler500 = "enser_cabinet.views.server_error"
