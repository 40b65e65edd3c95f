"""Records of billing imports: one ImportRun per load, whoever started it."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportRun(models.Model):
    """One load of billing files: what was loaded, by whom, with what result."""

    class State(models.TextChoices):
        QUEUED = "queued", "в очереди"
        RUNNING = "running", "выполняется"
        SUCCEEDED = "succeeded", "загружено"
        FAILED = "failed", "ошибка"
        DRY_RUN = "dry_run", "проверка без записи"

    created_at = models.DateTimeField("создана", default=timezone.now)
    started_at = models.DateTimeField("начата", null=True, blank=True)
    finished_at = models.DateTimeField("завершена", null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кем запущена",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    command = models.CharField("команда", max_length=1000, blank=True)
    files = models.JSONField("файлы", default=list, help_text="Имя, размер и SHA-256 каждого файла.")
    options = models.JSONField("параметры", default=dict, blank=True)
    counts = models.JSONField("итоги по видам записей", default=dict, blank=True)
    errors = models.TextField("ошибки", blank=True)
    state = models.CharField("состояние", max_length=10, choices=State.choices, default=State.QUEUED)

    class Meta:
        verbose_name = "загрузка данных биллинга"
        verbose_name_plural = "загрузки данных биллинга"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "-created_at"], name="importrun_state_created")]

    def __str__(self) -> str:
        return f"Загрузка № {self.pk} от {timezone.localtime(self.created_at):%d.%m.%Y %H:%M}"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def fileset(self) -> list[str]:
        """The files' checksums, sorted: the same set is the same upload."""
        return sorted(f["sha256"] for f in self.files)
