"""What a document is, judged by its content rather than its name.

A file is accepted when its first bytes (and, for the zip-based office
formats, the zip's inner structure) say it is one of the allowed kinds and
its extension names that same kind: an .exe renamed .pdf, a PNG named .pdf
or a plain zip named .docx are refused.
"""

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

ALLOWED_KINDS_TEXT = "PDF, JPEG, PNG, DOC, DOCX, XLS, XLSX, ODT"

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    extensions: tuple[str, ...]


KINDS = {
    kind.name: kind
    for kind in [
        Kind("pdf", "application/pdf", (".pdf",)),
        Kind("jpeg", "image/jpeg", (".jpg", ".jpeg")),
        Kind("png", "image/png", (".png",)),
        Kind("doc", "application/msword", (".doc",)),
        Kind("xls", "application/vnd.ms-excel", (".xls",)),
        Kind(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
        Kind("odt", "application/vnd.oasis.opendocument.text", (".odt",)),
    ]
}


def _zip_kind(file: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return "docx"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
                return None
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                # Only this small entry is read: nothing is unpacked beyond it.
                with archive.open("mimetype") as entry:
                    if entry.read(100).strip() == ODT_MIMETYPE:
                        return "odt"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, EOFError, ValueError):
        return None
    return None


def document_kind(file: IO[bytes], filename: str) -> Kind | None:
    """The kind the content shows, when the file's extension names it too."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    extension = PurePath(filename).suffix.lower()
    if head.startswith(b"%PDF-"):
        found = "pdf"
    elif head.startswith(b"\xff\xd8\xff"):
        found = "jpeg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = "png"
    elif head.startswith(OLE2_MAGIC):
        # Word 97 and Excel 97 share the OLE2 container; the extension tells which.
        found = {".doc": "doc", ".xls": "xls"}.get(extension)
    elif head.startswith(ZIP_MAGIC):
        found = _zip_kind(file)
        file.seek(0)
    else:
        found = None
    if found is None or extension not in KINDS[found].extensions:
        return None
    return KINDS[found]


def file_sha256(file: IO[bytes]) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def documents_validate(files: list) -> list[Kind]:
    """The kind of each uploaded file, or a ValidationError naming every refusal."""
    errors = []
    if len(files) > settings.APPEAL_MAX_FILES:
        raise ValidationError(
            f"Можно приложить не более {settings.APPEAL_MAX_FILES} файлов, выбрано {len(files)}.",
            code="too_many",
        )
    kinds = []
    for upload in files:
        name = upload.name or "без имени"
        if upload.size > settings.APPEAL_MAX_FILE_SIZE:
            errors.append(
                ValidationError(
                    f"Файл «{name}» больше {filesizeformat(settings.APPEAL_MAX_FILE_SIZE)}.",
                    code="too_large",
                )
            )
            continue
        if upload.size == 0:
            errors.append(ValidationError(f"Файл «{name}» пуст.", code="empty"))
            continue
        kind = document_kind(upload, name)
        if kind is None:
            errors.append(
                ValidationError(
                    f"Файл «{name}» не является документом допустимого формата "
                    f"({ALLOWED_KINDS_TEXT}): проверяется содержимое файла, а не только его имя.",
                    code="wrong_type",
                )
            )
            continue
        kinds.append(kind)
    total = sum(upload.size for upload in files)
    if total > settings.APPEAL_MAX_TOTAL_SIZE:
        errors.append(
            ValidationError(
                f"Общий размер файлов {filesizeformat(total)} больше допустимых "
                f"{filesizeformat(settings.APPEAL_MAX_TOTAL_SIZE)}.",
                code="too_large_total",
            )
        )
    if errors:
        raise ValidationError(errors)
    return kinds


def document_display_name(name: str) -> str:
    """The sender's file name as staff and the customer will see it: no path,
    no control or direction-override characters (`a\u202egpj.pdf` would
    otherwise read as `afdp.jpg`), at most 255 characters with the extension kept."""
    name = PurePath(name.replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = " ".join(name.split()) or "документ"
    if len(name) > 255:
        suffix = PurePath(name).suffix[:16]
        name = name[: 255 - len(suffix)] + suffix
    return name
