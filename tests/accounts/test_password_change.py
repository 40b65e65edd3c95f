import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db
CHANGE = reverse("accounts:password-change")
FRESH = "Novyi-Parol-77"


def _change(client, old=PASSWORD, first=FRESH, second=FRESH):
    return client.post(CHANGE, {"old_password": old, "new_password1": first, "new_password2": second})


def test_change_page_sits_on_the_requisites_tab(customer_client):
    response = customer_client.get(CHANGE)
    for text in ["Изменить пароль", "Текущий пароль", "Введите новый пароль", "Подтвердите новый пароль"]:
        assertContains(response, text)
    assertContains(response, "Длина пароля должна быть не менее 8 и не более 20 символов")
    assertContains(response, f'<a href="{reverse("accounts:requisites")}" aria-current="page">')


def test_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(CHANGE)["Location"].startswith(reverse("accounts:login"))


def test_password_changes_and_other_sessions_end(contract):
    here = client_for(contract)
    elsewhere = client_for(contract)
    assert Session.objects.count() == 2
    elsewhere_key = elsewhere.session.session_key
    response = _change(here)
    assert response.status_code == 302
    # The other browser's session is deleted at once, not when it next calls.
    assert not Session.objects.filter(session_key=elsewhere_key).exists()
    assertRedirects(response, reverse("accounts:requisites"), fetch_redirect_response=False)
    contract.user.refresh_from_db()
    assert contract.user.check_password(FRESH)
    assertContains(
        here.get(response["Location"]), "Пароль изменен. На других устройствах нужно войти заново."
    )
    # This browser stays signed in; the other one is out, its session gone.
    assert here.get(reverse("cabinet:home")).status_code == 200
    assert elsewhere.get(reverse("cabinet:home")).status_code == 302
    assert Session.objects.count() == 1


def test_wrong_old_password_changes_nothing(contract):
    client = client_for(contract)
    response = _change(client, old="not-my-password")
    assertContains(response, "Текущий пароль введен неверно.", status_code=400)
    contract.user.refresh_from_db()
    assert contract.user.check_password(PASSWORD)


@pytest.mark.parametrize(
    "first, second, message",
    [
        (FRESH, "Novyi-Parol-78", "Пароли не совпадают."),
        ("Nov-123", "Nov-123", "как минимум 8"),
        ("Novyi-Parol-77-Miass", "Novyi-Parol-77-Miass", None),
        ("Novyi-Parol-77-Miass!", "Novyi-Parol-77-Miass!", "не более 20 символов"),
    ],
)
def test_new_password_rules(contract, first, second, message):
    response = _change(client_for(contract), first=first, second=second)
    if message is None:
        assert response.status_code == 302
    else:
        assertContains(response, message, status_code=400)


def test_staff_without_a_contract_gets_404(admin_client):
    assert admin_client.get(CHANGE).status_code == 404


def test_too_many_attempts_get_429(contract):
    client = client_for(contract)
    for _ in range(10):
        assert _change(client, old="wrong-password").status_code == 400
    assert _change(client).status_code == 429
    contract.user.refresh_from_db()
    assert contract.user.check_password(PASSWORD)


def test_requisites_tab_links_to_the_change(customer_client):
    page = customer_client.get(reverse("accounts:requisites"))
    assertContains(page, f'href="{CHANGE}"')
    assertContains(page, "Изменить пароль")


def test_change_page_runs_few_queries(customer_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert customer_client.get(CHANGE).status_code == 200
