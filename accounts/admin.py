import datetime as dt

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from accounts.activation import activation_code_issue
from accounts.invitations import membership_added_by_staff, membership_removed_by_staff
from accounts.journal import Kind, journal_record, origin_of, person_display
from accounts.models import (
    ActionRecord,
    ActivationCode,
    ConfirmationCode,
    ContactPerson,
    Contract,
    Invitation,
    Membership,
    Organization,
    RegistrationRequest,
    User,
)
from accounts.people import accounts_merge
from accounts.registration import contract_registration_reset
from accounts.roles import Role
from accounts.signals import security_event_send
from enser_cabinet.formatting import format_date


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0
    fields = ["number", "signed_on", "service", "registered_at", "registration_method"]
    readonly_fields = ["registered_at", "registration_method"]
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "inn", "kpp", "legal_address"]
    search_fields = ["name", "inn", "contracts__number"]
    inlines = [ContractInline]


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


class ContractMembershipFormSet(BaseInlineFormSet):
    def clean(self):
        """A registered contract keeps an Администратор, in admin as in the cabinet."""
        super().clean()
        if not self.instance.pk or not self.instance.is_registered:
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("user")
        ]
        had_admin = Membership.objects.filter(contract=self.instance, role=Role.ADMIN).exists()
        if had_admin and not any(data.get("role") == Role.ADMIN for data in kept):
            raise ValidationError(
                "У договора должен остаться хотя бы один администратор. "
                "Назначьте администратором другого сотрудника или сбросьте регистрацию."
            )


class MembershipInline(admin.TabularInline):
    """The people of a contract and their roles: add a person with a role,
    change the role, or delete the row to take the access away (it ends on
    the person's next request; with no contract left, their sessions end)."""

    model = Membership
    formset = ContractMembershipFormSet
    extra = 0
    fields = ["user", "role", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]
    autocomplete_fields = ["user"]
    verbose_name = "сотрудник с доступом"
    verbose_name_plural = "сотрудники и роли"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "created_by")


def memberships_save(request, formset) -> None:
    """Saves an inline of memberships (or of contacts, saved as they are):
    records each person added, removed or given another role in the journal,
    and ends the sessions of a person left with no contract."""
    origin = origin_of(request)
    objects = formset.save(commit=False)
    for obj in objects:
        if not isinstance(obj, Membership):
            obj.save()
            continue
        added = obj.pk is None
        if added:
            obj.created_by = request.user
        before = None if added else Membership.objects.values_list("role", flat=True).get(pk=obj.pk)
        obj.save()
        if added:
            membership_added_by_staff(membership=obj, by=request.user, origin=origin)
        elif before != obj.role:
            journal_record(
                action=Kind.ROLE_CHANGED,
                user=request.user,
                contract=obj.contract,
                details=f"{person_display(obj.user)}: «{Role(before).label}» → «{obj.get_role_display()}»",
                origin=origin,
            )
    formset.save_m2m()
    for removed in formset.deleted_objects:
        removed.delete()
        if isinstance(removed, Membership):
            membership_removed_by_staff(membership=removed, by=request.user, origin=origin)


class UserMembershipInline(admin.TabularInline):
    """A person's contracts and roles."""

    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["contract", "role", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]
    autocomplete_fields = ["contract"]
    verbose_name = "доступ к договору"
    verbose_name_plural = "договоры и роли"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("contract", "created_by")


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "organization",
        "signed_on",
        "is_registered",
        "registered_at",
        "registration_method",
        "is_disputed",
    ]
    list_filter = [
        ("registered_at", admin.EmptyFieldListFilter),
        "registration_method",
        ("registration_disputed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["number", "organization__inn", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    # The contacts billing holds come only from the billing import.
    readonly_fields = [
        "registered_at",
        "registration_method",
        "registration_disputed_at",
        "billing_email",
        "billing_phone",
    ]
    inlines = [MembershipInline, ContactPersonInline]
    actions = ["registration_reset", "issue_activation_code"]

    def save_formset(self, request, form, formset, change):
        # Who added a person to the contract, for the people added here; staff's
        # changes of people go to the journal as the customer's own do.
        memberships_save(request, formset)

    @admin.action(
        description="Сбросить регистрацию (снова вход по ИНН, сеансы завершаются)",
        permissions=["change"],
    )
    def registration_reset(self, request, queryset):
        ended = 0
        for contract in queryset:
            ended += contract_registration_reset(contract=contract)
            security_event_send(
                "registration_reset",
                user=request.user,
                contract=contract,
                request=request,
                details=f"сотрудник {request.user.get_username()}",
            )
        self.message_user(
            request,
            f"Регистрация сброшена: договоров {queryset.count()}, завершено сеансов {ended}. "
            "Потребитель может снова войти по ИНН и зарегистрироваться.",
            messages.SUCCESS,
        )

    @admin.action(description="Выдать код активации", permissions=["change"])
    def issue_activation_code(self, request, queryset):
        """Codes are shown here once and kept only hashed: staff pass them on
        to the customer, whose registration then asks for one
        (REGISTRATION_REQUIRES_CODE)."""
        for contract in queryset.order_by("number"):
            code = activation_code_issue(contract=contract, by=request.user)
            self.message_user(
                request,
                f"Код активации договора {contract.number}: {code}. Действует "
                f"{settings.ACTIVATION_CODE_DAYS} дн., один раз; показан только сейчас, "
                "прежние коды договора больше не действуют.",
                messages.SUCCESS,
            )

    @admin.display(boolean=True, description="зарегистрирован")
    def is_registered(self, obj: Contract) -> bool:
        return obj.is_registered

    @admin.display(description="«это не я»", ordering="registration_disputed_at")
    def is_disputed(self, obj: Contract) -> str:
        # Shown only where it happened: a flag staff must not miss in the list.
        if obj.registration_disputed_at is None:
            return ""
        return f"⚠ оспорена {format_date(obj.registration_disputed_at)}"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "contract", "email", "phone", "is_staff", "is_active", "last_login"]
    search_fields = [
        "username",
        "email",
        "contract__number",
        "contract__organization__inn",
        "memberships__contract__number",
    ]
    list_select_related = ["contract"]
    raw_id_fields = ["contract"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Потребитель", {"fields": ["contract", "phone"]}))
    inlines = [UserMembershipInline]
    actions = ["accounts_merge"]

    def save_formset(self, request, form, formset, change):
        memberships_save(request, formset)

    @admin.action(
        description="Объединить учетные записи с одинаковым e-mail (доступы переходят к одной)",
        permissions=["change"],
    )
    def accounts_merge(self, request, queryset):
        merges = accounts_merge(users=list(queryset.order_by("pk")))
        if not merges:
            self.message_user(
                request,
                "Объединять нечего: среди выбранных нет действующих учетных записей "
                "потребителей с одинаковым e-mail.",
                messages.WARNING,
            )
            return
        for merge in merges:
            self.message_user(
                request,
                f"E-mail {merge.kept.email}: оставлена учетная запись «{merge.kept.username}», "
                f"к ней перешло доступов: {merge.moved}; отключены: "
                + ", ".join(f"«{user.username}»" for user in merge.merged)
                + ". Вход по этому e-mail теперь работает.",
                messages.SUCCESS,
            )


class RegistrationStateFilter(admin.SimpleListFilter):
    """Where a request stands: waiting for its confirmation, expired unconfirmed, or completed."""

    title = "состояние"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", "ожидает подтверждения"), ("expired", "истекла"), ("completed", "завершена")]

    def queryset(self, request, queryset):
        alive_since = timezone.now() - dt.timedelta(hours=settings.CONFIRMATION_LINK_HOURS)
        if self.value() == "pending":
            return queryset.filter(completed_at__isnull=True, created_at__gt=alive_since)
        if self.value() == "expired":
            return queryset.filter(completed_at__isnull=True, created_at__lte=alive_since)
        if self.value() == "completed":
            return queryset.filter(completed_at__isnull=False)
        return queryset


@admin.register(RegistrationRequest)
class RegistrationRequestAdmin(admin.ModelAdmin):
    """Registrations as they were asked for and confirmed, pending and recent
    ones first; read-only, but a completed one can be undone."""

    list_display = ["contract", "method", "email", "phone", "created_at", "state", "completed_at"]
    list_filter = [RegistrationStateFilter, "method", ("completed_at", admin.EmptyFieldListFilter)]
    search_fields = ["contract__number", "email", "phone"]
    list_select_related = ["contract"]
    exclude = ["password", "token_hash", "activation_code"]
    date_hierarchy = "created_at"
    actions = ["registration_undo"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="состояние")
    def state(self, obj: RegistrationRequest) -> str:
        if obj.completed_at is not None:
            return "завершена"
        if obj.created_at + dt.timedelta(hours=settings.CONFIRMATION_LINK_HOURS) <= timezone.now():
            return "истекла"
        return "ожидает подтверждения"

    @admin.action(
        description="Отменить регистрацию договора (снова вход по ИНН, сеансы завершаются)",
        permissions=["undo"],
    )
    def registration_undo(self, request, queryset):
        """The contract's registration reset (contract_registration_reset), for
        the completed requests picked that are still their contract's current one."""
        contracts = {
            item.contract
            for item in queryset.filter(completed_at__isnull=False).select_related("contract")
            if item.contract.registered_at == item.completed_at
        }
        ended = sum(contract_registration_reset(contract=contract) for contract in contracts)
        if not contracts:
            self.message_user(
                request, "Отменять нечего: среди выбранных нет действующих регистраций.", messages.WARNING
            )
            return
        self.message_user(
            request,
            f"Регистрация отменена: договоров {len(contracts)} "
            f"({', '.join(sorted(c.number for c in contracts))}), завершено сеансов {ended}. "
            "Потребитель может снова войти по ИНН и зарегистрироваться.",
            messages.SUCCESS,
        )

    def has_undo_permission(self, request) -> bool:
        # Undoing changes the contract: the contract's change permission.
        return request.user.has_perm("accounts.change_contract")


@admin.register(ActivationCode)
class ActivationCodeAdmin(admin.ModelAdmin):
    """Activation codes issued; the codes themselves are shown only once, when issued."""

    list_display = ["contract", "created_at", "created_by", "expires_at", "used_at"]
    search_fields = ["contract__number"]
    list_select_related = ["contract", "created_by"]
    exclude = ["salt", "code_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConfirmationCode)
class ConfirmationCodeAdmin(admin.ModelAdmin):
    """SMS codes sent, for support questions ("the SMS did not come"); read-only."""

    list_display = [
        "contract",
        "purpose",
        "phone",
        "created_at",
        "failed_attempts",
        "confirmed_at",
        "used_at",
    ]
    list_filter = ["purpose"]
    search_fields = ["contract__number", "phone"]
    list_select_related = ["contract"]
    exclude = ["salt", "code_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations customers' administrators sent; read-only (the link's hash is not shown)."""

    list_display = ["email", "role", "invited_by", "created_at", "expires_at", "accepted_at", "cancelled_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "contracts__number"]
    list_select_related = ["invited_by"]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ActionRecord)
class ActionRecordAdmin(admin.ModelAdmin):
    """«Журнал действий»: append-only, so staff read it and nothing more."""

    list_display = ["at", "user_display", "action", "contract", "details", "ip"]
    list_filter = ["action", ("contract", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = ["user_display", "contract__number", "details", "ip"]
    list_select_related = ["contract"]
    date_hierarchy = "at"
    readonly_fields = ["at", "user", "user_display", "contract", "action", "details", "ip", "user_agent"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
