from django.apps import AppConfig


class PaydocsConfig(AppConfig):
    name = "paydocs"
    verbose_name = "Платежные документы"
