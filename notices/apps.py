from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Уведомления"

    def ready(self) -> None:
        # The apps below notices send signals of their own and know nothing
        # of who listens: connecting here keeps the dependency pointing down.
        from notices import hooks  # noqa: F401
