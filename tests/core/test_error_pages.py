"""The shared error pages: each answers with the status that fits, in Russian."""

import django_ratelimit.core
import pytest
from django.test import Client
from django.urls import reverse
from phonenumber_field.phonenumber import to_python
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts import sms
from enser_cabinet.views import wait_text
from tests.accounts.conftest import FIRST_INN, FIRST_NUMBER, registration_data
from tests.conftest import make_contract

pytestmark = pytest.mark.django_db


def test_a_form_beyond_the_size_limit_is_refused_with_413(customer_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    customer_client.raise_request_exception = False
    response = customer_client.post(reverse("accounts:contacts-edit"), {"head-full_name": "ж" * 10_000})
    assertContains(response, "Слишком большой запрос", status_code=413)


def test_too_many_fields_stay_a_bad_request(customer_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    customer_client.raise_request_exception = False
    response = customer_client.post(reverse("accounts:contacts-edit"), {f"f{i}": "1" for i in range(20)})
    assertContains(response, "Неверный запрос", status_code=400)


def test_a_form_without_its_csrf_token_gets_a_russian_page_that_says_what_to_do(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"contract_number": "12345-ЭС", "secret": "x"})
    for text in ["Форма устарела", "обновите ее и отправьте форму еще раз", "разрешите в браузере cookie"]:
        assertContains(response, text, status_code=403)
    assertNotContains(response, "CSRF", status_code=403)
    assertNotContains(response, "Forbidden", status_code=403)
    # In the site's layout.
    assertContains(response, '<link rel="stylesheet"', status_code=403)
    assertContains(response, "АО «ЭнСер»", status_code=403)


def _seconds_left(value: str, period: int) -> int:
    # The conftest freezes django-ratelimit's clock for the test: the same
    # window arithmetic as the library's.
    core = django_ratelimit.core
    return core._get_window(value, period) - int(core.time.time())


def test_too_many_sign_ins_say_how_long_to_wait(client, contract):
    login = reverse("accounts:login")
    for _ in range(10):
        assert client.post(login, {"contract_number": "12345-ЭС", "secret": "wrong-1"}).status_code == 400
    response = client.post(login, {"contract_number": "12345-ЭС", "secret": "wrong-1"})
    assert response.status_code == 429
    # RATE_SIGN_IN_CONTRACT is 10 in 10 minutes, counted by the contract number.
    expected = _seconds_left("12345-ЭС", 600)
    assert 0 < expected <= 600
    assert response["Retry-After"] == str(expected)
    assertContains(response, f"Попробуйте снова через {wait_text(expected)}.", status_code=429)


def test_too_many_sms_say_how_long_to_wait(client, db, settings):
    settings.SMS_BACKEND = "locmem"
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sms_phone": "1/h"}
    make_contract(number=FIRST_NUMBER, inn=FIRST_INN, kpp="745601001", registered=False)
    client.post(reverse("accounts:login"), {"contract_number": FIRST_NUMBER, "secret": FIRST_INN})
    register = reverse("accounts:register")
    data = registration_data(method="sms", action="send-sms")
    assert client.post(register, data).status_code == 302
    response = client.post(register, {"action": "send-sms", "phone": data["phone"]})
    sms.outbox.clear()
    assert response.status_code == 429
    # RATE_SMS_PHONE is counted by the phone as the form reads it.
    expected = _seconds_left(str(to_python("+79025550112")), 3600)
    assert response["Retry-After"] == str(expected)
    assertContains(response, f"Попробуйте снова через {wait_text(expected)}.", status_code=429)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "1 с"), (59, "59 с"), (60, "1 мин"), (61, "2 мин"), (3600, "1 ч"), (3661, "1 ч 2 мин")],
)
def test_the_wait_is_said_in_russian(seconds, text):
    assert wait_text(seconds) == text


def test_every_rate_limit_uses_the_decorator_that_tells_the_wait():
    from pathlib import Path

    from django.conf import settings

    offenders = [
        str(path)
        for top in Path(settings.BASE_DIR).iterdir()
        if top.is_dir() and not top.name.startswith(".") and top.name not in {"tests", "var", "staticfiles"}
        for path in top.rglob("*.py")
        if "django_ratelimit.decorators" in path.read_text(encoding="utf-8") and path.name != "ratelimit.py"
    ]
    assert offenders == []


def test_favicon_is_the_logo(client):
    response = client.get("/favicon.ico")
    assertRedirects(response, "/static/img/logo.svg", fetch_redirect_response=False)
    assert "max-age=86400" in response["Cache-Control"]
    from django.contrib.staticfiles import finders

    assert finders.find("img/logo.svg")
