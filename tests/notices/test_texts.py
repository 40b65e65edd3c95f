"""The links of the notices an import makes by the thousand: resolved once
per page, the same as Django's reverse() for every id and script prefix."""

import datetime as dt
from decimal import Decimal

from django.urls import clear_script_prefix, reverse, set_script_prefix

from notices.texts import ID_MARK, invoice_texts, page_url, payment_texts


def test_a_page_link_is_what_reverse_gives_for_every_id():
    for invoice_id in (1, 7, 10, 12345, ID_MARK + 1):
        assert page_url("settlements:invoice", invoice_id) == reverse(
            "settlements:invoice", args=[invoice_id]
        )
    assert page_url("settlements:payments") == reverse("settlements:payments")


def test_a_page_link_follows_the_script_prefix():
    plain = page_url("settlements:invoice", 5)
    set_script_prefix("/cabinet/")
    try:
        assert page_url("settlements:invoice", 5) == "/cabinet" + plain
        assert page_url("settlements:invoice", 5) == reverse("settlements:invoice", args=[5])
    finally:
        clear_script_prefix()
    assert page_url("settlements:invoice", 5) == plain


def test_the_texts_link_their_pages():
    texts = invoice_texts(
        number="12345-ЭС",
        date=dt.date(2026, 10, 31),
        amount=Decimal("1.00"),
        balance=Decimal("0.00"),
        invoice_id=77,
    )
    assert texts["url"] == reverse("settlements:invoice", args=[77])
    texts = payment_texts(
        number="12345-ЭС", date=dt.date(2026, 10, 31), amount=Decimal("1.00"), balance=Decimal("0.00")
    )
    assert texts["url"] == reverse("settlements:payments")
