"""What each event says: titles and texts in Russian, each naming the
contract, and the cabinet page it links to."""

import datetime as dt
import functools
from decimal import Decimal

from django.urls import get_script_prefix, get_urlconf, reverse

from enser_cabinet.formatting import format_date, format_money

MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


# An id no row has, put where a page's id goes and replaced by the real one.
ID_MARK = 987654321012


@functools.lru_cache(maxsize=64)
def _reversed(name: str, with_id: bool, prefix: str, urlconf: str | None) -> str:
    return reverse(name, args=[ID_MARK] if with_id else None)


def page_url(name: str, object_id: int | None = None) -> str:
    """reverse(), resolved once per page (and script prefix and URLconf): an
    import tells of thousands of invoices and payments at once, and resolving
    each anew was most of the time it took to word them."""
    url = _reversed(name, object_id is not None, get_script_prefix(), get_urlconf())
    return url if object_id is None else url.replace(str(ID_MARK), str(int(object_id)))


def month_name(day: dt.date) -> str:
    """`октябрь 2026`."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def rub(amount: Decimal) -> str:
    return f"{format_money(amount)}\u00a0₽"


def balance_phrase(balance: Decimal) -> str:
    if balance > 0:
        return f"задолженность {rub(balance)}"
    if balance < 0:
        return f"переплата {rub(-balance)}"
    return "задолженности нет"


def invoice_texts(*, number: str, date: dt.date, amount: Decimal, balance: Decimal, invoice_id: int) -> dict:
    return {
        "title": f"Договор {number}: новое начисление",
        "body": f"Начислено за {month_name(date)}: {rub(amount)}, {balance_phrase(balance)}.",
        "url": page_url("settlements:invoice", invoice_id),
    }


def payment_texts(*, number: str, date: dt.date, amount: Decimal, balance: Decimal) -> dict:
    return {
        "title": f"Договор {number}: поступила оплата",
        "body": f"Оплата {rub(amount)} от {format_date(date)} зачтена, {balance_phrase(balance)}.",
        "url": page_url("settlements:payments"),
    }


def debt_texts(*, number: str, balance: Decimal, today: dt.date) -> dict:
    return {
        "title": f"Договор {number}: задолженность {rub(balance)}",
        "body": f"На {format_date(today)} задолженность по договору {number} составляет {rub(balance)}. "
        "Оплатить можно по «Счёту на оплату» из личного кабинета.",
        "url": reverse("settlements:settlements"),
        "sms": f"АО «ЭнСер»: задолженность по договору {number} на {format_date(today)}: {rub(balance)}.",
    }


def window_open_texts(*, number: str, today: dt.date, closes_on: dt.date) -> dict:
    return {
        "title": f"Договор {number}: открыт прием показаний",
        "body": f"Передайте показания приборов учета за {month_name(today)} до {format_date(closes_on)} "
        "на вкладке «Показания».",
        "url": reverse("meters:readings"),
    }


def window_closing_texts(*, number: str, closes_on: dt.date, serials: list[str]) -> dict:
    meters = ", ".join(f"№ {serial}" for serial in serials)
    return {
        "title": f"Договор {number}: прием показаний закрывается {format_date(closes_on)}",
        "body": f"Нет принятых показаний за этот месяц по приборам учета {meters}. "
        f"Передайте их до {format_date(closes_on)} включительно.",
        "url": reverse("meters:readings"),
        "sms": f"АО «ЭнСер»: договор {number}, передайте показания ({meters}) до {format_date(closes_on)}.",
    }


def verification_texts(*, number: str, serial: str, due: dt.date, meter_id: int) -> dict:
    return {
        "title": f"Договор {number}: поверка прибора учета № {serial} до {format_date(due)}",
        "body": f"Срок поверки прибора учета № {serial} истекает {format_date(due)}. "
        "После этой даты показания по нему не принимаются: согласуйте поверку или замену прибора.",
        "url": reverse("meters:history", args=[meter_id]),
    }


def reading_texts(
    *, number: str, serial: str, reading: str, rejected: bool, reason: str, meter_id: int
) -> dict:
    if rejected:
        return {
            "title": f"Показания прибора учета № {serial} отклонены (договор {number})",
            "body": f"Показания {reading} отклонены. Причина: {reason} "
            "Передайте, пожалуйста, верные показания на вкладке «Показания».",
            "url": reverse("meters:history", args=[meter_id]),
        }
    return {
        "title": f"Показания прибора учета № {serial} на проверке (договор {number})",
        "body": f"Показания {reading} проверяет сотрудник АО «ЭнСер». Причина: {reason}",
        "url": reverse("meters:history", args=[meter_id]),
    }


def appeal_texts(*, number: str, appeal_number: str, status: str, replied: bool) -> dict:
    if replied:
        title = f"Договор {number}: ответ на обращение № {appeal_number}"
        body = f"На обращение № {appeal_number} дан ответ. Его текст — на странице обращения."
    else:
        title = f"Договор {number}: обращение № {appeal_number} — «{status}»"
        body = f"Статус обращения № {appeal_number}: «{status}»."
    return {"title": title, "body": body, "url": reverse("appeals:detail", args=[appeal_number])}
