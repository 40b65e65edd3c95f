"""Rule: a kept cabinet page (enser_cabinet/versioned.py render_page) costs
the customer of one contract one query per request: the user, with their
contract, its organization, their role, the number of their contracts and
the head's unread notifications count (accounts/backends.py). The session
comes from the cache. "Реквизиты и контакты" adds the supplier's bank
account (paydocs/requisites.py). The counts are pinned exactly, so that
a query added to every request cannot creep in unnoticed. A person with
several contracts pays the same one query (the list of their contracts is
kept under the digest of their memberships read with the user)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import Membership
from accounts.roles import Role
from notices.events import Event
from notices.models import Notification
from tests.conftest import client_for, make_contract
from tests.meters.conftest import make_meter
from tests.settlements.conftest import MANUAL_PERIOD

pytestmark = pytest.mark.django_db

USER = 'SELECT "accounts_user"'
SUPPLIER = 'FROM "paydocs_supplierbankaccount"'
# URL name, query, the queries of the second request besides the user's.
KEPT = [
    ("cabinet:home", {}, []),
    ("settlements:settlements", MANUAL_PERIOD, []),
    ("settlements:charges", {**MANUAL_PERIOD, "all": "1"}, []),
    ("settlements:payments", MANUAL_PERIOD, []),
    ("meters:readings", {}, []),
    ("accounts:requisites", {}, [SUPPLIER]),
]


@pytest.mark.parametrize(("name", "query", "besides"), KEPT, ids=[name for name, _, _ in KEPT])
def test_a_kept_page_costs_one_query_for_the_customer_of_one_contract(contract, name, query, besides):
    make_meter(contract)  # the readings table has a row to draw
    client = client_for(contract)
    assert client.get(reverse(name), query).status_code == 200  # drawn and kept
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name), query).status_code == 200
    sql = [q["sql"] for q in queries]
    assert len(sql) == 1 + len(besides), "\n\n".join(sql)
    assert sql[0].startswith(USER)
    assert [part for part, q in zip(besides, sql[1:], strict=True) if part in q] == besides


def test_the_unread_count_on_a_kept_page_follows_each_request(contract):
    client = client_for(contract)
    home = reverse("cabinet:home")
    client.get(home)  # kept
    assertNotContains(client.get(home), 'class="badge"')
    notification = Notification.objects.create(
        person=contract.user, contract=contract, event=Event.INVOICE, key="test:1", title="Новое начисление"
    )
    with CaptureQueriesContext(connection) as queries:
        assertContains(client.get(home), 'aria-label="1 непрочитанных">1</span>')
    assert len(queries) == 1
    client.post(reverse("notices:list"), {"read": str(notification.pk)})
    assertNotContains(client.get(home), 'class="badge"')


@pytest.mark.parametrize("works_on", ["own", "second"])
@pytest.mark.parametrize(("name", "query", "besides"), KEPT, ids=[name for name, _, _ in KEPT])
def test_a_kept_page_costs_one_query_for_a_person_with_two_contracts(
    contract, name, query, besides, works_on
):
    """The contract list and the header's switcher are kept in the process
    under the digest of the person's memberships read with the user
    (accounts/customers.py, accounts/switcher.py): the second request reads
    only the user, on their own account's contract or on the other."""
    second = make_contract(number="12346-ЭС")
    Membership.objects.create(user=contract.user, contract=second, role=Role.ADMIN)
    make_meter(contract)
    make_meter(second)
    client = client_for(contract)
    if works_on == "second":
        client.post(reverse("cabinet:contract-select"), {"contract": second.pk})
    assert client.get(reverse(name), query).status_code == 200  # drawn and kept
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), query)
    assert response.status_code == 200
    sql = [q["sql"] for q in queries]
    assert len(sql) == 1 + len(besides), "\n\n".join(sql)
    assert sql[0].startswith(USER)
    shown = second if works_on == "second" else contract
    option = f'<option value="{shown.pk}" selected>{shown.number} · ООО «Тепломонтаж»</option>'
    assertContains(response, option)


def test_a_kept_page_fills_in_one_csrf_token_that_posts(contract):
    """The token is masked once per request (enser_cabinet/http.py) and every
    form of the page, the switcher's included, carries it; it posts."""
    second = make_contract(number="12346-ЭС")
    Membership.objects.create(user=contract.user, contract=second, role=Role.ADMIN)
    client = Client(enforce_csrf_checks=True)
    client.force_login(contract.user, backend="accounts.backends.ContractPasswordBackend")
    client.get(reverse("cabinet:home"))  # drawn and kept
    page = client.get(reverse("cabinet:home")).content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) >= 3 and len(set(tokens)) == 1, tokens  # sign-out, switcher, «Открыть»
    assert "filled-in" not in page
    select = reverse("cabinet:contract-select")
    response = client.post(select, {"contract": second.pk, "csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    # Each request masks anew.
    assert tokens[0] not in client.get(reverse("cabinet:home")).content.decode()
