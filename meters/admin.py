from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils import timezone

from enser_cabinet.formatting import format_number
from enser_cabinet.http import client_ip
from meters import rules, services
from meters.models import Meter, Reading


@admin.register(Meter)
class MeterAdmin(admin.ModelAdmin):
    list_display = [
        "serial_number",
        "contract",
        "resource",
        "unit",
        "address",
        "digits",
        "verification_due",
        "is_active",
    ]
    list_filter = ["resource", "is_active", ("verification_due", admin.DateFieldListFilter)]
    search_fields = ["serial_number", "contract__number", "contract__organization__inn", "address"]
    list_select_related = ["contract"]
    raw_id_fields = ["contract"]

    @admin.display(description="ед. изм.")
    def unit(self, obj: Meter) -> str:
        return obj.unit

    @admin.display(description="разрядность")
    def digits(self, obj: Meter) -> str:
        return obj.mask


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Причина отклонения",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Ее увидит потребитель в столбце «Статус ввода».",
    )


class StaffReadingForm(forms.ModelForm):
    """A control reading taken by staff. It goes through the same service and
    rules as the cabinet's (save the window and the review of spikes); the
    service writes it here, inside the admin's transaction, so that a refusal
    stands next to the field like any other error."""

    staff_user = None
    staff_ip = None

    class Meta:
        model = Reading
        fields = ["meter", "value", "reading_date"]
        localized_fields = ["value"]  # staff type a decimal comma: 1383,725

    def clean(self):
        cleaned = super().clean()
        meter, value, day = cleaned.get("meter"), cleaned.get("value"), cleaned.get("reading_date")
        if day and day > timezone.localdate():
            self.add_error("reading_date", "Дата показаний не может быть позже сегодняшней.")
        if self.errors or meter is None or value is None or day is None:
            return cleaned
        try:
            self.submission = services.reading_submit(
                meter=meter,
                value=value,
                user=self.staff_user,
                ip=self.staff_ip,
                today=day,
                source=Reading.Source.STAFF,
            )
        except rules.ReadingRefused as refused:
            self.add_error("value" if refused.field else None, refused.message)
        return cleaned

    def save(self, commit=True):
        self.save_m2m = lambda: None
        return self.submission.reading


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = [
        "reading_date",
        "contract",
        "meter",
        "shown_value",
        "shown_consumption",
        "status",
        "review_note",
        "reason",
        "source",
        "submitted_by",
        "ip",
        "submitted_at",
        "reviewed_by",
    ]
    list_filter = ["status", "source", "meter__resource", ("reading_date", admin.DateFieldListFilter)]
    date_hierarchy = "reading_date"
    search_fields = ["meter__serial_number", "meter__contract__number", "meter__contract__organization__inn"]
    list_select_related = ["meter__contract", "submitted_by", "reviewed_by"]
    actions = ["accept_readings", "reject_readings"]
    readonly_fields = [
        "meter",
        "value",
        "consumption",
        "is_rollover",
        "reading_date",
        "submitted_at",
        "submitted_by",
        "ip",
        "source",
        "status",
        "review_note",
        "reason",
        "reviewed_by",
        "reviewed_at",
    ]

    raw_id_fields = ["meter"]

    # Readings are kept as sent: staff decide on them by the actions or add a
    # control reading of their own; they do not edit or delete them.
    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, **kwargs)
        form = super().get_form(request, obj, form=StaffReadingForm, fields=StaffReadingForm.Meta.fields)
        form.staff_user = request.user
        form.staff_ip = client_ip(request) or None
        return form

    def get_fields(self, request, obj=None):
        return StaffReadingForm.Meta.fields if obj is None else super().get_fields(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
        # On add the service has already written the reading.

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="договор", ordering="meter__contract__number")
    def contract(self, obj: Reading) -> str:
        return obj.meter.contract.number

    @admin.display(description="показания", ordering="value")
    def shown_value(self, obj: Reading) -> str:
        return f"{obj.meter.display(obj.value)} {obj.meter.unit}"

    @admin.display(description="расход", ordering="consumption")
    def shown_consumption(self, obj: Reading) -> str:
        if obj.consumption is None:
            return "—"
        shown = format_number(obj.consumption, obj.meter.digits_after)
        return f"{shown} (через ноль)" if obj.is_rollover else shown

    def _decide(self, request, queryset: QuerySet, decide, done: str) -> None:
        decided = skipped = 0
        for reading in queryset.select_related("meter"):
            try:
                decide(reading)
            except services.ReviewRefused as refused:
                skipped += 1
                self.message_user(request, str(refused), messages.WARNING)
            else:
                decided += 1
        if decided:
            self.message_user(request, f"{done}: {decided}.", messages.SUCCESS)
        if not decided and not skipped:
            self.message_user(request, "Ничего не выбрано.", messages.WARNING)

    @admin.action(description="Принять выбранные показания", permissions=["change"])
    def accept_readings(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda reading: services.reading_accept(reading=reading, user=request.user),
            "Принято показаний",
        )

    @admin.action(description="Отклонить выбранные показания (с причиной)", permissions=["change"])
    def reject_readings(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._decide(
                request,
                queryset,
                lambda reading: services.reading_reject(reading=reading, user=request.user, reason=reason),
                "Отклонено показаний",
            )
            return None
        return TemplateResponse(
            request,
            "admin/meters/reading/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": "Отклонить показания",
                "opts": self.model._meta,
                "readings": queryset.select_related("meter__contract", "submitted_by"),
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
            },
        )
