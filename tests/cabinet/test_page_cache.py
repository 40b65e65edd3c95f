"""A cabinet page read whole from the cache is the page as drawn: with a CSRF
token of its own request, the organization's current name, the messages
waiting for the customer, and links under the site's script prefix."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse, set_script_prefix
from django.utils.autoreload import file_changed
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Organization
from enser_cabinet.versioned import release
from tests.conftest import PASSWORD
from tests.meters.conftest import TODAY, make_meter

pytestmark = pytest.mark.django_db

HOME = reverse("cabinet:home")
PAGES = [HOME, reverse("settlements:settlements"), reverse("meters:readings")]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def signed_in(contract) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(contract.user, backend="accounts.backends.ContractPasswordBackend")
    return client


@pytest.mark.parametrize("url", PAGES)
def test_each_request_gets_a_token_that_signs_out(contract, url):
    client = signed_in(contract)
    first = TOKEN.search(client.get(url).content.decode()).group(1)
    second = TOKEN.search(client.get(url).content.decode()).group(1)
    assert first != second  # masked anew, as Django does on every page
    assert "filled-in" not in first + second
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": second})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 302  # signed out


@pytest.mark.parametrize("url", PAGES)
def test_a_renamed_organization_shows_at_once(contract, url):
    client = signed_in(contract)
    assertContains(client.get(url), "ООО «Тепломонтаж»")
    Organization.objects.filter(contracts=contract).update(name="ООО «Теплосервис»")
    page = client.get(url)
    assertContains(page, "ООО «Теплосервис»")
    assertNotContains(page, "ООО «Тепломонтаж»")


def test_a_message_shows_once_on_a_kept_page(contract, clock):
    clock.set_local(TODAY)
    meter = make_meter(contract)
    client = signed_in(contract)
    tab = reverse("meters:readings")
    client.get(tab)
    page = client.get(tab)
    token = TOKEN.search(page.content.decode()).group(1)
    client.post(
        reverse("meters:submit", args=[meter.pk]),
        {"whole": "001383", "fraction": "725", "csrfmiddlewaretoken": token},
    )
    assertContains(client.get(tab), "Показания 001383,725 м³ по прибору № 001383: Принято.")
    assertNotContains(client.get(tab), "Показания 001383,725 м³ по прибору № 001383: Принято.")


def test_links_follow_the_script_prefix(contract):
    """As under a proxy that serves the cabinet at /lk/ (SCRIPT_NAME)."""
    client = signed_in(contract)
    assertContains(client.get(HOME), 'href="/settlements/"')
    set_script_prefix("/lk/")
    try:
        page = client.get(HOME)
    finally:
        set_script_prefix("/")
    assertContains(page, 'href="/lk/settlements/"')
    assertContains(page, 'action="/lk/logout/"')
    assertContains(client.get(HOME), 'href="/settlements/"')


def test_a_customer_signed_in_by_the_form_sees_the_kept_page(contract):
    signed_in(contract).get(HOME)
    client = Client()
    client.post(reverse("accounts:login"), {"contract_number": contract.number, "secret": PASSWORD})
    assertContains(client.get(HOME), "Добрый день!")


def test_an_edited_file_is_a_new_release(settings):
    """The development server takes an edited template without a restart and
    says so with `file_changed`: pages are drawn anew, not read from the cache."""
    before = release()
    settings.COMPANY = {**settings.COMPANY, "inn": "7702070139"}
    try:
        assert release() == before  # read once per process
        file_changed.send(sender=None, file_path=Path(settings.BASE_DIR) / "templates" / "base.html")
        assert release() != before
    finally:
        release.cache_clear()
