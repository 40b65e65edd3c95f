from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from accounts.roles import Role
from accounts.validators import validate_contract_number, validate_inn, validate_kpp


class Organization(models.Model):
    """A customer as billing knows it: a company or a sole proprietor."""

    name = models.CharField("наименование", max_length=255)
    inn = models.CharField("ИНН", max_length=12, validators=[validate_inn], db_index=True)
    kpp = models.CharField(
        "КПП", max_length=9, blank=True, validators=[validate_kpp], help_text="Пусто у ИП."
    )
    legal_address = models.CharField("юридический адрес", max_length=500, blank=True)
    postal_address = models.CharField("почтовый адрес", max_length=500, blank=True)

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организации"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["inn", "kpp"], name="organization_inn_kpp_unique"),
            models.CheckConstraint(
                condition=models.Q(inn__regex=r"^([0-9]{10}|[0-9]{12})$"),
                name="organization_inn_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (ИНН {self.inn})"


class Contract(models.Model):
    """A supply contract; the customer signs in by its number."""

    class RegistrationMethod(models.TextChoices):
        EMAIL = "email", "по электронной почте"
        SMS = "sms", "по SMS"

    number = models.CharField(
        "номер договора", max_length=8, unique=True, validators=[validate_contract_number]
    )
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.PROTECT, related_name="contracts"
    )
    signed_on = models.DateField("дата заключения договора")
    service = models.CharField("услуга", max_length=255, default="Теплоснабжение и горячее водоснабжение")
    registered_at = models.DateTimeField("зарегистрирован в кабинете", null=True, blank=True)
    registration_method = models.CharField(
        "способ подтверждения регистрации",
        max_length=5,
        choices=RegistrationMethod.choices,
        blank=True,
    )
    # The contacts billing holds for the contract: written only by the
    # billing import, kept apart from what the customer entered.
    billing_email = models.EmailField("e-mail из биллинга", blank=True)
    billing_phone = models.CharField("телефон из биллинга", max_length=32, blank=True)
    # Set when someone at the contacts billing holds answered the announcement
    # of a registration with «это не я»: the account is suspended, staff look into it.
    registration_disputed_at = models.DateTimeField(
        "регистрация оспорена («это не я»)", null=True, blank=True
    )
    # A database default, so that set-based inserts (the billing import) need
    # not name it. Raised by database triggers on every change of the contract's invoices,
    # their lines and its payments (settlements/migrations): statements are
    # cached under it and can never be served stale.
    data_version = models.PositiveBigIntegerField("версия данных расчетов", db_default=0, editable=False)

    class Meta:
        verbose_name = "договор"
        verbose_name_plural = "договоры"
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__regex=r"^[0-9]{5}-ЭС$"), name="contract_number_format"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_registered(self) -> bool:
        return self.registered_at is not None


class User(AbstractUser):
    """A person who signs in: staff, or a customer's person with memberships.

    A person signs in by e-mail; the account made at a contract's
    registration (`contract` set) also signs in by that contract's number,
    as the manual shows. What a person may see is given by their
    memberships, never by `contract` alone.
    """

    contract = models.OneToOneField(
        Contract,
        verbose_name="договор",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
    )
    phone = PhoneNumberField("номер телефона", blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        constraints = [
            models.UniqueConstraint(Upper("username"), name="user_username_ci_unique"),
        ]
        # Sign-in by e-mail looks accounts up by the address, in any case.
        indexes = [models.Index(Lower("email"), name="user_email_ci")]


class Membership(models.Model):
    """A person's role on a contract (accounts/roles.py says what it allows)."""

    user = models.ForeignKey(
        User, verbose_name="пользователь", on_delete=models.CASCADE, related_name="memberships"
    )
    contract = models.ForeignKey(
        Contract, verbose_name="договор", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("роль", max_length=16, choices=Role.choices)
    created_at = models.DateTimeField("добавлен", default=timezone.now)
    created_by = models.ForeignKey(
        User,
        verbose_name="кем добавлен",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "доступ к договору"
        verbose_name_plural = "доступы к договорам"
        ordering = ["contract__number", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "contract"], name="membership_user_contract_unique"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_known"),
        ]
        indexes = [models.Index(fields=["contract", "role"], name="membership_contract_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.contract} · {self.get_role_display()}"


class ContactPerson(models.Model):
    """The customer's contacts on the "Реквизиты и контакты" tab."""

    class Position(models.TextChoices):
        HEAD = "head", "Руководитель"
        CHIEF_ENGINEER = "engineer", "Главный инженер"
        CHIEF_ACCOUNTANT = "accountant", "Главный бухгалтер"

    contract = models.ForeignKey(
        Contract, verbose_name="договор", on_delete=models.CASCADE, related_name="contacts"
    )
    position = models.CharField("должность", max_length=16, choices=Position.choices)
    full_name = models.CharField("ФИО", max_length=255, blank=True)
    phone = PhoneNumberField("телефон", blank=True)
    email = models.EmailField("email", blank=True)

    class Meta:
        verbose_name = "контактное лицо"
        verbose_name_plural = "контактные лица"
        constraints = [
            models.UniqueConstraint(fields=["contract", "position"], name="contact_person_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_position_display()}: {self.full_name}"


class RegistrationRequest(models.Model):
    """What a customer typed in the registration form, waiting for confirmation.

    The contract and its user stay as they are until the e-mail link is
    opened or the SMS code confirmed and "Сохранить" pressed: a pending
    request never touches a registered account.
    """

    contract = models.ForeignKey(
        Contract,
        verbose_name="договор",
        on_delete=models.CASCADE,
        related_name="registration_requests",
    )
    method = models.CharField(
        "способ подтверждения", max_length=5, choices=Contract.RegistrationMethod.choices
    )
    email = models.EmailField("адрес e-mail")
    phone = PhoneNumberField("номер телефона")
    password = models.CharField("пароль (хеш)", max_length=128)
    # SHA-256 of the e-mail link's secret; the secret itself is only in the letter.
    token_hash = models.CharField("хеш ссылки", max_length=64, blank=True, db_index=True)
    # The activation code typed (REGISTRATION_REQUIRES_CODE), spent when the registration completes.
    activation_code = models.ForeignKey(
        "ActivationCode",
        verbose_name="код активации",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("создана", default=timezone.now)
    completed_at = models.DateTimeField("завершена", null=True, blank=True)

    class Meta:
        verbose_name = "заявка на регистрацию"
        verbose_name_plural = "заявки на регистрацию"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.contract} ({self.get_method_display()})"


class ConfirmationCode(models.Model):
    """A six-digit code sent by SMS, stored only as a keyed hash."""

    class Purpose(models.TextChoices):
        REGISTRATION = "registration", "регистрация"
        PASSWORD_RESET = "password_reset", "восстановление пароля"

    contract = models.ForeignKey(
        Contract, verbose_name="договор", on_delete=models.CASCADE, related_name="confirmation_codes"
    )
    purpose = models.CharField("назначение", max_length=16, choices=Purpose.choices)
    registration = models.ForeignKey(
        RegistrationRequest,
        verbose_name="заявка на регистрацию",
        # Kept when a request is replaced, so the resend wait still counts.
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="codes",
    )
    phone = PhoneNumberField("номер телефона")
    salt = models.CharField("соль", max_length=32)
    code_hash = models.CharField("хеш кода", max_length=64)
    created_at = models.DateTimeField("отправлен", default=timezone.now)
    expires_at = models.DateTimeField("действует до")
    failed_attempts = models.PositiveSmallIntegerField("неверных попыток", default=0)
    confirmed_at = models.DateTimeField("подтвержден", null=True, blank=True)
    used_at = models.DateTimeField("использован", null=True, blank=True)

    class Meta:
        verbose_name = "код подтверждения"
        verbose_name_plural = "коды подтверждения"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["contract", "purpose", "-created_at"], name="code_contract_purpose")]

    def __str__(self) -> str:
        return f"{self.contract}: {self.get_purpose_display()}"


class Invitation(models.Model):
    """A colleague invited by a contract's administrator: a one-time link
    (only its SHA-256 is kept) that adds the person, new or existing, to
    the contracts with the role."""

    email = models.EmailField("адрес e-mail")
    role = models.CharField("роль", max_length=16, choices=Role.choices)
    contracts = models.ManyToManyField(Contract, verbose_name="договоры", related_name="invitations")
    invited_by = models.ForeignKey(
        User,
        verbose_name="кто пригласил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # SHA-256 of the link's secret; a resend replaces it, so the old link dies.
    token_hash = models.CharField("хеш ссылки", max_length=64, unique=True)
    created_at = models.DateTimeField("создано", default=timezone.now)
    sent_at = models.DateTimeField("письмо отправлено", default=timezone.now)
    expires_at = models.DateTimeField("действует до")
    accepted_at = models.DateTimeField("принято", null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        verbose_name="кто принял",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField("отменено", null=True, blank=True)

    class Meta:
        verbose_name = "приглашение"
        verbose_name_plural = "приглашения"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="invitation_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.get_role_display()}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None


class ActionRecord(models.Model):
    """One line of «Журнал действий»: who did what, on which contract.

    Append-only: written by accounts.journal.journal_record, never changed
    or deleted (admin shows it read-only). The person's name is kept as text
    too, so the line still says who it was after the account is gone.
    """

    class Kind(models.TextChoices):
        READING_SUBMITTED = "reading_submitted", "Переданы показания"
        APPEAL_SENT = "appeal_sent", "Отправлено обращение"
        CONTACTS_CHANGED = "contacts_changed", "Изменены контакты"
        BANK_ACCOUNT_CHANGED = "bank_account_changed", "Изменен расчетный счет"
        PASSWORD_CHANGED = "password_changed", "Изменен пароль"
        PASSWORD_RESET = "password_reset", "Восстановлен пароль"
        PERSON_INVITED = "person_invited", "Приглашен сотрудник"
        INVITATION_RESENT = "invitation_resent", "Приглашение отправлено повторно"
        INVITATION_CANCELLED = "invitation_cancelled", "Приглашение отменено"
        INVITATION_ACCEPTED = "invitation_accepted", "Приглашение принято"
        PERSON_ADDED = "person_added", "Добавлен сотрудник"
        ROLE_CHANGED = "role_changed", "Изменена роль"
        PERSON_REMOVED = "person_removed", "Закрыт доступ сотрудника"
        CONTRACT_ADDED = "contract_added", "Добавлен договор"

    at = models.DateTimeField("когда", default=timezone.now)
    user = models.ForeignKey(
        User,
        verbose_name="кто",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user_display = models.CharField("кто (как записано)", max_length=300)
    contract = models.ForeignKey(
        Contract,
        verbose_name="договор",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_records",
    )
    action = models.CharField("действие", max_length=32, choices=Kind.choices)
    details = models.TextField("подробности", blank=True)
    ip = models.GenericIPAddressField("IP-адрес", null=True, blank=True)
    user_agent = models.CharField("браузер", max_length=300, blank=True)

    class Meta:
        verbose_name = "запись журнала действий"
        verbose_name_plural = "журнал действий"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["contract", "-at"], name="action_record_contract_at"),
            models.Index(fields=["user", "-at"], name="action_record_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_display}: {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("the journal is append-only: a record is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("the journal is append-only: a record is never deleted")


class ActivationCode(models.Model):
    """A one-time code that opens a contract's registration besides its INN
    (REGISTRATION_REQUIRES_CODE): printed by billing on the invoice or issued
    by staff in admin. Kept as a keyed hash; shown once, when issued."""

    contract = models.ForeignKey(
        Contract, verbose_name="договор", on_delete=models.CASCADE, related_name="activation_codes"
    )
    salt = models.CharField("соль", max_length=32)
    code_hash = models.CharField("хеш кода", max_length=64)
    created_at = models.DateTimeField("выдан", default=timezone.now)
    expires_at = models.DateTimeField("действует до")
    used_at = models.DateTimeField("использован", null=True, blank=True)
    created_by = models.ForeignKey(
        User,
        verbose_name="кем выдан",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "код активации"
        verbose_name_plural = "коды активации"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.contract}: код от {self.created_at:%d.%m.%Y}"
