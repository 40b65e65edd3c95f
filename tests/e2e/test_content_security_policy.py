"""The Content-Security-Policy holds on every page: Chromium reports no
violation (no inline style or script, nothing from elsewhere), for the
customer's pages and for staff's admin."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from accounts.models import User
from appeals.models import Appeal
from enser_cabinet.demo.customers import DEMO_PASSWORD
from tests.e2e.test_accessibility import CABINET_PAGES, PUBLIC_PAGES, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""

ADMIN_PAGES = [
    "/admin/",
    "/admin/appeals/appeal/",
    "/admin/appeals/appeal/?status__exact=new",
    "/admin/outbox/outgoingmessage/",
    "/admin/accounts/contract/",
    "/admin/settlements/invoice/",
    "/admin/meters/reading/",
    "/admin/password_change/",
]


class Watch:
    def __init__(self, page):
        self.page = page
        self.found: list[str] = []
        self.opened = 0
        page.add_init_script(LISTEN)
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and self.found.append(f"{page.url}: {message.text}")
            ),
        )

    def open(self, path: str) -> None:
        response = self.page.goto(self.page.base_url + path)
        assert "default-src 'self'" in response.headers.get("content-security-policy", ""), path
        self.page.wait_for_load_state("load")
        self.opened += 1
        self.found += [f"{path}: {line}" for line in self.page.evaluate("window.__violations")]


@pytest.fixture
def watch(page, settings):
    settings.ROOT_URLCONF = "tests.e2e.error_urls"
    return Watch(page)


def test_no_page_breaks_the_policy(watch, demo_customer):
    for path in PUBLIC_PAGES:
        watch.open(path)
    sign_in(watch.page, "12345-ЭС", DEMO_PASSWORD)
    for path in CABINET_PAGES:
        watch.open(path.format(**demo_customer))
    assert watch.opened == len(PUBLIC_PAGES) + len(CABINET_PAGES)
    assert not watch.found, "\n".join(watch.found)


def app_code(secret: str, *, ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed from the page."""
    return f"{totp(b32decode(secret.replace(' ', '')), drift=ahead):06d}"


def test_admin_keeps_the_policy_too(watch, demo_customer):
    """Staff enrol an app at the first sign-in (the QR code is an inline
    <svg>, which the policy allows: no script, no style, no data: address),
    then sign in with its code."""
    User.objects.create_superuser("staff-csp", "staff@rm-enser.ru", "Staff-Csp-2024")
    page = watch.page
    page.goto(page.base_url + "/admin/login/")
    page.get_by_label("Имя пользователя").fill("staff-csp")
    page.get_by_label("Пароль").fill("Staff-Csp-2024")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/admin/login/enrol/")
    watch.open("/admin/login/enrol/")
    qr = page.get_by_role("img", name="QR-код для приложения")
    box = qr.bounding_box()
    assert box and box["width"] >= 150 and box["height"] >= 150, box
    secret = page.locator(".secret code").inner_text()
    page.get_by_label("Код из приложения").fill(app_code(secret))
    page.get_by_role("button", name="Подтвердить").click()
    page.wait_for_url("**/admin/login/recovery-codes/")
    assert page.get_by_text("Сохраните коды").first.is_visible()
    assert page.locator(".recovery-code-list li").count() == 10
    watch.found += [f"recovery codes: {line}" for line in page.evaluate("window.__violations")]

    appeal = Appeal.objects.get(number=demo_customer["appeal"])
    pages = [*ADMIN_PAGES, f"/admin/appeals/appeal/{appeal.pk}/change/", "/admin/staff/secondfactor/"]
    for path in pages:
        watch.open(path)

    # Signed out, the next sign-in asks for the app's code.
    page.get_by_role("button", name="Выйти").click()
    page.goto(page.base_url + "/admin/login/")
    page.get_by_label("Имя пользователя").fill("staff-csp")
    page.get_by_label("Пароль").fill("Staff-Csp-2024")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/admin/login/code/")
    watch.open("/admin/login/code/")
    page.get_by_label("Код из приложения").fill(app_code(secret, ahead=1))
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url("**/admin/")
    assert watch.opened == len(pages) + 2
    assert not watch.found, "\n".join(watch.found)
