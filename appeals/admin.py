from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from appeals.models import (
    Appeal,
    AppealDocument,
    AppealStatusChange,
    AppealType,
    Branch,
    EdoInformation,
    PremisesType,
)
from appeals.services import TRANSITIONS, appeal_reply_set, appeal_status_set


class ReferenceItemAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        # Old appeals refer to them; staff hide an item instead ("показывать в форме").
        return False


admin.site.register(PremisesType, ReferenceItemAdmin)
admin.site.register(AppealType, ReferenceItemAdmin)


@admin.register(Branch)
class BranchAdmin(ReferenceItemAdmin):
    list_display = ["name", "email", "position", "is_active"]


class AppealDocumentInline(admin.TabularInline):
    model = AppealDocument
    extra = 0
    fields = ["download", "size", "content_type", "sha256"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="документ")
    def download(self, obj: AppealDocument) -> str:
        return format_html(
            '<a href="{}" download>{}</a>', reverse("appeals:document", args=[obj.pk]), obj.original_name
        )


class AppealStatusChangeInline(admin.TabularInline):
    model = AppealStatusChange
    extra = 0
    fields = ["status", "changed_at", "changed_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AppealAdminForm(forms.ModelForm):
    class Meta:
        model = Appeal
        fields = ["status", "reply"]

    def clean_status(self):
        status = self.cleaned_data["status"]
        current = self.instance.status
        if status != current and status not in TRANSITIONS[current]:
            allowed = ", ".join(Appeal.Status(s).label for s in TRANSITIONS[current])
            raise forms.ValidationError(
                f"Из статуса «{Appeal.Status(current).label}» можно перейти только в: {allowed}."
            )
        return status


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    form = AppealAdminForm
    list_display = [
        "number",
        "created_at",
        "organization_name",
        "appeal_type",
        "branch",
        "status",
        "contract",
        "document_count",
    ]
    list_filter = ["status", "appeal_type", "branch", ("created_at", admin.DateFieldListFilter)]
    date_hierarchy = "created_at"
    search_fields = ["number", "organization_name", "email", "contract__number", "premises_address"]
    list_select_related = ["appeal_type", "branch", "contract"]
    readonly_fields = [
        "number",
        "created_at",
        "contract",
        "premises_type",
        "organization_name",
        "appeal_type",
        "branch",
        "phone",
        "email",
        "premises_address",
        "message",
        "consent_personal_data",
        "consent_accuracy",
        "replied_at",
        "replied_by",
    ]
    fieldsets = [
        (
            "Обращение",
            {
                "fields": [
                    ("number", "created_at"),
                    "contract",
                    "premises_type",
                    "organization_name",
                    "appeal_type",
                    "branch",
                    ("phone", "email"),
                    "premises_address",
                    "message",
                    ("consent_personal_data", "consent_accuracy"),
                ]
            },
        ),
        ("Работа с обращением", {"fields": ["status", "reply", ("replied_at", "replied_by")]}),
    ]
    inlines = [AppealDocumentInline, AppealStatusChangeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_documents=Count("documents"))

    @admin.display(description="документов", ordering="_documents")
    def document_count(self, obj: Appeal) -> int:
        return obj._documents

    def has_add_permission(self, request):
        # Appeals come from customers through the forms, with their numbers and consents.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Status and reply go through the services, so history and letters never miss a change.
        old = Appeal.objects.get(pk=obj.pk)
        new_status, new_reply = obj.status, obj.reply.strip()
        obj.status, obj.reply = old.status, old.reply
        if new_status != old.status:
            appeal_status_set(appeal=obj, status=new_status, by=request.user)
        if new_reply and new_reply != old.reply.strip():
            appeal_reply_set(appeal=obj, text=new_reply, by=request.user, absolute=request.build_absolute_uri)
            messages.info(request, f"Ответ отправлен на адрес {obj.email}.")
        elif new_reply != old.reply.strip():
            obj.reply = new_reply
            obj.save(update_fields=["reply"])


@admin.register(EdoInformation)
class EdoInformationAdmin(admin.ModelAdmin):
    list_display = ["title", "updated_at"]
    fields = ["title", "text", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        return not EdoInformation.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
