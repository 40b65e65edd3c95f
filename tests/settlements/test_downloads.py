import datetime as dt

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from settlements.downloads import content_disposition, statement_filename, transliterate
from settlements.ledger import Period
from tests.settlements.conftest import MANUAL_PERIOD


def test_file_names_are_ascii_and_say_what_and_when():
    period = Period(dt.date(2021, 10, 1), dt.date(2021, 12, 31))
    name = statement_filename(
        kind="vzaimoraschety", contract_number="12345-ЭС", period=period, extension="pdf"
    )
    assert name == "spravka-vzaimoraschety-12345-ES-2021-10-01-2021-12-31.pdf"


def test_a_russian_file_name_keeps_an_ascii_fallback():
    header = content_disposition("Справка «ЭнСер» 12345-ЭС.pdf")
    assert header == (
        'attachment; filename="Spravka-EnSer-12345-ES.pdf"; '
        "filename*=UTF-8''%D0%A1%D0%BF%D1%80%D0%B0%D0%B2%D0%BA%D0%B0%20%C2%AB%D0%AD%D0%BD%D0%A1%D0%B5%D1%80"
        "%C2%BB%2012345-%D0%AD%D0%A1.pdf"
    )
    assert transliterate('a"b;c\r\nd') == "a-b-c--d"


@pytest.mark.django_db
def test_statement_downloads_are_rate_limited_per_customer(settings, customer_client, other_client):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "statements": "3/m"}
    urls = [reverse("settlements:settlements-xlsx"), reverse("settlements:charges-xlsx")]
    november = {"start": "01.11.2021", "end": "30.11.2021"}
    for url, period in [(urls[0], MANUAL_PERIOD), (urls[1], MANUAL_PERIOD), (urls[0], november)]:
        assert customer_client.get(url, period).status_code == 200
    refused = customer_client.get(reverse("settlements:settlements-pdf"), MANUAL_PERIOD)
    assertContains(refused, "Слишком много попыток", status_code=429)
    # A statement made before comes from the cache, past the limit.
    assert customer_client.get(urls[0], november).status_code == 200
    # The pages stay open, and other customers are not affected.
    assert customer_client.get(reverse("settlements:settlements"), MANUAL_PERIOD).status_code == 200
    assert other_client.get(urls[0], MANUAL_PERIOD).status_code == 200
