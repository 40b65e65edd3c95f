"""Rule: a person's role on a contract decides every cabinet page and action
(accounts/roles.py), and a page refused is a 403 with a Russian page, not a
hidden button alone. Every cabinet URL, found by walking the URL resolver, is
opened by a person of each role on customer A's contract, and by a person of
each role on another organization's contract.

EXPECTED below is written out by hand, URL by URL, from the issue's roles;
a cabinet URL missing from it fails `test_every_cabinet_url_has_an_expected_answer`.
"""

import pytest
from django.test import Client
from django.urls import resolve, reverse
from pytest_django.asserts import assertContains

from accounts.roles import RULES, Role
from tests.conftest import make_person, person_client
from tests.core.routes import HISTORY_QUERY, ROUTES, address_for, response_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limits")]

ADMIN, ACCOUNTANT, ENGINEER, VIEWER = Role.ADMIN, Role.ACCOUNTANT, Role.ENGINEER, Role.VIEWER
EVERYONE = {ADMIN, ACCOUNTANT, ENGINEER, VIEWER}
MONEY = {ADMIN, ACCOUNTANT, VIEWER}  # Инженер: readings and meters, appeals
METERS = {ADMIN, ENGINEER, VIEWER}  # Бухгалтер: ledgers, statements, appeals

# Who may open each cabinet URL (GET), by URL name.
EXPECTED: dict[str, set[Role]] = {
    "cabinet:home": EVERYONE,
    # The person's own contracts and the switcher's choice among them.
    "cabinet:contract-select": EVERYONE,
    "cabinet:contract-add": {ADMIN},
    "accounts:requisites": EVERYONE,
    "accounts:password-change": EVERYONE,  # the person's own password
    "security:security": EVERYONE,  # the person's own sign-ins and sessions
    "accounts:contacts-edit": {ADMIN},
    "accounts:people": {ADMIN},  # «Сотрудники»
    "accounts:journal": {ADMIN},  # «Журнал действий»
    "settlements:settlements": MONEY,
    "settlements:settlements-pdf": MONEY,
    "settlements:settlements-xlsx": MONEY,
    "settlements:charges": MONEY,
    "settlements:charges-pdf": MONEY,
    "settlements:charges-xlsx": MONEY,
    "settlements:invoice": MONEY,
    "settlements:payments": MONEY,
    "settlements:payments-xlsx": MONEY,
    "meters:readings": METERS,
    "meters:history": METERS,
    "meters:submit": {ADMIN, ENGINEER},  # Просмотр: no readings
    # Payment documents: made by those who pay, read by whoever reads the money tabs.
    "paydocs:invoice-new": {ADMIN, ACCOUNTANT},
    "paydocs:bank": {ADMIN, ACCOUNTANT},
    "paydocs:invoice-pdf": MONEY,
    "paydocs:invoice-1c": MONEY,
    "paydocs:upd": MONEY,
    "paydocs:upd-zip": MONEY,
    "appeals:list": EVERYONE,
    "appeals:detail": EVERYONE,
    "appeals:document": EVERYONE,
    # A public page; signed in, it sends on behalf of the contract.
    "appeals:new": {ADMIN, ACCOUNTANT, ENGINEER},
    # «Уведомления»: each person's own notifications and settings.
    "notices:list": EVERYONE,
    "notices:settings": EVERYONE,
}
CABINET = [route for route in ROUTES if not route.public]
CHECKED = [route for route in ROUTES if route.name in EXPECTED]


def test_every_cabinet_url_has_an_expected_answer():
    missing = sorted(route.name for route in CABINET if route.name not in EXPECTED)
    assert not missing, (
        f"cabinet URLs without an expected answer per role: {missing}. Name the view's action in "
        "customer_required (accounts/roles.py RULES) and add the URL to EXPECTED in tests/core/test_roles.py."
    )
    assert {route.name for route in CHECKED} == set(EXPECTED), "EXPECTED names a URL that does not exist"


def test_each_cabinet_view_names_an_action_of_the_rule_table(world):
    for route in CABINET:
        view = resolve(address_for(route, world).url).func
        action = getattr(view, "cabinet_action", None)
        if route.name == "appeals:document":
            continue  # staff open it too: it asks the table itself (tests/appeals)
        assert action in RULES, f"{route.name}: no action of accounts/roles.py"
        assert set(RULES[action]) == EXPECTED[route.name], route.name


def test_every_role_of_the_table_is_one_of_the_four():
    assert [role.label for role in Role] == ["Администратор", "Бухгалтер", "Инженер", "Просмотр"]
    assert all(roles <= set(Role) for roles in RULES.values())


def _get(client: Client, url: str):
    client.raise_request_exception = False
    return client.get(url, HISTORY_QUERY)


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_on_its_own_contract_gets_the_expected_answer(role, world):
    person = make_person(email=f"{role.value}@alfa.example", roles={world.a: role})
    client = person_client(person)
    problems = []
    for route in CHECKED:
        address = address_for(route, world)
        response = _get(client, address.url)
        allowed = role in EXPECTED[route.name]
        if allowed and response.status_code != 200:
            problems.append(f"GET {address.url} as {role.label}: {response.status_code}, expected 200")
        if not allowed:
            if response.status_code != 403:
                problems.append(f"GET {address.url} as {role.label}: {response.status_code}, expected 403")
            elif "Доступ запрещен" not in response.content.decode():
                problems.append(f"GET {address.url} as {role.label}: 403 without the Russian page")
            post = client.post(address.url)
            if post.status_code not in (403, 405):
                problems.append(f"POST {address.url} as {role.label}: {post.status_code}, expected 403")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_on_another_organization_sees_nothing_of_a(role, world):
    person = make_person(email=f"{role.value}@chuzhaya.example", roles={world.b: role})
    client = person_client(person)
    problems = []
    for route in CHECKED:
        address = address_for(route, world)
        for method in ("get", "post"):
            response = getattr(client, method)(address.url, HISTORY_QUERY if method == "get" else None)
            status = response.status_code
            text = response_text(response)  # a PDF's text is read once, not once a marker
            leaks = [marker for marker in world.markers if marker in text]
            if status >= 500 or leaks:
                problems.append(f"{method.upper()} {address.url} as {role.label} of B: {status} {leaks}")
            if address.owned and status not in (403, 404, 405):
                problems.append(f"{method.upper()} {address.url} as {role.label} of B: {status}")
    assert not problems, "\n".join(problems)


def test_the_refusal_names_the_role_and_the_contract(world):
    engineer = make_person(email="ing@alfa.example", roles={world.a: ENGINEER})
    response = person_client(engineer).get(reverse("settlements:settlements"))
    assertContains(response, "Доступ запрещен", status_code=403)
    assertContains(response, "Ваша роль по договору 12345-ЭС: Инженер.", status_code=403)
    assertContains(response, "роли назначает администратор договора", status_code=403)
    assert "no-store" in response["Cache-Control"]


def test_tabs_and_buttons_a_role_cannot_use_are_not_shown(world):
    """Besides the 403: the viewer sees no "Передать показания", no "Оформить
    обращение", no "Изменить контакты"; the engineer no money tabs."""
    viewer = person_client(make_person(email="view@alfa.example", roles={world.a: VIEWER}))
    readings = viewer.get(reverse("meters:readings")).content.decode()
    assert "ALFA-7731" in readings and "Передать показания" not in readings
    assert "Оформить обращение" not in viewer.get(reverse("appeals:list")).content.decode()
    requisites = viewer.get(reverse("accounts:requisites")).content.decode()
    assert "Изменить контакты" not in requisites and "Изменить пароль" in requisites
    engineer = person_client(make_person(email="ing@alfa.example", roles={world.a: ENGINEER}))
    home = engineer.get(reverse("cabinet:home")).content.decode()
    assert "Показания" in home and "Оформить обращение" in home
    assert "Взаиморасчеты" not in home and "Начисления" not in home
    accountant = person_client(make_person(email="buh@alfa.example", roles={world.a: ACCOUNTANT}))
    home = accountant.get(reverse("cabinet:home")).content.decode()
    assert "Взаиморасчеты" in home and ">Показания<" not in home
    # The control: the administrator sees all of them.
    admin = person_client(make_person(email="adm@alfa.example", roles={world.a: ADMIN}))
    home = admin.get(reverse("cabinet:home")).content.decode()
    assert all(tab in home for tab in ("Взаиморасчеты", ">Показания<", "Оформить обращение"))
    assert "Передать показания" in admin.get(reverse("meters:readings")).content.decode()
