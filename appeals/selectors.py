"""Reads on appeals, each limited to what the person asking may see."""

import re

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import Contract, User
from appeals.models import Appeal, AppealDocument, AppealStatusChange, EdoInformation


def customer_appeals(*, contract: Contract) -> QuerySet[Appeal]:
    """The contract's appeals, newest first, with their history: three queries whatever their number."""
    return (
        Appeal.objects.filter(contract=contract)
        .select_related("appeal_type", "premises_type", "branch")
        .prefetch_related(
            Prefetch("status_changes", queryset=AppealStatusChange.objects.order_by("changed_at", "id")),
            "documents",
        )
    )


# How appeals.services.appeal_number_next writes a number: 2026-000123.
APPEAL_NUMBER = re.compile(r"\d{4}-\d{6}")


def customer_appeal_get(*, contract: Contract, number: str) -> Appeal:
    # The number comes from the address bar and may hold anything, a NUL
    # byte too, which PostgreSQL refuses to compare: only a well-formed one is looked up.
    if not APPEAL_NUMBER.fullmatch(number):
        raise Http404("Нет такого обращения")
    try:
        return customer_appeals(contract=contract).get(number=number)
    except Appeal.DoesNotExist:
        raise Http404("Нет такого обращения") from None


def document_get_for(*, user: User | AnonymousUser, contract: Contract | None, pk: int) -> AppealDocument:
    """A document for staff, or for a person working on the contract that sent
    it (`contract`, the request's); 404 for anyone else."""
    document = AppealDocument.objects.select_related("appeal").filter(pk=pk).first()
    if document is None or not user.is_authenticated or not user.is_active:
        raise Http404("Нет такого документа")
    if user.is_staff and user.has_perm("appeals.view_appeal"):
        return document
    if contract is not None and document.appeal.contract_id == contract.pk:
        return document
    raise Http404("Нет такого документа")


def edo_information_get() -> EdoInformation | None:
    return EdoInformation.objects.order_by("pk").first()
