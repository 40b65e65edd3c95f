"""Keys for django-ratelimit that count by what a person typed."""

from accounts.validators import normalize_contract_number


def contract_number_key(group, request) -> str:
    raw = request.POST.get("contract_number", "")
    return normalize_contract_number(raw) or raw.strip().upper()[:40]
