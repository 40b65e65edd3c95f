"""Writes on appeals: registering one with its documents, staff's status
changes and replies, and the letters each of them sends."""

import datetime as dt
from collections.abc import Callable

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.transaction import TransactionManagementError
from django.urls import reverse
from django.utils import timezone

from accounts.journal import Origin, journal_record
from accounts.models import ActionRecord, Contract, User
from appeals.documents import Kind, document_display_name, file_sha256
from appeals.models import Appeal, AppealCounter, AppealDocument, AppealStatusChange
from appeals.signals import appeal_changed
from outbox.services import email_queue

# Where staff may move an appeal from each status; a closed one may be reopened.
TRANSITIONS = {
    Appeal.Status.NEW: {Appeal.Status.IN_PROGRESS, Appeal.Status.ANSWERED, Appeal.Status.CLOSED},
    Appeal.Status.IN_PROGRESS: {Appeal.Status.ANSWERED, Appeal.Status.CLOSED},
    Appeal.Status.ANSWERED: {Appeal.Status.IN_PROGRESS, Appeal.Status.CLOSED},
    Appeal.Status.CLOSED: {Appeal.Status.IN_PROGRESS},
}


def appeal_number_next(*, year: int) -> str:
    """`2026-000123`: the next number of the year, one at a time across all workers.

    The year's counter row is locked until the caller's transaction ends, so
    two appeals never get one number, and a rolled-back appeal gives its
    number back.
    """
    if not transaction.get_connection().in_atomic_block:
        # Outside a transaction the counter's lock would end at once.
        raise TransactionManagementError("appeal_number_next must run inside transaction.atomic")
    try:
        with transaction.atomic():
            AppealCounter.objects.get_or_create(year=year)
    except IntegrityError:
        pass  # another worker created the row first: it exists now
    counter = AppealCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{year}-{counter.last:06d}"


class FormAlreadySent(Exception):
    """The form's token has filed an appeal before.

    `appeal` is that appeal when the same sender (contract and e-mail) sends
    again, None when someone else holds the token: theirs is not to be shown.
    """

    def __init__(self, appeal: Appeal | None) -> None:
        super().__init__(appeal)
        self.appeal = appeal


def appeal_create(
    *,
    data: dict,
    files: list[UploadedFile],
    kinds: list[Kind],
    contract: Contract | None = None,
    user: User | None = None,
    absolute: Callable[[str], str],
    form_token: str | None = None,
    origin: Origin | None = None,
) -> Appeal:
    """Registers an appeal with its documents and queues its letters, all in
    one transaction; files are removed again if anything fails. One sent
    from the cabinet (with `contract`) is recorded in the journal.
    `absolute(path)` makes the letters' links absolute.

    With `form_token`, one form files one appeal: sent again, even at the same
    moment from two workers, it raises FormAlreadySent (the unique token is
    the database's to enforce) and stores nothing.
    """
    saved = []
    try:
        with transaction.atomic():
            now = timezone.now()
            appeal = Appeal.objects.create(
                number=appeal_number_next(year=timezone.localtime(now).year),
                created_at=now,
                contract=contract,
                created_by=user,
                premises_type=data["premises_type"],
                organization_name=data["organization_name"].strip(),
                appeal_type=data["appeal_type"],
                branch=data["branch"],
                phone=data["phone"],
                email=data["email"],
                premises_address=data["premises_address"].strip(),
                message=data.get("message", "").strip(),
                consent_personal_data=data["consent_personal_data"],
                consent_accuracy=data["consent_accuracy"],
                form_token=form_token,
            )
            AppealStatusChange.objects.create(
                appeal=appeal, status=Appeal.Status.NEW, changed_at=now, changed_by=user
            )
            for upload, kind in zip(files, kinds, strict=True):
                document = AppealDocument(
                    appeal=appeal,
                    original_name=document_display_name(upload.name or ""),
                    size=upload.size,
                    content_type=kind.content_type,
                    sha256=file_sha256(upload),
                )
                document.file.save(upload.name, upload, save=False)
                saved.append(document.file)
                document.save()
            appeal_letters_queue(appeal=appeal, absolute=absolute)
            if contract is not None:
                journal_record(
                    action=ActionRecord.Kind.APPEAL_SENT,
                    user=user,
                    contract=contract,
                    details=f"№ {appeal.number}, {appeal.appeal_type}",
                    origin=origin,
                )
    except BaseException as error:
        for stored in saved:
            stored.storage.delete(stored.name)
        earlier = None
        if form_token is not None and isinstance(error, IntegrityError):
            # The same form filed its appeal a moment (or a day) ago.
            earlier = Appeal.objects.filter(form_token=form_token).first()
        if earlier is not None:
            same = _same_sender(earlier, data=data, contract=contract)
            raise FormAlreadySent(earlier if same else None) from None
        raise
    return appeal


def _same_sender(appeal: Appeal, *, data: dict, contract: Contract | None) -> bool:
    return appeal.contract_id == (contract.pk if contract else None) and (
        appeal.email.casefold() == data["email"].casefold()
    )


def appeal_status_set(
    *, appeal: Appeal, status: str, by: User | None, at: dt.datetime | None = None, tell: bool = True
) -> bool:
    """Moves the appeal to `status` and records who and when; False when
    nothing changes. `tell` off: the caller tells of it itself (a reply)."""
    if status == appeal.status:
        return False
    if status not in TRANSITIONS[appeal.status]:
        raise ValueError(f"{appeal.get_status_display()} → {Appeal.Status(status).label} is not allowed")
    with transaction.atomic():
        appeal.status = status
        appeal.save(update_fields=["status"])
        change = AppealStatusChange.objects.create(
            appeal=appeal, status=status, changed_at=at or timezone.now(), changed_by=by
        )
        if tell:
            appeal_changed.send(sender=Appeal, appeal=appeal, change=change)
    return True


def appeal_reply_set(*, appeal: Appeal, text: str, by: User | None, absolute: Callable[[str], str]) -> None:
    """Saves staff's reply, marks the appeal answered and queues the letter
    that brings the reply to the sender."""
    now = timezone.now()
    with transaction.atomic():
        appeal.reply = text.strip()
        appeal.replied_at = now
        appeal.replied_by = by
        appeal.save(update_fields=["reply", "replied_at", "replied_by"])
        if appeal.status in (Appeal.Status.NEW, Appeal.Status.IN_PROGRESS):
            appeal_status_set(appeal=appeal, status=Appeal.Status.ANSWERED, by=by, at=now, tell=False)
        appeal_changed.send(sender=Appeal, appeal=appeal, change=None)
        email_queue(
            name="appeal-reply",
            to=[appeal.email],
            context={"appeal": appeal, "cabinet_url": _cabinet_url(appeal, absolute)},
        )


def appeal_letters_queue(*, appeal: Appeal, absolute: Callable[[str], str]) -> None:
    """The acknowledgment to the sender and the notice to the branch.

    An address typed on the public form may be anybody's: its acknowledgment
    ("appeal-received-public") carries the number, the date and our own
    words only, never what the visitor typed, so that the form cannot make
    the company's address send somebody else's text and links.
    """
    documents = list(appeal.documents.all())
    admin_url = absolute(reverse("admin:appeals_appeal_change", args=[appeal.pk]))
    email_queue(
        name="appeal-received" if appeal.contract_id else "appeal-received-public",
        to=[appeal.email],
        context={"appeal": appeal, "documents": documents, "cabinet_url": _cabinet_url(appeal, absolute)},
    )
    email_queue(
        name="appeal-branch",
        to=[appeal.branch.email],
        reply_to=[appeal.email],
        context={
            "appeal": appeal,
            "admin_url": admin_url,
            "documents": [
                (document, absolute(reverse("appeals:document", args=[document.pk])))
                for document in documents
            ],
        },
    )


def _cabinet_url(appeal: Appeal, absolute: Callable[[str], str]) -> str:
    if not appeal.contract_id:
        return ""
    return absolute(reverse("appeals:detail", args=[appeal.number]))
