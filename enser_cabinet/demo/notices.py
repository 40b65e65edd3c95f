"""Demo notifications for the people of 12345-ЭС and 12346-ЭС: the newest
invoice of each contract, the readings window of this month, and the debt,
made through `notify` like the real ones, so a second run adds nothing
(the keys) and each person sees what their role hears of."""

import datetime as dt

from accounts.models import Contract
from meters.rules import submission_window
from notices import texts
from notices.balances import balances
from notices.events import Event
from notices.services import notify
from settlements.models import Invoice


def demo_notices_seed(*, contracts: list[Contract], today: dt.date) -> str:
    made = 0
    owed = balances(contract_ids=[c.pk for c in contracts])
    window = submission_window(today)
    for contract in contracts:
        invoice = Invoice.objects.filter(contract=contract).order_by("-date", "-pk").first()
        balance = owed.get(contract.pk)
        if invoice is not None and balance is not None:
            made += notify(
                Event.INVOICE,
                contract,
                invoice.number,
                **texts.invoice_texts(
                    number=contract.number,
                    date=invoice.date,
                    amount=invoice.amount,
                    balance=balance,
                    invoice_id=invoice.pk,
                ),
            )
        if window.is_open and contract.meters.exists():
            made += notify(
                Event.WINDOW_OPEN,
                contract,
                f"{today:%Y-%m}",
                **texts.window_open_texts(number=contract.number, today=today, closes_on=window.closes_on),
            )
        if balance is not None and balance > 0:
            made += notify(
                Event.DEBT,
                contract,
                f"{today:%Y-%m}",
                **texts.debt_texts(number=contract.number, balance=balance, today=today),
            )
    return f"Создано уведомлений: {made}."
