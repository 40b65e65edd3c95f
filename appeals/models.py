"""Appeals: what a customer sends with documents, and how staff answer it."""

import secrets

from django.conf import settings
from django.db import models
from phonenumber_field.modelfields import PhoneNumberField

from enser_cabinet.formatting import format_date


def _person(verbose_name: str, **extra) -> models.ForeignKey:
    # Who did something; the record stays when the account is deleted.
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        **extra,
    )


class ReferenceItem(models.Model):
    """A choice staff edit in admin; hidden ones stay on old appeals."""

    name = models.CharField("наименование", max_length=255, unique=True)
    position = models.PositiveSmallIntegerField("порядок в списке", default=0)
    is_active = models.BooleanField("показывать в форме", default=True)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class PremisesType(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = "вид помещения"
        verbose_name_plural = "виды помещений"


class AppealType(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = "вид обращения"
        verbose_name_plural = "виды обращений"


class Branch(ReferenceItem):
    email = models.EmailField(
        "адрес для уведомлений",
        help_text="Сюда приходит письмо о каждом новом обращении в это отделение.",
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = "отделение"
        verbose_name_plural = "отделения"


class AppealCounter(models.Model):
    """The last registration number given in a year; locked while a number is taken."""

    year = models.PositiveSmallIntegerField("год", primary_key=True)
    last = models.PositiveIntegerField("последний номер", default=0)

    class Meta:
        verbose_name = "счетчик номеров обращений"
        verbose_name_plural = "счетчики номеров обращений"

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Appeal(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "Новое"
        IN_PROGRESS = "in_progress", "В работе"
        ANSWERED = "answered", "Ответ дан"
        CLOSED = "closed", "Закрыто"

    number = models.CharField("номер", max_length=11, unique=True, editable=False)
    created_at = models.DateTimeField("зарегистрировано", editable=False)
    contract = models.ForeignKey(
        "accounts.Contract",
        verbose_name="договор",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
        help_text="Пусто, если обращение направлено без входа в личный кабинет.",
    )
    created_by = _person("отправил пользователь")
    premises_type = models.ForeignKey(PremisesType, verbose_name="вид помещения", on_delete=models.PROTECT)
    organization_name = models.CharField("наименование организации", max_length=255)
    appeal_type = models.ForeignKey(AppealType, verbose_name="вид обращения", on_delete=models.PROTECT)
    branch = models.ForeignKey(Branch, verbose_name="отделение", on_delete=models.PROTECT)
    phone = PhoneNumberField("контактный телефон")
    email = models.EmailField("адрес электронной почты")
    premises_address = models.CharField("адрес помещения", max_length=500)
    message = models.TextField("текст обращения", blank=True)
    consent_personal_data = models.BooleanField("согласие на обработку персональных данных")
    consent_accuracy = models.BooleanField("подтверждение достоверности сведений")
    status = models.CharField("статус", max_length=16, choices=Status.choices, default=Status.NEW)
    reply = models.TextField(
        "ответ потребителю",
        blank=True,
        help_text=(
            "Отправляется на адрес электронной почты обращения при сохранении и виден в личном кабинете."
        ),
    )
    replied_at = models.DateTimeField("ответ отправлен", null=True, blank=True, editable=False)
    replied_by = _person("ответил", editable=False)
    # The form's one-time key: a second sending of the same form (a double
    # click, a resent page) finds this appeal instead of filing another.
    form_token = models.CharField(
        "ключ формы", max_length=32, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = "обращение"
        verbose_name_plural = "обращения"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["contract", "-created_at"], name="appeal_contract_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent_personal_data=True, consent_accuracy=True),
                name="appeal_consents_given",
            ),
            models.CheckConstraint(
                condition=models.Q(number__regex=r"^[0-9]{4}-[0-9]{6}$"), name="appeal_number_format"
            ),
        ]

    def __str__(self) -> str:
        return f"Обращение № {self.number}"


class AppealStatusChange(models.Model):
    """One line of an appeal's history: which status, when, set by whom."""

    appeal = models.ForeignKey(
        Appeal, verbose_name="обращение", on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField("статус", max_length=16, choices=Appeal.Status.choices)
    changed_at = models.DateTimeField("когда")
    changed_by = _person("кто")

    class Meta:
        verbose_name = "изменение статуса"
        verbose_name_plural = "история статусов"
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        # Shown in admin beside times in the site's zone: the same zone here.
        return f"{self.get_status_display()} ({format_date(self.changed_at)})"


def document_upload_to(instance: "AppealDocument", filename: str) -> str:
    # Never the sender's name on disk: it may be anything, and it is not ours to trust.
    return f"appeals/{instance.appeal.created_at:%Y/%m}/{secrets.token_hex(16)}"


class AppealDocument(models.Model):
    appeal = models.ForeignKey(
        Appeal, verbose_name="обращение", on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField("файл", upload_to=document_upload_to, max_length=200)
    original_name = models.CharField("имя файла у отправителя", max_length=255)
    size = models.PositiveIntegerField("размер, байт")
    content_type = models.CharField("тип содержимого", max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        verbose_name = "документ обращения"
        verbose_name_plural = "документы обращения"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class EdoInformation(models.Model):
    """The one page about electronic document exchange; staff edit its text."""

    title = models.CharField("заголовок", max_length=255)
    text = models.TextField(
        "текст",
        help_text=(
            "Обычный текст: пустая строка начинает новый абзац, строка с «- » — пункт списка. "
            "Адреса сайтов и почты становятся ссылками. HTML не используется."
        ),
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "условия электронного документооборота"
        verbose_name_plural = "условия электронного документооборота"

    def __str__(self) -> str:
        return self.title
