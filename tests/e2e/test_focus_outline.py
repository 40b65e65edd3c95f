"""The keyboard focus outline keeps 3:1 against what lies behind it (WCAG 2.2
focus appearance), on the page's backgrounds: each element reached by Tab is
checked with its computed outline colour against its parent's background."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  let behind = element.parentElement, background = "rgb(255, 255, 255)";
  while (behind) {
    const colour = getComputedStyle(behind).backgroundColor;
    if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") { background = colour; break; }
    behind = behind.parentElement;
  }
  return {
    what: element.outerHTML.slice(0, 80), style: style.outlineStyle, width: parseFloat(style.outlineWidth),
    outline: style.outlineColor, background: background,
  };
}"""


def luminance(rgb: str) -> float:
    channels = [int(part) / 255 for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted([luminance(first), luminance(second)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_computed_as_wcag_does():
    assert round(contrast("rgb(255, 255, 255)", "rgb(0, 0, 0)"), 1) == 21.0
    assert contrast("rgb(255, 191, 71)", "rgb(255, 255, 255)") < 3  # the old amber on white


def tab_through(page, presses: int) -> list[dict]:
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["what"].startswith("<body"):
            break
        seen.append(focused)
    return seen


def assert_visible_focus(seen: list[dict]) -> None:
    assert seen
    for focused in seen:
        assert focused["style"] != "none" and focused["width"] >= 2, focused
        ratio = contrast(focused["outline"], focused["background"])
        assert ratio >= 3, f"{ratio:.2f}:1 {focused}"


def test_focus_outline_stands_out_on_sign_in_and_cabinet_pages(page, contract):
    page.goto(page.base_url + "/login/")
    assert_visible_focus(tab_through(page, 25))
    page.get_by_label("Номер договора").fill("12345-ЭС")
    page.get_by_label("ИНН/Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text("Добрый день!")).to_be_visible()
    for path in ["/payments/", "/requisites/"]:
        page.goto(page.base_url + path)
        assert_visible_focus(tab_through(page, 40))


def test_focus_outline_stands_out_on_the_dark_footer(page, contract):
    page.goto(page.base_url + "/login/")
    page.evaluate(
        """() => { const link = document.createElement("a"); link.href = "#"; link.textContent = "ссылка";
        document.querySelector(".site-footer__inner").append(link); link.focus({focusVisible: true}); }"""
    )
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["what"].startswith('<a href="#">ссылка')
    assert contrast(focused["outline"], focused["background"]) >= 3, focused
