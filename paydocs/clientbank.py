"""A payment order for the customer's bank client: the 1C exchange format
(«1CClientBankExchange», version 1.03) that Russian bank clients and 1C
import. Windows-1251, CRLF line ends, `Key=Value` lines; one document."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

ENCODING = "cp1251"
NEWLINE = "\r\n"


@dataclass(frozen=True)
class Party:
    name: str
    inn: str
    kpp: str
    account: str
    bank_name: str
    bik: str
    correspondent_account: str


def _clean(value: str) -> str:
    # A line break or a character Windows-1251 lacks would break the file.
    text = " ".join(str(value).split()).encode(ENCODING, errors="ignore").decode(ENCODING)
    return " ".join(text.split())


def payment_order(
    *, payer: Party, payee: Party, amount: Decimal, purpose: str, made_at: dt.datetime, sender: str
) -> bytes:
    day = f"{made_at:%d.%m.%Y}"
    lines = [
        ("", "1CClientBankExchange"),
        ("ВерсияФормата", "1.03"),
        ("Кодировка", "Windows"),
        ("Отправитель", sender),
        ("Получатель", ""),
        ("ДатаСоздания", day),
        ("ВремяСоздания", f"{made_at:%H:%M:%S}"),
        ("ДатаНачала", day),
        ("ДатаКонца", day),
        ("РасчСчет", payer.account),
        ("Документ", "Платежное поручение"),
        ("СекцияДокумент", "Платежное поручение"),
        ("Номер", ""),
        ("Дата", day),
        ("Сумма", f"{amount.quantize(Decimal('0.01')):f}"),
        ("ПлательщикСчет", payer.account),
        ("Плательщик", f"ИНН {payer.inn} {payer.name}"),
        ("ПлательщикИНН", payer.inn),
        ("ПлательщикКПП", payer.kpp),
        ("Плательщик1", payer.name),
        ("ПлательщикРасчСчет", payer.account),
        ("ПлательщикБанк1", payer.bank_name),
        ("ПлательщикБИК", payer.bik),
        ("ПлательщикКорсчет", payer.correspondent_account),
        ("ПолучательСчет", payee.account),
        ("Получатель", f"ИНН {payee.inn} {payee.name}"),
        ("ПолучательИНН", payee.inn),
        ("ПолучательКПП", payee.kpp),
        ("Получатель1", payee.name),
        ("ПолучательРасчСчет", payee.account),
        ("ПолучательБанк1", payee.bank_name),
        ("ПолучательБИК", payee.bik),
        ("ПолучательКорсчет", payee.correspondent_account),
        ("ВидОплаты", "01"),
        ("Очередность", "5"),
        ("НазначениеПлатежа", purpose),
        ("", "КонецДокумента"),
        ("", "КонецФайла"),
    ]
    text = NEWLINE.join(value if not key else f"{key}={_clean(value)}" for key, value in lines) + NEWLINE
    return text.encode(ENCODING)
