from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from billing.forms import UploadForm
from billing.loader import SUMMARY_TITLES
from billing.models import ImportRun
from billing.services import AlreadyLoaded, import_run_progress, import_run_queue

COUNT_TITLES = {
    "created": "создано",
    "updated": "обновлено",
    "unchanged": "без изменений",
    "skipped": "пропущено",
}


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Loads of billing files: read-only; new ones come from the command or the upload page."""

    change_list_template = "admin/billing/importrun/change_list.html"
    list_display = [
        "__str__",
        "state",
        "started_by_or_command",
        "files_short",
        "counts_short",
        "duration_display",
    ]
    list_filter = ["state"]
    date_hierarchy = "created_at"
    fields = [
        "state",
        "progress",
        "created_at",
        "started_at",
        "finished_at",
        "duration_display",
        "started_by",
        "command",
        "files_table",
        "counts_table",
        "errors_text",
    ]
    readonly_fields = fields
    list_select_related = ["started_by"]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        # Django's "Просмотреть %s" would say "Просмотреть загрузка данных биллинга".
        extra_context = {"title": "Загрузка данных биллинга", **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="кто или какая команда")
    def started_by_or_command(self, run: ImportRun) -> str:
        return str(run.started_by) if run.started_by else run.command

    @admin.display(description="файлы")
    def files_short(self, run: ImportRun) -> str:
        return ", ".join(f["name"] for f in run.files)

    @admin.display(description="итоги")
    def counts_short(self, run: ImportRun) -> str:
        parts = []
        for kind, counts in run.counts.items():
            changed = counts["created"] + counts["updated"]
            parts.append(
                f"{SUMMARY_TITLES.get(kind, kind)}: {changed} изм. из {changed + counts['unchanged']}"
            )
        return "; ".join(parts)

    @admin.display(description="длительность")
    def duration_display(self, run: ImportRun) -> str:
        duration = run.duration
        return f"{duration.total_seconds():.1f} с" if duration is not None else "—"

    @admin.display(description="ход загрузки")
    def progress(self, run: ImportRun) -> str:
        if run.state == ImportRun.State.QUEUED:
            return "ждет очереди: обновите страницу через минуту"
        if run.state == ImportRun.State.RUNNING:
            return import_run_progress(run=run) or "начата"
        return "завершена"

    @admin.display(description="файлы")
    def files_table(self, run: ImportRun) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            ((f["name"], filesizeformat(f["size"]), f["sha256"]) for f in run.files),
        )
        return format_html("<table><tr><th>имя</th><th>размер</th><th>SHA-256</th></tr>{}</table>", rows)

    @admin.display(description="итоги по видам записей")
    def counts_table(self, run: ImportRun) -> str:
        if not run.counts:
            return "—"
        head = format_html_join("", "<th>{}</th>", ((title,) for title in COUNT_TITLES.values()))
        rows = format_html_join(
            "",
            "<tr><th>{}</th>{}</tr>",
            (
                (
                    SUMMARY_TITLES.get(kind, kind),
                    format_html_join("", "<td>{}</td>", ((counts.get(k, 0),) for k in COUNT_TITLES)),
                )
                for kind, counts in run.counts.items()
            ),
        )
        return format_html("<table><tr><th></th>{}</tr>{}</table>", head, rows)

    @admin.display(description="ошибки")
    def errors_text(self, run: ImportRun) -> str:
        return format_html("<pre>{}</pre>", run.errors) if run.errors else "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportRun | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ImportRun | None = None) -> bool:
        return False

    def get_urls(self) -> list:
        upload = path(
            "upload/", self.admin_site.admin_view(self.upload_view), name="billing_importrun_upload"
        )
        return [upload, *super().get_urls()]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        # Starting an import writes contracts, charges and payments: staff
        # who may change contracts may start one.
        if not request.user.has_perm("accounts.change_contract"):
            return HttpResponse("Недостаточно прав для загрузки данных биллинга.", status=403)
        form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
        if form.is_bound and form.is_valid():
            try:
                run = import_run_queue(
                    uploads=form.cleaned_data["files"],
                    user=request.user,
                    confirm=form.cleaned_data["confirm"],
                )
            except AlreadyLoaded as already:
                earlier = already.run
                form.add_error(
                    None,
                    f"Эти файлы уже загружены: загрузка № {earlier.pk} от "
                    f"{localtime(earlier.created_at):%d.%m.%Y %H:%M}. Чтобы загрузить их еще раз, "
                    "отметьте «Загрузить повторно».",
                )
            else:
                self.message_user(
                    request,
                    f"Файлы приняты: загрузка № {run.pk} в очереди. Ход и итог — на этой странице.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:billing_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "Загрузить файлы биллинга",
        }
        return render(request, "admin/billing/importrun/upload.html", context)
