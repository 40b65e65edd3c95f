"""The company's bank account for the demo's «Счёт на оплату»: a real
Sberbank office (its БИК and correspondent account are public) and an
account number made up for the demo, with a control key that holds."""

from paydocs.models import SupplierBankAccount

DEMO_BANK = {
    "bank_name": "ЧЕЛЯБИНСКОЕ ОТДЕЛЕНИЕ N8597 ПАО СБЕРБАНК",
    "bik": "047501602",
    "correspondent_account": "30101810700000000602",
    "account": "40702810672000012345",
}


def demo_supplier_bank_seed() -> SupplierBankAccount:
    """Once: staff's later edits in admin are kept."""
    return SupplierBankAccount.current() or SupplierBankAccount.objects.create(**DEMO_BANK)
