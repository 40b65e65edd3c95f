import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import Contract, RegistrationRequest, User
from tests.accounts.conftest import FIRST_INN, FIRST_NUMBER, inn_client, registration_data
from tests.conftest import PASSWORD, make_contract

pytestmark = pytest.mark.django_db
REGISTER = reverse("accounts:register")


def test_registration_page_has_the_manuals_labels(registering_client):
    response = registering_client.get(REGISTER)
    for text in [
        "Окно регистрации для юридических лиц",
        "Уважаемые клиенты!",
        "Номер договора",
        "Введите новый пароль",
        "Подтвердите новый пароль",
        "Адрес e-mail",
        "Номер телефона",
        "По электронной почте",
        "По SMS",
        "Отправить смс",
        "Подтверждаю свое согласие на обработку персональных данных",
        "Сохранить",
        "** Длина пароля должна быть не менее 8 и не более 20 символов",
    ]:
        assertContains(response, text)
    # The contract number is shown filled in and cannot be edited.
    assertContains(response, 'value="54321-ЭС"')
    assertContains(response, "readonly")
    assertContains(response, "disabled")
    # Over-long passwords must reach the validator, not be cut by the browser.
    assertNotContains(response, 'maxlength="20"')


def test_length_note_follows_the_settings(registering_client, settings):
    settings.PASSWORD_MIN_LENGTH = 10
    settings.PASSWORD_MAX_LENGTH = 30
    page = registering_client.get(REGISTER)
    assertContains(page, "Длина пароля должна быть не менее 10 и не более 30 символов")


def test_without_the_inn_sign_in_registration_sends_to_sign_in(client, first_contract):
    response = client.get(REGISTER)
    assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)


def _refused(client, field, message, **overrides):
    response = client.post(REGISTER, registration_data(**overrides))
    assertContains(response, f'id="id_{field}_error"', status_code=400)
    assertContains(response, message, status_code=400)
    return response


def _nothing_changed(contract):
    contract.refresh_from_db()
    assert not contract.is_registered
    assert not RegistrationRequest.objects.exists()
    assert mail.outbox == []


def test_mismatched_passwords_are_refused(registering_client, first_contract):
    _refused(registering_client, "new_password2", "Пароли не совпадают.", new_password2="Teplo-Set-2025")
    _nothing_changed(first_contract)


def test_seven_characters_are_too_short(registering_client, first_contract):
    _refused(
        registering_client,
        "new_password1",
        "как минимум 8",
        new_password1="Tep-202",
        new_password2="Tep-202",
    )
    _nothing_changed(first_contract)


def test_twenty_one_characters_are_too_long_and_not_truncated(registering_client, first_contract):
    password = "Teplo-Set-2024-Miass!"
    assert len(password) == 21
    _refused(
        registering_client,
        "new_password1",
        "не более 20 символов",
        new_password1=password,
        new_password2=password,
    )
    _nothing_changed(first_contract)


def test_twenty_characters_are_accepted(registering_client, first_contract):
    password = "Teplo-Set-2024-Miass"
    response = registering_client.post(
        REGISTER, registration_data(new_password1=password, new_password2=password)
    )
    assert response.status_code == 200
    assert RegistrationRequest.objects.filter(contract=first_contract).exists()


@pytest.mark.parametrize("password", ["password123", "12345678901", "54321-ЭС1"])
def test_common_numeric_and_similar_passwords_are_refused(registering_client, password):
    response = registering_client.post(
        REGISTER, registration_data(new_password1=password, new_password2=password)
    )
    assertContains(response, 'id="id_new_password1_error"', status_code=400)


@pytest.mark.parametrize("phone", ["12345", "+7 3513 29-15-35", "+1 202 555 0143", "девять"])
def test_bad_phone_is_refused(registering_client, first_contract, phone):
    _refused(registering_client, "phone", "мобильного телефона", phone=phone)
    _nothing_changed(first_contract)


@pytest.mark.parametrize("email", ["ivanov", "ivanov@", "ivanov@mail", "i v@mail.ru"])
def test_bad_email_is_refused(registering_client, first_contract, email):
    _refused(registering_client, "email", "Введите адрес e-mail", email=email)
    _nothing_changed(first_contract)


def test_without_consent_there_is_no_registration(registering_client, first_contract):
    _refused(registering_client, "consent", "Без согласия на обработку персональных данных", consent=None)
    _nothing_changed(first_contract)


def test_typed_values_come_back_after_an_error(registering_client):
    response = _refused(registering_client, "consent", "Без согласия", consent=None)
    assertContains(response, 'value="ivanov@mail.ru"', status_code=400)
    assertContains(response, 'value="+7 902 555-01-12"', status_code=400)
    # A validation error does not echo passwords back.
    assertNotContains(response, "Teplo-Set-2024", status_code=400)


def test_a_registered_contract_cannot_be_registered_again(first_contract):
    client = inn_client()
    # Meanwhile the contract gets registered (say, by the link in another browser).
    Contract.objects.filter(pk=first_contract.pk).update(registered_at="2024-01-01T00:00:00Z")
    user = User(username=first_contract.number, contract=first_contract, email="first@mail.ru")
    user.set_password(PASSWORD)
    user.save()
    response = client.post(REGISTER, registration_data(email="intruder@mail.ru"))
    assertContains(response, "Договор уже зарегистрирован", status_code=409)
    # The INN no longer opens registration either.
    again = Client().post(reverse("accounts:login"), {"contract_number": FIRST_NUMBER, "secret": FIRST_INN})
    assert again.status_code == 400
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.email == "first@mail.ru"
    assert not RegistrationRequest.objects.exists()
    assert mail.outbox == []


def test_registered_contract_page_says_so(first_contract):
    client = inn_client()
    Contract.objects.filter(pk=first_contract.pk).update(registered_at="2024-01-01T00:00:00Z")
    response = client.get(REGISTER)
    assertContains(response, "Договор уже зарегистрирован", status_code=409)
    assert SESSION_KEY not in client.session


def test_the_inn_session_of_one_contract_cannot_register_another(first_contract):
    other = make_contract(number="11111-ЭС", registered=False)
    client = inn_client()
    client.post(REGISTER, registration_data())
    request = RegistrationRequest.objects.get()
    assert request.contract == first_contract
    assert not other.registration_requests.exists()


def test_registration_pages_run_few_queries(registering_client, django_assert_max_num_queries, sms_outbox):
    with django_assert_max_num_queries(3):
        assert registering_client.get(REGISTER).status_code == 200
    registering_client.post(REGISTER, registration_data(method="sms", action="send-sms"))
    with django_assert_max_num_queries(4):
        assert registering_client.get(REGISTER).status_code == 200
