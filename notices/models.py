"""Notifications of a person about a contract, and what each person wants to hear."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Contract
from notices.events import Event


class Notification(models.Model):
    """One thing told to one person about one contract, made once: `key`
    (event, contract, person, period) is unique, so a job run twice, two
    workers or a repeated import insert nothing the second time."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    contract = models.ForeignKey(
        Contract, verbose_name="договор", on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField("событие", max_length=16, choices=Event.choices)
    key = models.CharField("ключ", max_length=200, unique=True)
    title = models.CharField("заголовок", max_length=255)
    body = models.TextField("текст", blank=True)
    url = models.CharField("ссылка", max_length=500, blank=True)
    created_at = models.DateTimeField("создано", default=timezone.now)
    read_at = models.DateTimeField("прочитано", null=True, blank=True)
    # Shown in the cabinet (the person keeps the channel on); a row with it
    # off exists for its letter or SMS and for the key.
    in_app = models.BooleanField("в кабинете", default=True)
    emailed = models.BooleanField("письмо", default=False)
    texted = models.BooleanField("SMS", default=False)
    # Waiting for the person's daily digest letter.
    digest_pending = models.BooleanField("ждет сводки", default=False)

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["person", "-created_at"],
                condition=models.Q(in_app=True),
                name="notification_person_created",
            ),
            models.Index(
                fields=["person"],
                condition=models.Q(in_app=True, read_at__isnull=True),
                name="notification_person_unread",
            ),
            models.Index(
                fields=["person"], condition=models.Q(digest_pending=True), name="notification_digest"
            ),
            models.Index(fields=["contract", "-created_at"], name="notification_contract"),
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """A person's own choice for one event of one contract; without a row
    the role's defaults (notices/events.py) apply."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        on_delete=models.CASCADE,
        related_name="notice_preferences",
    )
    contract = models.ForeignKey(Contract, verbose_name="договор", on_delete=models.CASCADE, related_name="+")
    event = models.CharField("событие", max_length=16, choices=Event.choices)
    in_app = models.BooleanField("в кабинете")
    email = models.BooleanField("письмо")
    sms = models.BooleanField("SMS", default=False)

    class Meta:
        verbose_name = "настройка уведомлений"
        verbose_name_plural = "настройки уведомлений"
        constraints = [
            models.UniqueConstraint(fields=["person", "contract", "event"], name="preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.contract} · {self.get_event_display()}"


class PersonSettings(models.Model):
    """How a person takes their letters: one per event, or a daily digest."""

    class Digest(models.TextChoices):
        SINGLE = "single", "Каждое уведомление отдельным письмом"
        DAILY = "daily", "Одно письмо в день со всеми уведомлениями"

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        on_delete=models.CASCADE,
        related_name="notice_settings",
    )
    digest = models.CharField("письма", max_length=8, choices=Digest.choices, default=Digest.SINGLE)

    class Meta:
        verbose_name = "способ получения писем"
        verbose_name_plural = "способы получения писем"

    def __str__(self) -> str:
        return f"{self.person}: {self.get_digest_display()}"


class Announcement(models.Model):
    """Staff's announcement to every contract with a meter at a matching address."""

    title = models.CharField("заголовок", max_length=200)
    text = models.TextField("текст")
    street = models.CharField(
        "улица (часть адреса установки)",
        max_length=200,
        help_text="Например, «Калинина»: объявление получат договоры, у которых прибор учета установлен по "
        "адресу, содержащему эти слова.",
    )
    created_at = models.DateTimeField("создано", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кем создано",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contracts = models.PositiveIntegerField("договоров", default=0)
    notifications = models.PositiveIntegerField("уведомлений", default=0)

    class Meta:
        verbose_name = "объявление"
        verbose_name_plural = "объявления"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
