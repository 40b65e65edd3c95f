import re

import pytest
from playwright.sync_api import expect

from accounts import sms
from tests.conftest import make_contract
from tests.e2e.conftest import fill_registration

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Ural-Teh-2024"


@pytest.fixture
def sms_outbox(settings):
    # The live server runs in this process: the locmem outbox is shared.
    settings.SMS_BACKEND = "locmem"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def test_first_sign_in_registration_by_sms_and_sign_in_with_the_new_password(page, sms_outbox):
    make_contract(
        number="54321-ЭС", inn="7456009877", kpp="745601001", name="ООО «Уралтехсервис»", registered=False
    )
    page.goto(page.base_url + "/")
    page.get_by_label("Номер договора").fill("54321-ЭС")
    page.get_by_label("ИНН/Пароль").fill("7456009877")
    page.get_by_role("button", name="Войти").click()

    expect(page.get_by_role("heading", name="Окно регистрации для юридических лиц")).to_be_visible()
    expect(page.get_by_label("Номер договора")).to_have_value("54321-ЭС")
    expect(page.get_by_label("Номер договора")).not_to_be_editable()
    expect(page.get_by_text("** Длина пароля должна быть не менее 8 и не более 20 символов")).to_be_visible()
    fill_registration(page, password=NEW_PASSWORD, method="По SMS")
    page.get_by_role("button", name="Отправить смс").click()

    expect(page.get_by_role("heading", name="СМС подтверждение")).to_be_visible()
    expect(page.get_by_text("Код подтверждения отправлен на номер +7(902)***-**-12")).to_be_visible()
    assert len(sms_outbox) == 1 and sms_outbox[0].to == "+79025550112"
    code = re.search(r"\b(\d{6})\b", sms_outbox[0].body).group(1)
    page.get_by_label("Код подтверждения").fill(code)
    page.get_by_role("button", name="ОК").click()
    expect(page.get_by_text("Подтверждено")).to_be_visible()
    page.get_by_role("button", name="Сохранить").click()

    expect(page.get_by_text("Добрый день!")).to_be_visible()
    expect(page.get_by_text("Регистрация завершена")).to_be_visible()
    expect(page.get_by_text("Номер Договора: 54321-ЭС", exact=True)).to_be_visible()
    page.get_by_role("button", name="Выход").click()

    expect(page.get_by_role("heading", name="Вход в личный кабинет")).to_be_visible()
    page.get_by_label("Номер договора").fill("54321-ЭС")
    page.get_by_label("ИНН/Пароль").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text("Добрый день!")).to_be_visible()

    # The INN no longer opens anything.
    page.get_by_role("button", name="Выход").click()
    page.get_by_label("Номер договора").fill("54321-ЭС")
    page.get_by_label("ИНН/Пароль").fill("7456009877")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("alert")).to_have_text("Неверный номер договора или ИНН/пароль.")
