""" "Реквизиты и контакты": requisites from billing, contacts the customer keeps."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import ContactPerson, User

pytestmark = pytest.mark.django_db

REQUISITES = reverse("accounts:requisites")
EDIT = reverse("accounts:contacts-edit")
PLEASE = "Пожалуйста, заполните информацию о контактах."


def contacts_post(**rows) -> dict:
    data = {}
    for position in ["head", "engineer", "accountant"]:
        full_name, phone, email = rows.get(position, ("", "", ""))
        data.update(
            {f"{position}-full_name": full_name, f"{position}-phone": phone, f"{position}-email": email}
        )
    return data


def test_requisites_show_the_contracts_data(customer_client, contract):
    response = customer_client.get(REQUISITES)
    page = response.content.decode()
    for label, value in [
        ("ИНН юридического лица:", "7453012342"),
        ("Номер договора:", "12345-ЭС"),
        ("Наименование контрагента:", "ООО «Тепломонтаж»"),
        ("Юридический адрес:", "456300, г. Миасс, ул. Калинина, д. 12"),
        ("Почтовый адрес:", "456300, г. Миасс, а/я 41"),
        ("Дата заключения договора:", "27.09.2021"),
    ]:
        assertContains(response, f"<dt>{label}</dt><dd>{value}</dd>")
    assertContains(response, "Изменить пароль")
    assertContains(response, reverse("accounts:password-change"))
    assert 'name="' not in page.split("<dl")[1].split("</dl>")[0]  # read-only


def test_requisites_are_not_another_customers(other_client, contract, other_contract):
    ContactPerson.objects.create(contract=contract, position="head", full_name="Иванов Иван Иванович")
    page = other_client.get(REQUISITES)
    for text in ["99999-ЭС", "7702070139", PLEASE]:
        assertContains(page, text)
    for text in ["12345-ЭС", "7453012342", "Иванов"]:
        assertNotContains(page, text)


def test_empty_contacts_ask_to_be_filled_and_show_every_position(customer_client, contract):
    page = customer_client.get(REQUISITES)
    assertContains(page, PLEASE)
    assertContains(page, '<th scope="col">Должность</th><th scope="col">ФИО</th><th scope="col">Телефон</th>')
    for position in ["Руководитель", "Главный инженер", "Главный бухгалтер"]:
        assertContains(page, f'<th scope="row">{position}</th>')


def test_customer_fills_in_contacts(customer_client, contract):
    form = customer_client.get(EDIT)
    assertContains(form, 'name="head-full_name"')
    response = customer_client.post(
        EDIT,
        contacts_post(
            head=("Петров Петр Петрович", "8 (3513) 29-15-35", "director@teplo.ru"),
            accountant=("Сидорова Анна Викторовна", "", "buh@teplo.ru"),
        ),
    )
    assertRedirects(response, REQUISITES, fetch_redirect_response=False)
    head = ContactPerson.objects.get(contract=contract, position="head")
    assert head.full_name == "Петров Петр Петрович"
    assert head.phone.as_e164 == "+73513291535"
    assert head.email == "director@teplo.ru"
    assert not ContactPerson.objects.filter(contract=contract, position="engineer").exists()
    page = customer_client.get(REQUISITES)
    assertNotContains(page, PLEASE)
    for text in [
        "Петров Петр Петрович",
        "director@teplo.ru",
        "Сидорова Анна Викторовна",
        "Контакты сохранены.",
    ]:
        assertContains(page, text)


def test_contacts_change_and_a_cleared_row_is_removed(customer_client, contract):
    ContactPerson.objects.create(contract=contract, position="head", full_name="Старый", email="old@teplo.ru")
    ContactPerson.objects.create(
        contract=contract, position="engineer", full_name="Инженер", phone="+79120000000"
    )
    form = customer_client.get(EDIT)
    assertContains(form, 'value="Старый"')
    assertContains(form, 'value="old@teplo.ru"')
    customer_client.post(EDIT, contacts_post(head=("Новый", "", "new@teplo.ru")))
    assert list(
        ContactPerson.objects.filter(contract=contract).values_list("position", "full_name", "email")
    ) == [("head", "Новый", "new@teplo.ru")]


@pytest.mark.parametrize(
    "row, field, message",
    [
        (("Петров", "12345", ""), "phone", "Введите номер телефона"),
        (("Петров", "+1 202 555", ""), "phone", "Введите номер телефона"),
        (("Петров", "", "director@"), "email", "Введите адрес электронной почты"),
        (("", "+79120001122", ""), "full_name", "Укажите ФИО контактного лица."),
        (("Петров", "", ""), "phone", "Укажите телефон или email."),
    ],
)
def test_bad_contacts_are_refused_next_to_the_field(customer_client, contract, row, field, message):
    ContactPerson.objects.create(
        contract=contract, position="accountant", full_name="Бухгалтер", email="b@teplo.ru"
    )
    response = customer_client.post(
        EDIT, contacts_post(engineer=row, accountant=("Бухгалтер Новый", "", "b@teplo.ru"))
    )
    assertContains(response, f'id="id_engineer-{field}_error"', status_code=400)
    assertContains(response, message, status_code=400)
    # Nothing is half-written: the valid row is not saved either.
    assert ContactPerson.objects.get(contract=contract, position="accountant").full_name == "Бухгалтер"
    assert not ContactPerson.objects.filter(contract=contract, position="engineer").exists()
    assertContains(response, 'value="Бухгалтер Новый"', status_code=400)


def test_contacts_edit_touches_only_the_own_contract(other_client, contract, other_contract):
    ContactPerson.objects.create(contract=contract, position="head", full_name="Иванов")
    assertNotContains(other_client.get(EDIT), "Иванов")
    other_client.post(EDIT, contacts_post(head=("Чужой Руководитель", "", "boss@other.ru")))
    assert ContactPerson.objects.get(contract=contract, position="head").full_name == "Иванов"
    assert (
        ContactPerson.objects.get(contract=other_contract, position="head").full_name == "Чужой Руководитель"
    )


def test_requisites_need_a_customer(client, db):
    assert client.get(REQUISITES).status_code == 302
    assert client.get(EDIT).status_code == 302
    staff = User.objects.create_user(username="staff", password="x-Staff-2024", is_staff=True)
    staff_client = Client()
    staff_client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    assert staff_client.get(REQUISITES).status_code == 404
    assert staff_client.post(EDIT, contacts_post(head=("X", "", "x@x.ru"))).status_code == 404


def test_requisites_page_runs_few_queries(customer_client, contract, django_assert_max_num_queries):
    for position in ["head", "engineer", "accountant"]:
        ContactPerson.objects.create(contract=contract, position=position, full_name=position, email="a@b.ru")
    # The user, the contacts, the customer's and the company's bank accounts; the session is cached.
    with django_assert_max_num_queries(5):
        customer_client.get(REQUISITES)
