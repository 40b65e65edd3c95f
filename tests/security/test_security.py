"""The security log (staff, in admin) and «Безопасность» (the customer's own
sign-ins, open sessions and password changes)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from security.models import SecurityEvent, SessionRecord
from security.services import browser_label, security_log_prune, security_record
from tests.conftest import PASSWORD, client_for, make_person, person_client
from tests.staff.conftest import CODE, app_code, enrolled, make_staff, password_step

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limits")]


@pytest.fixture
def no_rate_limits(settings):
    """Many sign-ins from one address: the limits would turn them into 429."""
    settings.RATELIMIT_ENABLE = False


Kind = SecurityEvent.Kind
LOGIN = reverse("accounts:login")
SECURITY = reverse("security:security")
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36"
)
PHONE = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Mobile Safari/537.36"
)


def sessions_table(page) -> str:
    """The «Активные сеансы» table of the page."""
    text = page.content.decode()
    start = text.index('id="sessions"')
    return text[start : text.index("</table>", start)]


def signed_in(number: str = "12345-ЭС", *, agent: str = CHROME, address: str = "203.0.113.7") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post(LOGIN, {"contract_number": number, "secret": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (CHROME, "Chrome 120, Windows"),
        (PHONE, "Chrome 119, Android"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128, Linux"),
        (CHROME.replace("Safari/537.36", "YaBrowser/24.1.0 Safari/537.36"), "Яндекс Браузер 24, Windows"),
        (CHROME + " Edg/120.0", "Edge 120, Windows"),
        ("", "неизвестный браузер"),
    ],
)
def test_the_browser_is_named_as_a_person_knows_it(agent, label):
    assert browser_label(agent) == label


def test_a_sign_in_is_logged_with_its_address_and_browser_and_shown_to_the_customer(contract):
    client = signed_in()
    event = SecurityEvent.objects.get(kind=Kind.SIGN_IN)
    assert (event.user, event.contract, event.ip) == (contract.user, contract, "203.0.113.7")
    assert "Chrome/120" in event.user_agent
    page = client.get(SECURITY)
    assertContains(page, "Безопасность")
    assertContains(page, "Этот сеанс")
    assertContains(page, "203.0.113.7")
    assertContains(page, "Chrome 120, Windows")
    assertContains(page, "Успешно")
    assertNotContains(page, "Завершить все, кроме этой")


def test_a_wrong_password_is_logged_against_the_contract_and_shown_to_its_customer(contract):
    attacker = Client(HTTP_USER_AGENT=PHONE, REMOTE_ADDR="198.51.100.9")
    response = attacker.post(LOGIN, {"contract_number": "12345 эс", "secret": "не тот"})
    assert response.status_code == 400
    event = SecurityEvent.objects.get(kind=Kind.SIGN_IN_FAILED)
    assert (event.user, event.contract, event.identifier, event.ip) == (
        contract.user,
        contract,
        "12345-ЭС",
        "198.51.100.9",
    )
    page = signed_in().get(SECURITY)
    assertContains(page, "Неверный пароль")
    assertContains(page, "198.51.100.9")
    assertContains(page, "Chrome 119, Android")


def test_a_failed_sign_in_to_an_unknown_contract_is_logged_for_staff_only(db):
    Client().post(LOGIN, {"contract_number": "54321-ЭС", "secret": "что-то"})
    event = SecurityEvent.objects.get(kind=Kind.SIGN_IN_FAILED)
    assert (event.user, event.contract, event.identifier) == (None, None, "54321-ЭС")


def test_another_session_is_ended_from_the_page_and_its_browser_is_signed_out(contract):
    mine, other = signed_in(), signed_in(agent=PHONE, address="198.51.100.20")
    page = mine.get(SECURITY)
    assertContains(page, "Chrome 119, Android")
    assertContains(page, "Завершить все, кроме этой")
    theirs = SessionRecord.objects.get(ip="198.51.100.20")

    response = mine.post(SECURITY, {"session": str(theirs.pk)})
    assert response.status_code == 302
    assertContains(mine.get(SECURITY), "Сеанс завершен.")
    theirs.refresh_from_db()
    assert theirs.ended_at is not None
    assert other.get(reverse("cabinet:home")).status_code == 302  # back to the sign-in
    assert mine.get(reverse("cabinet:home")).status_code == 200
    ended = SecurityEvent.objects.get(kind=Kind.SESSION_ENDED)
    assert ended.user == contract.user and "Chrome 119, Android" in ended.details
    assert "198.51.100.20" not in sessions_table(mine.get(SECURITY))


def test_all_but_this_one_ends_every_other_session(contract):
    mine = signed_in()
    others = [signed_in(address=f"198.51.100.{n}") for n in (1, 2, 3)]
    mine.post(SECURITY, {"session": "others"})
    assertContains(mine.get(SECURITY), "Завершено сеансов: 3.")
    assert all(client.get(reverse("cabinet:home")).status_code == 302 for client in others)
    assert mine.get(reverse("cabinet:home")).status_code == 200
    assert SessionRecord.objects.filter(ended_at__isnull=True).count() == 1


def test_nobody_ends_another_persons_session_or_their_own_current_one(contract, other_contract):
    mine, theirs = signed_in(), signed_in("99999-ЭС")
    their_record = SessionRecord.objects.get(user=other_contract.user)
    my_record = SessionRecord.objects.get(user=contract.user)
    for chosen in (str(their_record.pk), str(my_record.pk), "abc", "9" * 30, ""):
        assert mine.post(SECURITY, {"session": chosen}).status_code == 302
        assertContains(mine.get(SECURITY), "Такого сеанса уже нет: завершать нечего.")
    assert SessionRecord.objects.filter(ended_at__isnull=False).count() == 0
    assert theirs.get(reverse("cabinet:home")).status_code == 200
    assert mine.get(reverse("cabinet:home")).status_code == 200


def test_signing_out_ends_the_sessions_record(contract):
    client = signed_in()
    client.post(reverse("accounts:logout"))
    assert SessionRecord.objects.get().ended_at is not None


def test_a_password_change_is_listed_and_this_session_stays_listed(contract):
    client, other = signed_in(), signed_in(address="198.51.100.44")
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Novyi-Parol-2026!",
            "new_password2": "Novyi-Parol-2026!",
        },
    )
    assert response.status_code == 302
    page = client.get(SECURITY)
    assertContains(page, "Смена пароля")
    assertContains(page, "Этот сеанс")
    assert "198.51.100.44" not in sessions_table(page)  # the change ended the other session
    assert other.get(reverse("cabinet:home")).status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.PASSWORD_CHANGED)
    assert (event.user, event.contract, event.ip) == (contract.user, contract, "203.0.113.7")


def test_a_contacts_change_is_logged(contract):
    client = client_for(contract)
    data = {}
    for prefix in ("head", "engineer", "accountant"):
        data.update({f"{prefix}-full_name": "", f"{prefix}-phone": "", f"{prefix}-email": ""})
    data.update({"head-full_name": "Иванов Иван Иванович", "head-phone": "+79123456789"})
    response = client.post(reverse("accounts:contacts-edit"), data)
    assert response.status_code == 302, response.content.decode()[:300]
    assert SecurityEvent.objects.filter(kind=Kind.CONTACTS_CHANGED, contract=contract).exists()


def test_a_person_by_email_sees_only_their_own_sign_ins(contract):
    person = make_person(email="buh@teplo.example", roles={contract: "accountant"})
    signed_in()  # the contract's own account
    Client().post(LOGIN, {"contract_number": "buh@teplo.example", "secret": "не тот"})
    page = person_client(person).get(SECURITY)
    assertContains(page, "Неверный пароль")
    assertNotContains(page, "203.0.113.7")


def test_admin_sign_ins_and_second_factor_events_are_logged(client, db):
    user = make_staff()
    enrolment = enrolled(user)
    password_step(client, password="не тот")
    failed = SecurityEvent.objects.get(kind=Kind.ADMIN_SIGN_IN_FAILED)
    assert (failed.user, failed.identifier) == (user, "operator")
    password_step(client)
    client.post(CODE, {"code": app_code(enrolment.device.key)})
    assert SecurityEvent.objects.filter(kind=Kind.ADMIN_SIGN_IN, user=user).exists()
    client.logout()
    password_step(client)
    wrong = "000000" if app_code(enrolment.device.key, ahead=2) != "000000" else "111111"
    client.post(CODE, {"code": wrong})
    assert SecurityEvent.objects.filter(kind=Kind.SECOND_FACTOR_FAILED, user=user).exists()


def test_staff_read_the_log_and_can_neither_change_nor_delete_it(admin_client, contract):
    signed_in()
    event = SecurityEvent.objects.get(kind=Kind.SIGN_IN)
    changelist = reverse("admin:security_securityevent_changelist")
    page = admin_client.get(changelist, {"q": "203.0.113.7"})
    assertContains(page, "12345-ЭС")
    assertContains(page, "Chrome 120, Windows")
    assert admin_client.get(reverse("admin:security_securityevent_add")).status_code == 403
    change = reverse("admin:security_securityevent_change", args=[event.pk])
    assert admin_client.get(change).status_code == 200
    assert admin_client.post(change, {"kind": "sign_out"}).status_code == 403
    assert (
        admin_client.post(reverse("admin:security_securityevent_delete", args=[event.pk])).status_code == 403
    )
    event.refresh_from_db()
    assert event.kind == Kind.SIGN_IN


def test_the_log_is_kept_for_the_days_set(settings, contract):
    settings.SECURITY_LOG_DAYS = 30
    now = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
    old = security_record(Kind.SIGN_IN, user=contract.user)
    recent = security_record(Kind.SIGN_IN, user=contract.user)
    SecurityEvent.objects.filter(pk=old.pk).update(at=now - dt.timedelta(days=31))
    SecurityEvent.objects.filter(pk=recent.pk).update(at=now - dt.timedelta(days=29))
    assert security_log_prune(now=now) == (1, 0)
    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_page_reads_the_same_number_of_queries_for_a_long_history(contract):
    client = signed_in()

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(SECURITY).status_code == 200
        return len(queries)

    few = count()
    for n in range(20):
        signed_in(address=f"198.51.100.{n + 1}")
        Client().post(LOGIN, {"contract_number": "12345-ЭС", "secret": "не тот"})
    assert count() == few


def test_another_customers_page_shows_nothing_of_ours(contract, other_contract):
    signed_in()
    page = signed_in("99999-ЭС", address="192.0.2.50").get(SECURITY)
    assertNotContains(page, "203.0.113.7")
    assertContains(page, "192.0.2.50")


def test_the_page_is_linked_from_requisites(contract):
    assertContains(client_for(contract).get(reverse("accounts:requisites")), f'href="{SECURITY}"')
