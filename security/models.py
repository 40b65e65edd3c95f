"""The security log and the record of each sign-in's session.

Both are for reading: the log is appended to and pruned after
SECURITY_LOG_DAYS, never edited (admin shows it read-only); a session record
is only ever marked ended.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Contract


class SecurityEvent(models.Model):
    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", "Вход в кабинет"
        SIGN_IN_FAILED = "sign_in_failed", "Неудачная попытка входа"
        SIGN_OUT = "sign_out", "Выход"
        SESSION_ENDED = "session_ended", "Сеанс завершен из раздела «Безопасность»"
        ADMIN_SIGN_IN = "admin_sign_in", "Вход в администрирование"
        ADMIN_SIGN_IN_FAILED = "admin_sign_in_failed", "Неудачный вход в администрирование"
        SECOND_FACTOR_ENROLLED = "2fa_enrolled", "Подключено приложение для входа"
        SECOND_FACTOR_FAILED = "2fa_failed", "Неверный код из приложения"
        SECOND_FACTOR_RECOVERY = "2fa_recovery", "Вход по коду восстановления"
        SECOND_FACTOR_RESET = "2fa_reset", "Сброс приложения для входа"
        REGISTRATION = "registration", "Регистрация договора"
        REGISTRATION_RESET = "registration_reset", "Сброс регистрации сотрудником"
        PASSWORD_CHANGED = "password_changed", "Смена пароля"
        PASSWORD_RESET = "password_reset", "Восстановление пароля"
        CONTACTS_CHANGED = "contacts_changed", "Изменение контактов"
        PEOPLE_CHANGED = "people_changed", "Изменение доступа сотрудников"

    at = models.DateTimeField("когда", default=timezone.now)
    kind = models.CharField("событие", max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contract = models.ForeignKey(
        Contract, verbose_name="договор", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What was typed to sign in (a contract number, an e-mail, a user name).
    identifier = models.CharField("введено", max_length=254, blank=True)
    ip = models.GenericIPAddressField("адрес", null=True, blank=True)
    user_agent = models.CharField("браузер", max_length=300, blank=True)
    details = models.CharField("подробности", max_length=500, blank=True)

    class Meta:
        verbose_name = "событие безопасности"
        verbose_name_plural = "журнал безопасности"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["user", "kind", "-at"], name="security_user_kind_at"),
            models.Index(fields=["-at"], name="security_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d.%m.%Y %H:%M}"


class SessionRecord(models.Model):
    """A signed-in session of a customer: where and when it began, so that
    the person sees it on «Безопасность» and can end it. The session keeps
    the record's id (a password change gives the session a new key)."""

    session_key = models.CharField("ключ сеанса", max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="пользователь", on_delete=models.CASCADE, related_name="+"
    )
    started_at = models.DateTimeField("начат", default=timezone.now)
    ip = models.GenericIPAddressField("адрес", null=True, blank=True)
    user_agent = models.CharField("браузер", max_length=300, blank=True)
    ended_at = models.DateTimeField("завершен", null=True, blank=True)

    class Meta:
        verbose_name = "сеанс"
        verbose_name_plural = "сеансы"
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["user", "ended_at"], name="session_record_user_open")]

    def __str__(self) -> str:
        return f"{self.user} {self.started_at:%d.%m.%Y %H:%M}"
