"""Every letter and SMS the cabinet sends, from the moment it is queued.

A message is rendered when it is queued, in the transaction of what it
tells about, so that a retry sends exactly the same text and a rolled-back
action leaves no message behind.
"""

from django.db import models
from django.utils import timezone


class OutgoingMessage(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "Письмо"
        SMS = "sms", "SMS"

    class State(models.TextChoices):
        QUEUED = "queued", "В очереди"
        SENT = "sent", "Отправлено"
        FAILED = "failed", "Не отправлено"

    channel = models.CharField("Канал", max_length=8, choices=Channel.choices)
    name = models.CharField("Шаблон", max_length=64)
    to = models.CharField("Кому", max_length=512, help_text="Адреса через запятую или номер телефона.")
    reply_to = models.CharField("Ответ на", max_length=512, blank=True)
    subject = models.CharField("Тема", max_length=255, blank=True)
    body = models.TextField("Текст", blank=True)
    html = models.TextField("HTML", blank=True)
    # Extra headers of a letter, such as List-Unsubscribe (RFC 8058).
    headers = models.JSONField("Заголовки", default=dict, blank=True)
    # Codes and one-time links: on the priority queue, and their text is
    # erased once delivered, so that neither the admin nor a database copy
    # holds a working code.
    secret = models.BooleanField("Код или ссылка", default=False)
    state = models.CharField("Состояние", max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField("Попыток", default=0)
    last_error = models.TextField("Последняя ошибка", blank=True)
    created_at = models.DateTimeField("Создано", default=timezone.now)
    next_attempt_at = models.DateTimeField("Следующая попытка", null=True, blank=True)
    sent_at = models.DateTimeField("Отправлено", null=True, blank=True)

    class Meta:
        verbose_name = "исходящее сообщение"
        verbose_name_plural = "исходящие сообщения"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="outbox_state_created")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.to}: {self.subject or self.name}"

    @property
    def recipients(self) -> list[str]:
        return [address for address in self.to.split(",") if address]
