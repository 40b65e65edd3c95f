"""Meters of a contract and the readings sent for them.

A reading's value is stored exactly as the meter shows it (Decimal, up to
8 digits before the comma and 4 after); each meter says how many of those it
really has, and the submission rules hold a value to them.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Contract

VALUE_FIELD = {"max_digits": 12, "decimal_places": 4}
MAX_DIGITS_BEFORE = VALUE_FIELD["max_digits"] - VALUE_FIELD["decimal_places"]
MAX_DIGITS_AFTER = VALUE_FIELD["decimal_places"]


class Meter(models.Model):
    """A metering device (прибор учета) installed under a contract."""

    class Resource(models.TextChoices):
        HEAT = "heat", "Тепловая энергия"
        HOT_WATER = "hot_water", "ГВС"

    UNITS = {Resource.HEAT: "Гкал", Resource.HOT_WATER: "м³"}

    contract = models.ForeignKey(
        Contract, verbose_name="договор", on_delete=models.PROTECT, related_name="meters"
    )
    serial_number = models.CharField("заводской номер", max_length=32)
    model_name = models.CharField("марка", max_length=100, blank=True)
    resource = models.CharField("ресурс", max_length=16, choices=Resource.choices)
    address = models.CharField("адрес установки", max_length=500)
    digits_before = models.PositiveSmallIntegerField(
        "разрядов до запятой", default=6, help_text=f"Как на табло счетчика, от 1 до {MAX_DIGITS_BEFORE}."
    )
    digits_after = models.PositiveSmallIntegerField(
        "разрядов после запятой", default=3, help_text=f"От 0 до {MAX_DIGITS_AFTER}."
    )
    verification_due = models.DateField(
        "дата очередной поверки",
        help_text="После этой даты показания не принимаются, пока прибор не поверен.",
    )
    is_active = models.BooleanField("в работе", default=True)

    class Meta:
        verbose_name = "прибор учета"
        verbose_name_plural = "приборы учета"
        ordering = ["contract", "resource", "serial_number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "serial_number"], name="meter_serial_unique"),
            models.CheckConstraint(
                condition=Q(digits_before__gte=1, digits_before__lte=MAX_DIGITS_BEFORE),
                name="meter_digits_before_range",
            ),
            models.CheckConstraint(
                condition=Q(digits_after__lte=MAX_DIGITS_AFTER), name="meter_digits_after_range"
            ),
        ]

    def __str__(self) -> str:
        return f"№ {self.serial_number} ({self.get_resource_display()}, {self.unit})"

    @property
    def unit(self) -> str:
        return self.UNITS[self.resource]

    @property
    def capacity(self) -> Decimal:
        """The first value the display cannot show: there it rolls over to zero."""
        return Decimal(10) ** self.digits_before

    @property
    def step(self) -> Decimal:
        """The smallest division of the display: 0.001 for three digits after the comma."""
        return Decimal(1).scaleb(-self.digits_after)

    def display(self, value: Decimal | None) -> str:
        """The value as the meter's display shows it: `001383,725`."""
        if value is None:
            return ""
        whole, fraction = self.split(value)
        return f"{whole},{fraction}" if self.digits_after else whole

    @property
    def mask(self) -> str:
        """The empty display, `000000,000`: how many digits to type on each side."""
        return self.display(Decimal(0))

    def split(self, value: Decimal) -> tuple[str, str]:
        """The part before the comma (zero-padded) and the part after it."""
        text = f"{value.quantize(self.step):f}"
        whole, _, fraction = text.partition(".")
        return whole.zfill(self.digits_before), fraction


class Reading(models.Model):
    """A value sent for a meter. Kept as sent; staff decide on the doubtful ones."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "Принято"
        REVIEW = "review", "На проверке"
        REJECTED = "rejected", "Отклонено"

    class Source(models.TextChoices):
        CABINET = "cabinet", "личный кабинет"
        STAFF = "staff", "сотрудник"
        IMPORT = "import", "импорт"

    meter = models.ForeignKey(
        Meter, verbose_name="прибор учета", on_delete=models.PROTECT, related_name="readings"
    )
    value = models.DecimalField("показания", **VALUE_FIELD)
    consumption = models.DecimalField(
        "расход",
        null=True,
        blank=True,
        help_text="От последних принятых показаний; пусто у первых показаний прибора.",
        **VALUE_FIELD,
    )
    is_rollover = models.BooleanField(
        "переход через ноль", default=False, help_text="Счетчик прошел свой максимум и начал с нуля."
    )
    reading_date = models.DateField("дата показаний")
    submitted_at = models.DateTimeField("передано")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кем передано",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ip = models.GenericIPAddressField("IP-адрес", null=True, blank=True)
    source = models.CharField("источник", max_length=8, choices=Source.choices, default=Source.CABINET)
    status = models.CharField("статус", max_length=8, choices=Status.choices)
    review_note = models.CharField(
        "почему на проверке", max_length=500, blank=True, help_text="Какое правило задержало показания."
    )
    reason = models.CharField(
        "причина отклонения", max_length=500, blank=True, help_text="Ее видит потребитель."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кем проверено",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("когда проверено", null=True, blank=True)

    class Meta:
        verbose_name = "показания"
        verbose_name_plural = "показания"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["meter", "status", "reading_date"], name="reading_meter_status_date"),
            models.Index(fields=["meter", "submitted_at"], name="reading_meter_submitted"),
            models.Index(fields=["reading_date", "status"], name="reading_date_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="reading_value_not_negative"),
            models.CheckConstraint(
                condition=Q(consumption__isnull=True) | Q(consumption__gte=0),
                name="reading_consumption_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reason=""), name="reading_rejection_has_reason"
            ),
            # The same value sent twice on a day is one reading (the service
            # catches the rest of the month under the meter's row lock).
            models.UniqueConstraint(
                fields=["meter", "reading_date", "value"],
                condition=~Q(status="rejected"),
                name="reading_once_per_day",
            ),
            # The billing import's natural key of a control reading.
            models.UniqueConstraint(
                fields=["meter", "reading_date"], condition=Q(source="import"), name="reading_import_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meter.display(self.value)} {self.meter.unit} от {self.reading_date:%d.%m.%Y}"
