from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "Уведомления"

    def ready(self) -> None:
        # The apps below notices send signals of their own and know nothing
        # of who listens: connecting here keeps the dependency pointing down.
        from accounts.backends import user_annotation_add
        from notices import hooks  # noqa: F401
        from notices.middleware import UNREAD_ATTRIBUTE
        from notices.services import unread_count_expression

        # The head's unread count, read with the person on every request.
        user_annotation_add(UNREAD_ATTRIBUTE, unread_count_expression)
