"""Fixtures for registration and passwords: SMS into a list, a contract on
its first sign-in, a client that has signed in by INN."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from accounts import sms
from tests.conftest import errors_on, make_contract

NEW_PASSWORD = "Teplo-Set-2024"
FIRST_NUMBER = "54321-ЭС"
FIRST_INN = "7456009877"


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "locmem"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def last_code(outbox) -> str:
    return re.search(r"\b(\d{6})\b", outbox[-1].body).group(1)


@pytest.fixture
def first_contract(db):
    """54321-ЭС of ООО «Уралтехсервис», not yet registered."""
    return make_contract(
        number=FIRST_NUMBER, inn=FIRST_INN, kpp="745601001", name="ООО «Уралтехсервис»", registered=False
    )


def inn_client(number: str = FIRST_NUMBER, inn: str = FIRST_INN) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"contract_number": number, "secret": inn})
    assert response.status_code == 302, errors_on(response)
    assertRedirects(response, reverse("accounts:register"), fetch_redirect_response=False)
    return client


@pytest.fixture
def registering_client(first_contract) -> Client:
    return inn_client()


def registration_data(**overrides) -> dict:
    data = {
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
        "email": "ivanov@mail.ru",
        "phone": "+7 902 555-01-12",
        "method": "email",
        "consent": "on",
        "action": "save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
