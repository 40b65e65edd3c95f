"""Every page where a new password is chosen tells the rules of
AUTH_PASSWORD_VALIDATORS next to the field before the first try, in the
validators' own words, so the text cannot drift from what is checked."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.accounts.conftest import inn_client
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

RULES = [
    "Пароль не должен быть слишком похож на другую вашу личную информацию.",
    "Пароль не должен быть слишком простым и распространенным.",
    "Пароль не может состоять только из цифр.",
]


def registration_page(first_contract, contract) -> str:
    return inn_client().get(reverse("accounts:register")).content.decode()


def reset_page(first_contract, contract) -> str:
    user = contract.user
    browser = Client()
    link = reverse(
        "accounts:password-reset-link",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
    )
    assert browser.get(link).status_code == 302
    return browser.get(reverse("accounts:password-reset-new")).content.decode()


def change_page(first_contract, contract) -> str:
    return client_for(contract).get(reverse("accounts:password-change")).content.decode()


PAGES = [registration_page, reset_page, change_page]


def new_password_field(page: str) -> tuple[str, str]:
    """The new-password input and the help text it points to."""
    field = re.search(r'<input[^>]*name="new_password1"[^>]*>', page).group(0)
    described = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
    helps = [re.search(rf'id="{name}">(.*?)</', page, re.S) for name in described]
    return field, " ".join(found.group(1) for found in helps if found)


@pytest.mark.parametrize("open_page", PAGES, ids=lambda f: f.__name__)
def test_the_rules_stand_next_to_the_new_password_before_any_try(open_page, first_contract, contract):
    page = open_page(first_contract, contract)
    _, help_text = new_password_field(page)
    for rule in RULES:
        assert rule in help_text, rule
    assert "** Длина пароля должна быть не менее 8 и не более 20 символов" in page


@pytest.mark.parametrize("open_page", PAGES, ids=lambda f: f.__name__)
def test_the_rules_follow_the_configured_validators(open_page, first_contract, contract, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    ]
    _, help_text = new_password_field(open_page(first_contract, contract))
    assert help_text.strip() == "Пароль не может состоять только из цифр."
