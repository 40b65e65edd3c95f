import shutil
import subprocess
from pathlib import Path

import pytest

# A real Sberbank office (public БИК and correspondent account) and a made-up
# account whose control key holds.
SUPPLIER_BANK = {
    "bank_name": "ЧЕЛЯБИНСКОЕ ОТДЕЛЕНИЕ N8597 ПАО СБЕРБАНК",
    "bik": "047501602",
    "correspondent_account": "30101810700000000602",
    "account": "40702810672000012345",
}


@pytest.fixture
def supplier_bank(db):
    from paydocs.models import SupplierBankAccount

    return SupplierBankAccount.objects.create(**SUPPLIER_BANK)


def qr_codes_in_pdf(pdf: bytes, tmp_path: Path) -> list[str]:
    """Every QR code on the PDF's pages, as a bank app's camera would read
    them: the pages rasterised by poppler, the codes decoded by zbar."""
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.fail("pdftoppm and zbarimg are needed: apt-get install poppler-utils zbar-tools")
    source = tmp_path / "document.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(source), str(tmp_path / "page")], check=True)
    codes = []
    for page in sorted(tmp_path.glob("page*.png")):
        found = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sbinary", "-Sqrcode.enable", str(page)], capture_output=True
        )
        if found.returncode == 0:
            codes += [code for code in found.stdout.decode("utf-8").split("\n") if code]
    return codes
