import datetime as dt
from decimal import Decimal

from paydocs.clientbank import Party, payment_order

PAYER = Party(
    name="ООО «Тепломонтаж»",
    inn="7453012342",
    kpp="745301001",
    account="40702810672000012345",
    bank_name="ЧЕЛЯБИНСКОЕ ОТДЕЛЕНИЕ N8597 ПАО СБЕРБАНК",
    bik="047501602",
    correspondent_account="30101810700000000602",
)
PAYEE = Party(
    name="АО «ЭнСер»",
    inn="7415061109",
    kpp="741501001",
    account="40702810672000054321",
    bank_name="ПАО СБЕРБАНК",
    bik="044525225",
    correspondent_account="30101810400000000225",
)


def order(**overrides) -> bytes:
    arguments = {
        "payer": PAYER,
        "payee": PAYEE,
        "amount": Decimal("22813.5"),
        "purpose": "Оплата по договору № 12345-ЭС от 27.09.2021 за теплоснабжение и ГВС",
        "made_at": dt.datetime(2026, 12, 3, 10, 5, 7),
        "sender": "Личный кабинет АО «ЭнСер»",
        **overrides,
    }
    return payment_order(**arguments)


def parsed(content: bytes) -> tuple[list[str], dict[str, str]]:
    lines = content.decode("cp1251").split("\r\n")
    document = lines[lines.index("СекцияДокумент=Платежное поручение") : lines.index("КонецДокумента")]
    return lines, dict(line.split("=", 1) for line in document[1:])


def test_the_file_is_windows_1251_with_crlf_and_its_sections():
    content = order()
    assert b"\n" not in content.replace(b"\r\n", b"")
    assert content.endswith(b"\r\n")
    lines, _ = parsed(content)
    assert lines[:3] == ["1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows"]
    assert lines[-3:] == ["КонецДокумента", "КонецФайла", ""]
    assert "ДатаСоздания=03.12.2026" in lines and "ВремяСоздания=10:05:07" in lines
    assert "РасчСчет=40702810672000012345" in lines


def test_the_document_carries_payer_payee_amount_and_purpose():
    _, document = parsed(order())
    assert document == {
        "Номер": "",
        "Дата": "03.12.2026",
        "Сумма": "22813.50",
        "ПлательщикСчет": "40702810672000012345",
        "Плательщик": "ИНН 7453012342 ООО «Тепломонтаж»",
        "ПлательщикИНН": "7453012342",
        "ПлательщикКПП": "745301001",
        "Плательщик1": "ООО «Тепломонтаж»",
        "ПлательщикРасчСчет": "40702810672000012345",
        "ПлательщикБанк1": "ЧЕЛЯБИНСКОЕ ОТДЕЛЕНИЕ N8597 ПАО СБЕРБАНК",
        "ПлательщикБИК": "047501602",
        "ПлательщикКорсчет": "30101810700000000602",
        "ПолучательСчет": "40702810672000054321",
        "Получатель": "ИНН 7415061109 АО «ЭнСер»",
        "ПолучательИНН": "7415061109",
        "ПолучательКПП": "741501001",
        "Получатель1": "АО «ЭнСер»",
        "ПолучательРасчСчет": "40702810672000054321",
        "ПолучательБанк1": "ПАО СБЕРБАНК",
        "ПолучательБИК": "044525225",
        "ПолучательКорсчет": "30101810400000000225",
        "ВидОплаты": "01",
        "Очередность": "5",
        "НазначениеПлатежа": "Оплата по договору № 12345-ЭС от 27.09.2021 за теплоснабжение и ГВС",
    }


def test_line_breaks_and_characters_windows_1251_lacks_cannot_break_the_file():
    _, document = parsed(order(purpose="Оплата\r\nСумма=1\u2009за ГВС 🔥"))
    assert document["НазначениеПлатежа"] == "Оплата Сумма=1 за ГВС"
    assert document["Сумма"] == "22813.50"
