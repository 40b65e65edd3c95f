"""File names and answers for the statements a customer downloads."""

from urllib.parse import quote

from django.http import HttpResponse

from settlements.ledger import Period

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LATIN = [
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
]  # fmt: skip
TRANSLIT = {ord(c): latin for c, latin in zip(_CYRILLIC, _LATIN, strict=True)} | {
    ord(c.upper()): latin.upper() for c, latin in zip(_CYRILLIC, _LATIN, strict=True)
}


def transliterate(text: str) -> str:
    """`12345-ЭС` → `12345-ES`: file names every system and browser keeps."""
    ascii_text = text.translate(TRANSLIT).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in ascii_text)


def statement_filename(*, kind: str, contract_number: str, period: Period, extension: str) -> str:
    """spravka-vzaimoraschety-12345-ES-2021-10-01-2021-12-31.pdf"""
    return transliterate(
        f"spravka-{kind}-{contract_number}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.{extension}"
    )


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII `filename` for old clients and `filename*` in UTF-8."""
    fallback = transliterate(filename).replace('"', "") or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attachment_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["Content-Length"] = str(len(content))
    return response
