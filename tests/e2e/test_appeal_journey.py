import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from appeals.models import Appeal, AppealType, Branch, PremisesType
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def appeal_choices(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    PremisesType.objects.get_or_create(name="Нежилое помещение в МКД")
    PremisesType.objects.get_or_create(name="Отдельно стоящее здание")
    AppealType.objects.get_or_create(name="Перерасчет")
    Branch.objects.get_or_create(name="АО «ЭнСер»", defaults={"email": "abonent@rm-enser.ru"})


def fill_appeal(page, pdf_path):
    page.get_by_label("Вид помещения").select_option(label="Нежилое помещение в МКД")
    page.get_by_label("Вид обращения").select_option(label="Перерасчет")
    expect(page.get_by_label("Отделение")).to_have_value(str(Branch.objects.get().pk))
    page.get_by_label("Адрес помещения").fill("г. Миасс, ул. Калинина, д. 12, пом. 3")
    page.get_by_label("Текст обращения").fill("Прошу пересчитать отопление за октябрь.")
    page.get_by_label("Документы").set_input_files(str(pdf_path))
    page.get_by_label("Даю согласие на обработку моих персональных данных").check()
    page.get_by_label("Подтверждаю достоверность указанных сведений и приложенных документов").check()


def test_customer_files_an_appeal_with_a_pdf_and_sees_it_in_my_appeals(
    page, contract, appeal_choices, tmp_path
):
    pdf_path = tmp_path / "акт сверки.pdf"
    pdf_path.write_bytes(PDF)
    page.goto(page.base_url + "/login/")
    page.get_by_label("Номер договора").fill("12345-ЭС")
    page.get_by_label("ИНН/Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.get_by_role("link", name="Оформить обращение").click()

    expect(page.get_by_label("Наименование организации")).to_have_value("ООО «Тепломонтаж»")
    expect(page.get_by_label("Адрес электронной почты")).to_have_value("buh@example.ru")
    page.get_by_label("Контактный телефон").fill("bad phone")
    fill_appeal(page, pdf_path)
    page.get_by_role("button", name="Отправить обращение").click()
    # Refused: the typed values stay, the file is asked for again.
    expect(page.locator("#id_phone_error")).to_contain_text("Введите номер телефона")
    expect(page.get_by_label("Адрес помещения")).to_have_value("г. Миасс, ул. Калинина, д. 12, пом. 3")
    expect(page.locator("#id_documents_error")).to_contain_text("выберите документы снова")

    page.get_by_label("Контактный телефон").fill("+7 912 345-67-89")
    page.get_by_label("Документы").set_input_files(str(pdf_path))
    page.get_by_label("Даю согласие на обработку моих персональных данных").check()
    page.get_by_label("Подтверждаю достоверность указанных сведений и приложенных документов").check()
    page.get_by_role("button", name="Отправить обращение").click()

    appeal = Appeal.objects.get()
    assert re.fullmatch(r"\d{4}-\d{6}", appeal.number)
    expect(page.get_by_role("heading", name=f"Обращение № {appeal.number} зарегистрировано")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["buh@example.ru"], ["abonent@rm-enser.ru"]]

    page.get_by_role("link", name="Мои обращения").first.click()
    row = page.get_by_role("row").filter(has_text=appeal.number)
    expect(row).to_contain_text("Перерасчет")
    expect(row).to_contain_text("Новое")
    row.get_by_role("link", name=f"№ {appeal.number}").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="акт сверки.pdf").click()
    assert download.value.suggested_filename == "акт сверки.pdf"
    assert download.value.path().read_bytes() == PDF


def test_anyone_sends_documents_online_from_the_sign_in_page(page, appeal_choices, tmp_path):
    pdf_path = tmp_path / "заявление.pdf"
    pdf_path.write_bytes(PDF)
    page.goto(page.base_url + "/login/")
    page.get_by_role("link", name="Направить документы онлайн").click()
    expect(page.get_by_role("heading", name="Направить документы онлайн")).to_be_visible()
    page.get_by_label("Наименование организации").fill("ИП Кузнецов А. В.")
    page.get_by_label("Контактный телефон").fill("8 912 345 67 89")
    page.get_by_label("Адрес электронной почты").fill("kuznecov@example.ru")
    fill_appeal(page, pdf_path)
    page.get_by_role("button", name="Отправить обращение").click()
    appeal = Appeal.objects.get()
    expect(page.get_by_role("heading", name=f"Обращение № {appeal.number} зарегистрировано")).to_be_visible()
    expect(page.get_by_text("заявление.pdf")).to_be_visible()
    assert appeal.contract is None
