"""«Скачать платёжное поручение (1С)» and the account it is paid from."""

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from paydocs.models import CustomerBankAccount, PaymentInvoice
from tests.conftest import client_for, errors_on

pytestmark = pytest.mark.django_db
BANK = reverse("paydocs:bank")
NEW = reverse("paydocs:invoice-new")
OWN = {"account": "4070 2810 6720 0001 2345", "bik": "047501602"}


@pytest.fixture
def issued(customer_client, supplier_bank) -> PaymentInvoice:
    customer_client.post(NEW, {"amount": "22 813,54", "purpose": "Аванс | за ноябрь"})
    return PaymentInvoice.objects.get()


def parsed(content: bytes) -> dict[str, str]:
    text = content.decode("cp1251")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert lines[0] == "1CClientBankExchange" and lines[-2:] == ["КонецФайла", ""]
    document = lines[lines.index("СекцияДокумент=Платежное поручение") + 1 : lines.index("КонецДокумента")]
    return dict(line.split("=", 1) for line in document)


def test_the_account_is_entered_on_requisites_and_shown_there(customer_client, contract, supplier_bank):
    page = customer_client.get(reverse("accounts:requisites"))
    for text in ("Расчетный счет:", "не указан", "Указать расчетный счет", "Реквизиты для оплаты АО «ЭнСер»"):
        assertContains(page, text)
    assertContains(page, "40702810672000012345")  # the company's account, to pay by hand
    form = customer_client.get(BANK)
    assertContains(form, "Расчетный счет")
    assertContains(form, "БИК банка")
    response = customer_client.post(BANK, OWN)
    assertRedirects(response, reverse("accounts:requisites"), fetch_redirect_response=False)
    own = CustomerBankAccount.objects.get()
    assert (own.organization, own.account, own.bik) == (
        contract.organization,
        "40702810672000012345",
        "047501602",
    )
    page = customer_client.get(reverse("accounts:requisites"))
    assertContains(page, "Расчетный счет сохранен.")
    assertContains(page, "Изменить расчетный счет")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"account": "", "bik": "047501602"}, "account", "Укажите расчетный счет."),
        ({"account": "407028106720000123", "bik": "047501602"}, "account", "Расчетный счет: 20 цифр."),
        ({"account": "40702810672000012345", "bik": "04750160"}, "bik", "БИК: 9 цифр, начинается с 04."),
        (
            {"account": "40702810572000012345", "bik": "047501602"},
            "account",
            "Расчетный счет не сходится с БИК банка: проверьте счет и БИК.",
        ),
    ],
)
def test_a_bad_account_is_explained_next_to_the_field(customer_client, data, field, message):
    response = customer_client.post(BANK, data)
    assert response.status_code == 400
    assert message in errors_on(response)
    assert not CustomerBankAccount.objects.exists()


def test_the_payment_order_carries_both_accounts_the_sum_and_the_purpose(customer_client, issued):
    url = reverse("paydocs:invoice-1c", args=[issued.pk])
    # Without the customer's own account: asked for it first.
    assertRedirects(customer_client.get(url), BANK, fetch_redirect_response=False)
    customer_client.post(BANK, OWN)
    response = customer_client.get(url)
    assert response["Content-Type"] == "text/plain; charset=windows-1251"
    assert f"platezhnoe-poruchenie-{issued.pk}.txt" in response["Content-Disposition"]
    document = parsed(response.content)
    assert document["Сумма"] == "22813.54"
    assert document["ПлательщикСчет"] == document["ПлательщикРасчСчет"] == "40702810672000012345"
    assert (document["ПлательщикИНН"], document["ПлательщикКПП"], document["ПлательщикБИК"]) == (
        "7453012342",
        "745301001",
        "047501602",
    )
    assert document["Плательщик1"] == "ООО «Тепломонтаж»"
    assert document["ПолучательСчет"] == "40702810672000012345"
    assert (document["ПолучательИНН"], document["ПолучательКПП"]) == ("7415061109", "741501001")
    assert document["Получатель1"] == "Акционерное общество «ЭнСер»"
    assert document["ПолучательБанк1"] == "ЧЕЛЯБИНСКОЕ ОТДЕЛЕНИЕ N8597 ПАО СБЕРБАНК"
    assert (document["ПолучательБИК"], document["ПолучательКорсчет"]) == ("047501602", "30101810700000000602")
    assert (document["ВидОплаты"], document["Очередность"]) == ("01", "5")
    issued_on = timezone.localdate(issued.issued_at)
    assert (
        document["НазначениеПлатежа"] == f"По счету № {issued.pk} от {issued_on:%d.%m.%Y}. Аванс | за ноябрь"
    )
    assertContains(customer_client.get(NEW), url)


def test_another_customer_gets_no_payment_order_of_ours(issued, other_contract):
    other = client_for(other_contract)
    other.post(BANK, OWN)
    assert other.get(reverse("paydocs:invoice-1c", args=[issued.pk])).status_code == 404
