"""Imports staff start from admin: files kept, a queued ImportRun, a job."""

import contextlib
import hashlib
import uuid
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from billing.loader import ImportFailed, billing_import
from billing.models import ImportRun
from billing.reader import KINDS_BY_NAME

QUEUE = "billing"
PROGRESS_KEY = "billing-import-progress:{}"
PROGRESS_TTL = 24 * 3600


class AlreadyLoaded(Exception):
    """These very files were loaded before; `run` is the load that took them."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        super().__init__(f"Эти файлы уже загружены: {run}.")


def uploaded_sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def import_run_loaded_before(*, checksums: list[str]) -> ImportRun | None:
    """The last succeeded run of exactly these files (by SHA-256), if any."""
    wanted = sorted(checksums)
    for run in ImportRun.objects.filter(state=ImportRun.State.SUCCEEDED).only("files", "created_at"):
        if run.fileset == wanted:
            return run
    return None


@transaction.atomic
def import_run_queue(*, uploads: list[UploadedFile], user: Any, confirm: bool = False) -> ImportRun:
    """Keeps the uploaded files and queues their import as a job.

    The same set of files as a succeeded run is refused (AlreadyLoaded)
    unless `confirm`.
    """
    described = [
        {"name": upload.name, "size": upload.size, "sha256": uploaded_sha256(upload)} for upload in uploads
    ]
    earlier = import_run_loaded_before(checksums=[f["sha256"] for f in described])
    if earlier is not None and not confirm:
        raise AlreadyLoaded(earlier)
    folder = f"billing/{uuid.uuid4().hex}"
    stored = [default_storage.save(f"{folder}/{upload.name}", upload) for upload in uploads]
    run = ImportRun.objects.create(
        state=ImportRun.State.QUEUED,
        started_by=user,
        command="загрузка файлов в администрировании" + (" (повторно, подтверждено)" if earlier else ""),
        files=described,
        options={"stored": stored},
    )
    if settings.JOBS_INLINE:
        transaction.on_commit(partial(import_run_execute, run_id=run.pk), robust=True)
    else:
        from billing.tasks import import_billing_files

        import_billing_files.configure(queue=QUEUE).defer(run_id=run.pk)
    return run


def import_run_execute(*, run_id: int) -> ImportRun:
    """Runs a queued import; its result, good or bad, is on the ImportRun."""
    run = ImportRun.objects.get(pk=run_id)
    if run.state != ImportRun.State.QUEUED:
        return run  # run already (a job delivered twice)
    paths = [default_storage.path(name) for name in run.options.get("stored", [])]
    with contextlib.suppress(ImportFailed):  # recorded on the run
        billing_import(paths, run=run, started_by=run.started_by, progress=partial(_progress_note, run.pk))
    return run


def _progress_note(run_id: int, kind: str, name: str, rows: int) -> None:
    # The run's own row is inside the import's transaction until the end;
    # the shared cache lets the admin page show how far it got meanwhile.
    title = KINDS_BY_NAME[kind].title
    cache.set(PROGRESS_KEY.format(run_id), f"{title}: {name}, прочитано строк: {rows}", PROGRESS_TTL)


def import_run_progress(*, run: ImportRun) -> str:
    """How far a running import got, as its job last told."""
    return cache.get(PROGRESS_KEY.format(run.pk), "")
