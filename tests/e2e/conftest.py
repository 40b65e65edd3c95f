"""Browser journeys: Playwright driving Debian's Chromium against the live
server. Playwright's sync API runs an event loop in the test thread, hence
DJANGO_ALLOW_ASYNC_UNSAFE=true in `make test`."""

import os
import shutil

import pytest

from accounts import sms
from accounts.models import Contract
from appeals.models import AppealType, Branch, PremisesType
from meters.models import Meter
from settlements.models import Invoice
from tests.appeals.conftest import make_appeal
from tests.demo import demo_seed

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def fill_registration(page, *, password: str, method: str) -> None:
    """Fills the registration form of 54321-ЭС as ООО «Уралтехсервис» would;
    `method` is the label of the confirmation choice ("По SMS", "По электронной почте")."""
    page.get_by_label("Введите новый пароль").fill(password)
    page.get_by_label("Подтвердите новый пароль").fill(password)
    page.get_by_label("Адрес e-mail").fill("buh@uraltech.ru")
    page.get_by_label("Номер телефона").fill("+7 (902) 555-01-12")
    page.get_by_label(method).check()
    page.get_by_label("Подтверждаю свое согласие на обработку персональных данных").check()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: .ci/run installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="ru-RU", timezone_id="Asia/Yekaterinburg", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def demo_customer(settings, tmp_path):
    """seed_demo's data and an appeal of 12345-ЭС; the ids of its invoice, meter and appeal."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SMS_BACKEND = "locmem"
    sms.outbox.clear()
    demo_seed()
    contract = Contract.objects.get(number="12345-ЭС")
    choices = {
        "premises_type": PremisesType.objects.get_or_create(name="Нежилое помещение в МКД")[0],
        "appeal_type": AppealType.objects.get_or_create(name="Перерасчет")[0],
        "branch": Branch.objects.get_or_create(name="АО «ЭнСер»", defaults={"email": "abonent@rm-enser.ru"})[
            0
        ],
    }
    appeal = make_appeal(choices, contract=contract)
    yield {
        "invoice": Invoice.objects.filter(contract=contract).order_by("date").first().pk,
        "meter": Meter.objects.filter(contract=contract).order_by("pk").first().pk,
        "appeal": appeal.number,
    }
    sms.outbox.clear()
