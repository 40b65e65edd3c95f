from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class StaffConfig(AppConfig):
    default = True
    name = "staff"
    verbose_name = "Вход сотрудников"


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the staff site as `admin.site`: every
    `@admin.register` of the apps lands on a site that asks for the second factor."""

    default = False
    default_site = "staff.sites.StaffAdminSite"
