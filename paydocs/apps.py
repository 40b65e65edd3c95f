from django.apps import AppConfig


class PaydocsConfig(AppConfig):
    name = "paydocs"
    verbose_name = "Платежные документы"

    def ready(self) -> None:
        # accounts asks what its "Реквизиты и контакты" shows of paydocs and
        # knows nothing of who answers: the dependency points down.
        from paydocs import requisites  # noqa: F401
