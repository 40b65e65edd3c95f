"""What a customer's browser downloads: the first visit to the sign-in page
(cold cache) and the cabinet's pages after it (warm cache), counted in bytes
received on the wire (Chromium's encodedDataLength, headers included)."""

import pytest
from playwright.sync_api import expect

from enser_cabinet.demo.customers import DEMO_PASSWORD
from tests.e2e.test_accessibility import CABINET_PAGES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FIRST_VISIT_LIMIT = 300 * 1024
LATER_PAGE_LIMIT = 60 * 1024


class Transfer:
    def __init__(self, page):
        self.page = page
        self.received: dict[str, int] = {}
        self.urls: dict[str, str] = {}
        self.ended: set[str] = set()
        session = page.context.new_cdp_session(page)
        session.on("Network.requestWillBeSent", self._sent)
        session.on("Network.loadingFinished", self._finished)
        session.on("Network.loadingFailed", lambda event: self.ended.add(event["requestId"]))
        session.send("Network.enable")

    def _sent(self, event) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event) -> None:
        self.received[event["requestId"]] = int(event["encodedDataLength"])
        self.ended.add(event["requestId"])

    def settle(self) -> None:
        """Until every request the page made has ended: the pages run no
        script, so after the load event and the fonts nothing more starts
        (and no half-second of silence need be waited, as networkidle does)."""
        self.page.evaluate("document.fonts.ready.then(() => true)")
        for _ in range(500):
            if set(self.urls) <= self.ended:
                return
            self.page.wait_for_timeout(10)
        still_open = sorted(self.urls[key] for key in set(self.urls) - self.ended)
        raise AssertionError(f"requests still open: {still_open}")

    def measure(self, action) -> tuple[int, dict[str, int]]:
        self.received.clear()
        action()
        self.settle()
        by_url = {self.urls.get(key, key): size for key, size in self.received.items()}
        return sum(self.received.values()), by_url


def test_first_visit_and_later_cabinet_pages_stay_light(page, demo_customer):
    transfer = Transfer(page)

    def open_sign_in():
        page.goto(page.base_url + "/login/")

    total, by_url = transfer.measure(open_sign_in)
    assert any(url.endswith(".woff2") for url in by_url), by_url
    assert not any(url.endswith(".ttf") for url in by_url), by_url
    assert 0 < total <= FIRST_VISIT_LIMIT, by_url

    page.get_by_label("Номер договора").fill("12345-ЭС")
    page.get_by_label("ИНН/Пароль").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text("Добрый день!")).to_be_visible()
    transfer.settle()

    for path in [template.format(**demo_customer) for template in CABINET_PAGES]:

        def open_page(path=path):
            page.goto(page.base_url + path)

        total, by_url = transfer.measure(open_page)
        assert 0 < total <= LATER_PAGE_LIMIT, (path, by_url)
