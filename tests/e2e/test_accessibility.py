"""axe-core (axe-playwright-python) in Chromium on every page a customer can
reach, at a phone's width and a desktop's, rules WCAG 2.1 A and AA: zero
violations. A new page is one line in PUBLIC_PAGES or CABINET_PAGES; pages
reached only through a form's steps are walked in the journeys below.

Each test checks all its pages and reports every violation at once."""

import re

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import expect

from accounts import sms
from accounts.models import Contract, User
from enser_cabinet.demo.customers import DEMO_PASSWORD
from tests.e2e.conftest import fill_registration
from tests.e2e.test_appeal_journey import PDF, fill_appeal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = [375, 1366]

# Public pages, opened without signing in.
PUBLIC_PAGES = [
    "/login/",
    "/password/reset/",
    "/password/reset/new/",  # without a confirmed reset: the "link is invalid" page
    "/register/confirm/no-such-token/",
    "/people/invitation/no-such-token/",
    "/register/not-me/no-such-token/",
    "/appeals/new/",
    "/appeals/edo/",
    "/notifications/unsubscribe/forged-token/",
    "/no-such-page/",
    "/__error__/400/",
    "/__error__/403/",
    "/__error__/413/",
    "/__error__/429/",
    "/__error__/500/",
    "/__error__/503/",
]

# Cabinet pages of the demo customer 12345-ЭС; {invoice}, {meter}, {appeal}
# are its own objects.
PERIOD = "start=2021-10-01&end=2022-03-31"
CABINET_PAGES = [
    "/",
    f"/settlements/?{PERIOD}",
    f"/charges/?{PERIOD}",
    "/charges/{invoice}/",
    f"/payments/?{PERIOD}",
    "/readings/",
    "/readings/{meter}/",
    "/readings/{meter}/submit/",
    "/requisites/",
    "/requisites/contacts/",
    "/appeals/my/",
    "/appeals/my/{appeal}/",
    "/appeals/new/",
    "/appeals/edo/",
    "/password/change/",
    "/people/",
    "/journal/",
    "/contract/select/",
    "/contract/add/",
    "/notifications/",
    "/notifications/settings/",
    "/no-such-page/",
]


class Audit:
    """Runs axe on the open page and keeps what it finds.

    axe-core (the library axe-playwright-python ships) is put into every
    document of the context as it starts, once per test, rather than sent
    over the wire and compiled again before each run; only the violations
    come back."""

    def __init__(self, page):
        self.page = page
        page.context.add_init_script(script=AXE_SCRIPT)
        self.found: list[str] = []
        self.checked = 0

    def __call__(self, what: str) -> None:
        self.page.wait_for_load_state("load")
        violations = self.page.evaluate(
            "options => axe.run(document, options).then((results) => results.violations)",
            {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
        )
        self.checked += 1
        width = self.page.viewport_size["width"]
        for violation in violations:
            for node in violation["nodes"]:
                self.found.append(
                    f"{width}px {what}: {violation['id']} ({violation['impact']}) "
                    f"{' '.join(node['target'])}\n    {node['html'][:200]}\n    {node['failureSummary']}"
                )

    def open(self, path: str) -> None:
        self.page.goto(self.page.base_url + path)
        self(path)

    def assert_clean(self) -> None:
        assert self.checked
        assert not self.found, f"{len(self.found)} нарушений:\n" + "\n".join(self.found)


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def audit(request, browser, live_server, settings):
    settings.ROOT_URLCONF = "tests.e2e.error_urls"
    width = request.param
    context = browser.new_context(
        viewport={"width": width, "height": 800 if width < 1000 else 900},
        locale="ru-RU",
        timezone_id="Asia/Yekaterinburg",
        is_mobile=width < 1000,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield Audit(page)
    context.close()


def sign_in(page, number: str, secret: str) -> None:
    page.goto(page.base_url + "/login/")
    page.get_by_label("Номер договора").fill(number)
    page.get_by_label("ИНН/Пароль").fill(secret)
    page.get_by_role("button", name="Войти").click()


def last_code() -> str:
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].body).group(1)


def test_public_pages(audit, demo_customer):
    for path in PUBLIC_PAGES:
        audit.open(path)
    audit.assert_clean()


def test_the_page_of_a_form_that_outlived_its_token(audit):
    page = audit.page
    page.goto(page.base_url + "/login/")
    page.context.clear_cookies()
    page.get_by_label("Номер договора").fill("12345-ЭС")
    page.get_by_label("ИНН/Пароль").fill("1234567890")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Форма устарела")
    audit("CSRF")
    audit.assert_clean()


def test_cabinet_pages(audit, demo_customer):
    page = audit.page
    sign_in(page, "12345-ЭС", DEMO_PASSWORD)
    expect(page.get_by_text("Добрый день!")).to_be_visible()
    for path in CABINET_PAGES:
        audit.open(path.format(**demo_customer))
    audit.assert_clean()


def test_forms_with_errors_and_a_flash_message(audit, demo_customer):
    page = audit.page
    # The sign-in form refused.
    sign_in(page, "12345-ЭС", "wrong-password")
    expect(page.get_by_role("alert")).to_be_visible()
    audit("вход: неверный пароль")
    page.get_by_label("Номер договора").fill("")
    page.get_by_role("button", name="Войти").click()
    audit("вход: пустые поля")

    sign_in(page, "12345-ЭС", DEMO_PASSWORD)
    expect(page.get_by_text("Добрый день!")).to_be_visible()
    # A period that ends before it starts.
    page.goto(page.base_url + "/settlements/?start=2022-03-31&end=2021-10-01")
    audit("взаиморасчеты: неверный период")
    # Contacts: a wrong phone, then saved with a flash message.
    page.goto(page.base_url + "/requisites/contacts/")
    row = page.locator("tbody tr").first
    row.get_by_role("textbox", name=re.compile("^ФИО")).fill("Иванова Анна Петровна")
    row.get_by_role("textbox", name=re.compile("^Телефон")).fill("12")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".error").first).to_be_visible()
    audit("контакты: неверный телефон")
    row.get_by_role("textbox", name=re.compile("^Телефон")).fill("+7 912 345-67-89")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Контакты сохранены.")).to_be_visible()
    audit("реквизиты: сообщение «Контакты сохранены.»")
    # Password change refused; the appeal form sent empty; readings sent empty.
    page.goto(page.base_url + "/password/change/")
    page.get_by_role("button", name="Сохранить").click()
    audit("изменение пароля: пустые поля")
    page.goto(page.base_url + "/appeals/new/")
    page.get_by_role("button", name=re.compile("Отправить")).click()
    audit("обращение: пустые поля")
    page.goto(page.base_url + "/readings/{meter}/submit/".format(**demo_customer))
    page.locator("form.reading-form button[type=submit]").first.click()
    audit("показания: пустые поля")
    # «Добавить договор» refused.
    page.goto(page.base_url + "/contract/add/")
    page.get_by_label("Номер договора").fill("99999-ЭС")
    page.get_by_label("Пароль").fill("Nevernyj-2024")
    page.get_by_role("button", name="Добавить договор").click()
    expect(page.get_by_role("alert")).to_be_visible()
    audit("добавить договор: отказ")
    audit.assert_clean()


def test_registration_steps(audit, demo_customer):
    page = audit.page
    sign_in(page, "54321-ЭС", "7456009877")
    expect(page.get_by_role("heading", name="Окно регистрации для юридических лиц")).to_be_visible()
    audit("регистрация: форма")
    page.get_by_label("Введите новый пароль").fill("12345678")
    page.get_by_role("button", name="Сохранить").click()
    audit("регистрация: ошибки")
    fill_registration(page, password="Ural-Teh-2024", method="По SMS")
    page.get_by_role("button", name="Отправить смс").click()
    expect(page.get_by_role("heading", name="СМС подтверждение")).to_be_visible()
    audit("регистрация: код из SMS, сообщение об отправке")
    page.get_by_label("Код подтверждения").fill("000000")
    page.get_by_role("button", name="ОК").click()
    audit("регистрация: неверный код")
    page.get_by_label("Код подтверждения").fill(last_code())
    page.get_by_role("button", name="ОК").click()
    expect(page.get_by_text("Подтверждено")).to_be_visible()
    audit("регистрация: подтверждено")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Добрый день!")).to_be_visible()
    audit("главная: регистрация завершена")

    # Registration by e-mail: the "letter sent" page.
    page.context.clear_cookies()
    User.objects.filter(contract__number="54321-ЭС").delete()
    Contract.objects.filter(number="54321-ЭС").update(registered_at=None, registration_method="")
    sign_in(page, "54321-ЭС", "7456009877")
    fill_registration(page, password="Ural-Teh-2024", method="По электронной почте")
    page.get_by_role("button", name="Сохранить").click()
    audit("регистрация: письмо отправлено")
    audit.assert_clean()


def test_password_reset_steps(audit, demo_customer):
    page = audit.page
    page.goto(page.base_url + "/password/reset/")
    page.get_by_role("button", name="Далее").click()
    audit("восстановление: пустой номер")
    page.get_by_label("Номер договора").fill("12345-ЭС")
    page.get_by_role("button", name="Далее").click()
    audit("восстановление: способ")
    page.get_by_label("По SMS").check()
    page.get_by_role("button", name="Отправить").click()
    audit("восстановление: код")
    page.get_by_label("Код подтверждения").fill("000000")
    page.get_by_role("button", name="ОК").click()
    audit("восстановление: неверный код")
    page.get_by_label("Код подтверждения").fill(last_code())
    page.get_by_role("button", name="ОК").click()
    expect(page.get_by_label("Введите новый пароль")).to_be_visible()
    audit("восстановление: новый пароль")
    page.get_by_label("Введите новый пароль").fill("12345678")
    page.get_by_role("button", name="Сохранить").click()
    audit("восстановление: ошибки нового пароля")
    # By e-mail: the "letter sent" page.
    page.goto(page.base_url + "/password/reset/")
    page.get_by_label("Номер договора").fill("12345-ЭС")
    page.get_by_role("button", name="Далее").click()
    page.get_by_label("По электронной почте").check()
    page.get_by_role("button", name="Отправить").click()
    audit("восстановление: письмо отправлено")
    audit.assert_clean()


def test_appeal_sent_pages(audit, demo_customer, tmp_path):
    page = audit.page
    scan = tmp_path / "акт сверки.pdf"
    scan.write_bytes(PDF)
    page.goto(page.base_url + "/appeals/new/")
    fill_appeal(page, scan)
    page.get_by_label("Наименование организации").fill("ООО «Ромашка»")
    page.get_by_label("Контактный телефон").fill("+7 912 345-67-89")
    page.get_by_label("Адрес электронной почты").fill("romashka@example.ru")
    page.get_by_role("button", name=re.compile("Отправить")).click()
    expect(page.get_by_role("heading", name=re.compile("зарегистрировано"))).to_be_visible()
    audit("обращение без входа: отправлено")
    sign_in(page, "12345-ЭС", DEMO_PASSWORD)
    page.goto(page.base_url + "/appeals/new/")
    fill_appeal(page, scan)
    page.get_by_role("button", name=re.compile("Отправить")).click()
    expect(page.get_by_role("heading", name=re.compile("зарегистрировано"))).to_be_visible()
    audit("обращение из кабинета: отправлено")
    audit.assert_clean()


def test_the_invitation_pages(audit, demo_customer):
    """The link of an invitation: a new person's form, refused once, and the
    form of a person who has an account."""
    from accounts.invitations import invitation_create
    from tests.conftest import make_person

    administrator = User.objects.get(contract__number="12345-ЭС")
    contract = Contract.objects.get(number="12345-ЭС")
    make_person(email="kollega@teplomontazh.example", roles={})
    links = []
    for email in ["novyi@teplomontazh.example", "kollega@teplomontazh.example"]:
        invitation_create(
            inviter=administrator, email=email, role="viewer", contracts=[contract], link_for=links.append
        )
    page = audit.page
    audit.open(f"/people/invitation/{links[0]}/")
    page.get_by_role("button", name="Принять приглашение").click()
    expect(page.get_by_text("Введите имя.")).to_be_visible()
    audit("приглашение: пустые поля")
    audit.open(f"/people/invitation/{links[1]}/")
    expect(page.get_by_label("Пароль вашей учетной записи")).to_be_visible()
    audit.assert_clean()
