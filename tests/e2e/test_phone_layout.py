"""Every cabinet page on a phone (320 and 375 px): nothing scrolls sideways,
neither the page nor a box in it, and no date or amount breaks across lines;
the balance and the period form are in the first screen; at 1366 px the money
tables stay tables."""

import datetime as dt
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Contract
from appeals.models import AppealType, Branch, PremisesType
from appeals.services import appeal_create
from enser_cabinet.demo.customers import DEMO_PASSWORD
from tests.demo import demo_seed

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A period of the demo ledger with charges and payments in it.
PERIOD = "start=2021-10-01&end=2022-03-31"
LEDGER_TABS = ["/settlements/", "/charges/", "/payments/"]
# Screenshots of every page checked, for a person to look at: PHONE_SHOTS=<folder>.
# Off by default, since full-page PNGs cost more than the checks themselves.
SHOTS = Path(os.environ["PHONE_SHOTS"]) if os.environ.get("PHONE_SHOTS") else None

# Problems of the page as the browser lays it out: sideways scrolling of the
# page, any box whose content is wider than the box (a scroller, or content
# sticking out), and any .date or .amount laid out on more than one line.
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const name = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes.map((c) => "." + c).join("");
  };
  // Inside a box that hides what sticks out (the visually hidden headings
  // of a table of cards, the trap field of a form): nothing to scroll to.
  const clipped = (el) => {
    for (; el && el !== document.body; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (["hidden", "clip"].includes(style.overflowX) || style.clip !== "auto") return true;
    }
    return false;
  };
  const root = document.scrollingElement;
  if (root.scrollWidth > root.clientWidth) {
    problems.push(`the page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("svg, input, select, textarea") || clipped(el.parentElement)) continue;
    const style = getComputedStyle(el);
    if (["none", "inline", "contents"].includes(style.display) || el.clientWidth === 0) continue;
    if (!["auto", "scroll", "visible"].includes(style.overflowX)) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      problems.push(
        `${name(el)} is wider inside than out: ${el.scrollWidth} > ${el.clientWidth}`
        + ` (overflow-x: ${style.overflowX})`
      );
    }
  }
  for (const el of document.querySelectorAll(".date, .amount")) {
    if (!el.getClientRects().length || clipped(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => r.top);
    tops.sort((a, b) => a - b);
    const step = parseFloat(getComputedStyle(el).fontSize) * 0.8;
    let lines = tops.length ? 1 : 0;
    for (let i = 1; i < tops.length; i++) if (tops[i] - tops[i - 1] > step) lines++;
    if (lines > 1) problems.push(`${name(el)} "${el.textContent.trim()}" takes ${lines} lines`);
  }
  return problems;
}"""


@pytest.fixture
def demo(settings, tmp_path) -> Contract:
    """seed_demo's 12345-ЭС with an appeal of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_seed()
    contract = Contract.objects.get(number="12345-ЭС")
    branch, _ = Branch.objects.get_or_create(name="АО «ЭнСер»", defaults={"email": "abonent@rm-enser.ru"})
    appeal_create(
        data={
            "premises_type": PremisesType.objects.get_or_create(name="Нежилое помещение в МКД")[0],
            "appeal_type": AppealType.objects.get_or_create(name="Перерасчет")[0],
            "branch": branch,
            "organization_name": contract.organization.name,
            "phone": "+79123456789",
            "email": "buh@example.ru",
            "premises_address": "г. Миасс, ул. Калинина, д. 12, пом. 3",
            "message": "Прошу проверить начисления за октябрь 2021 года.",
            "consent_personal_data": True,
            "consent_accuracy": True,
        },
        files=[],
        kinds=[],
        contract=contract,
        user=contract.user,
        absolute=lambda path: f"http://testserver{path}",
    )
    return contract


@contextmanager
def signed_in(browser, live_server, *, width: int, height: int, mobile: bool = True):
    # The test injects a deliberately broken style to prove its check can fail;
    # the page's Content-Security-Policy would refuse it (tested on its own).
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="ru-RU", is_mobile=mobile, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    try:
        page.goto(page.base_url + "/login/")
        page.get_by_label("Номер договора").fill("12345-ЭС")
        page.get_by_label("ИНН/Пароль").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Войти").click()
        expect(page.get_by_text("Добрый день!")).to_be_visible()
        yield page
    finally:
        context.close()


def cabinet_pages(contract: Contract) -> list[str]:
    invoice = contract.invoices.get(date=dt.date(2021, 10, 31))
    meter = contract.meters.order_by("pk").first()
    appeal = contract.appeals.get()
    return [
        "/",
        f"/settlements/?{PERIOD}",
        f"/charges/?{PERIOD}",
        f"/charges/?{PERIOD}&all=1",
        f"/charges/{invoice.pk}/",
        f"/payments/?{PERIOD}",
        "/requisites/",
        "/requisites/contacts/",
        "/password/change/",
        "/readings/",
        f"/readings/{meter.pk}/",
        f"/readings/{meter.pk}/submit/",
        "/appeals/my/",
        f"/appeals/my/{appeal.number}/",
        "/appeals/new/",
        "/appeals/edo/",
        "/people/",
        "/journal/",
        "/contract/select/",
        "/contract/add/",
        "/notifications/",
        "/notifications/settings/",
    ]


def screenshot(page, path: str, width: int) -> None:
    """Into SHOTS as 320-charges-all.png, 375-readings-5-submit.png, ..."""
    if SHOTS is None:
        return
    slug = path.split("?")[0].strip("/").replace("/", "-") or "home"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{width}-{slug}{'-all' if 'all=1' in path else ''}.png", full_page=True)


@pytest.mark.parametrize("width", [320, 375])
def test_no_cabinet_page_scrolls_sideways_on_a_phone(browser, live_server, demo, width):
    with signed_in(browser, live_server, width=width, height=740) as page:
        problems: dict[str, None] = {}
        for path in cabinet_pages(demo):
            response = page.goto(page.base_url + path)
            assert response.status == 200, path
            # What a tap on "Расход по месяцам таблицей" shows is checked too.
            page.evaluate("document.querySelectorAll('details').forEach((d) => d.open = true)")
            problems.update({f"{path}: {problem}": None for problem in page.evaluate(LAYOUT_PROBLEMS)})
            screenshot(page, path, width)
        assert not problems, "\n".join(problems)

        # The checks do see a page that breaks a date or scrolls sideways.
        page.goto(page.base_url + f"/settlements/?{PERIOD}")
        broken = (
            ".date { display: inline-block; max-width: 3em; overflow-wrap: anywhere; white-space: normal; }"
        )
        page.add_style_tag(content=broken)
        assert any("takes" in problem for problem in page.evaluate(LAYOUT_PROBLEMS))
        page.add_style_tag(content=".tab-panel { min-width: 900px; }")
        assert any("sideways" in problem for problem in page.evaluate(LAYOUT_PROBLEMS))


def test_balance_and_period_form_are_in_the_first_screen(browser, live_server, demo):
    with signed_in(browser, live_server, width=375, height=667) as page:
        balance = page.locator(".balance").first
        expect(balance).to_contain_text("Задолженность")
        box = balance.bounding_box()
        # Its first line, at least, is on the screen.
        assert box["y"] + min(box["height"], 24) <= 667, box
        for tab in LEDGER_TABS:
            page.goto(page.base_url + tab)
            form = page.locator("form.period")
            expect(form.get_by_label("Начальная дата")).to_be_visible()
            box = form.bounding_box()
            assert box["y"] + 24 <= 667, (tab, box)


def test_money_tables_stay_tables_on_a_wide_screen(browser, live_server, demo):
    invoice = demo.invoices.get(date=dt.date(2021, 10, 31))
    pages = ["/", f"/settlements/?{PERIOD}", f"/charges/?{PERIOD}&all=1", f"/charges/{invoice.pk}/"]
    with signed_in(browser, live_server, width=1366, height=900, mobile=False) as page:
        for path in [*pages, f"/payments/?{PERIOD}"]:
            page.goto(page.base_url + path)
            for table in page.locator(".tab-panel table").all():
                expect(table.locator("thead tr").first).to_be_visible()
                assert table.evaluate("t => getComputedStyle(t).display") == "table", path
                labels = table.evaluate(
                    "t => [...t.querySelectorAll('td')].map((td) => getComputedStyle(td, '::before').content)"
                )
                assert set(labels) <= {"none", "normal"}, path
            screenshot(page, path, 1366)
