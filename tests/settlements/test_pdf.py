import datetime as dt
import io
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from bench.statements import monthly_charges, settlements_of
from settlements import pdf as pdf_module
from settlements.fetcher import FetchRefused, StaticFilesFetcher
from settlements.ledger import (
    Period,
    charges_statement,
    settlements_statement,
)
from settlements.pdf import render_pdf, settlements_statement_pdf, static_roots
from tests.conftest import client_for, make_contract, make_invoice
from tests.settlements.conftest import MANUAL_PERIOD, monthly_history, pdf_text

pytestmark = pytest.mark.django_db

A4_PORTRAIT = (595, 842)
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db40000000049454e44ae426082"
)


def page_size(content: bytes, index: int = 0) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(content)).pages[index].mediabox
    return round(float(box.width)), round(float(box.height))


def test_settlements_statement_shows_the_manuals_figures(demo_client):
    response = demo_client.get(reverse("settlements:settlements-pdf"), MANUAL_PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    (text,) = pdf_text(response.content)
    assert "Справка по взаиморасчетам за период с 01.10.2021 по 31.12.2021" in text
    assert "Сальдо на начало периода: 0,00" in text
    assert "31.10.2021 5 392,46" in text
    assert "30.11.2021 8 088,70" in text
    assert "Сальдо на конец периода: 13 481,16" in text
    assert "Итого за период: 13 481,16 0,00" in text
    assert "Окончательный счет" in text
    for requisite in [
        "ИНН юридического лица: 7453012342",
        "Номер договора: 12345-ЭС",
        "Наименование контрагента: ООО «Тепломонтаж»",
        "Юридический адрес: 456300, Челябинская обл., г. Миасс, ул. Калинина, д. 12, оф. 3",
        "Акционерное общество «ЭнСер»",
        "ИНН 7415061109",
    ]:
        assert requisite in text, requisite
    assert "стр. 1 из 1" in text
    assert page_size(response.content) == A4_PORTRAIT


def test_charges_statement_shows_the_manuals_line(demo_client):
    response = demo_client.get(
        reverse("settlements:charges-pdf"), {"start": "01.10.2021", "end": "30.11.2021"}
    )
    assert response.status_code == 200
    (text,) = pdf_text(response.content)
    assert "Справка по начислениям за период с 01.10.2021 по 30.11.2021" in text
    assert "Наименование организации: ООО «Тепломонтаж»" in text
    assert "Гкал 3,32 1353,53 4493,72 898,74 20,00 5392,46" in text
    assert "Итого, р.: 13481,16" in text
    assert "Тепловая энергия" in text and "м³ 7,641 175,37 1340,00 268,00 20,00 1608,00" in text
    assert "стр. 1 из 1" in text
    # Landscape A4 for the twelve columns.
    assert page_size(response.content) == A4_PORTRAIT[::-1]


def test_the_statement_says_when_it_was_made_in_yekaterinburg_time(contract):
    statement = settlements_statement(
        contract=contract, period=Period(dt.date(2021, 10, 1), dt.date(2021, 12, 31))
    )
    made_at = dt.datetime(2022, 1, 10, 20, 30, tzinfo=dt.UTC)
    (text,) = pdf_text(settlements_statement_pdf(statement=statement, made_at=made_at))
    assert "11.01.2022 01:30" in text


def test_long_statements_number_their_pages_and_repeat_the_table_head():
    # Four pages are enough to prove it; bench/ times the long ones.
    pages = pdf_text(settlements_statement_pdf(statement=settlements_of(120)))
    assert len(pages) > 3
    for number, text in enumerate(pages, start=1):
        assert f"стр. {number} из {len(pages)}" in text
        assert "Дата Начислено, р. Оплачено, р. Тип операции" in text
    # 60 charges of 12 345,67 and 60 payments of 12 000,00.
    assert "Сальдо на конец периода: 20 740,20" in pages[-1]


def test_the_charges_statement_has_every_line_on_its_pages(db):
    # Three years, enough for several pages; the ten-year statement is bench/'s to time.
    contract = make_contract(number="20002-ЭС")
    monthly_history(contract, first=dt.date(2019, 1, 1), months=36)
    statement = charges_statement(
        contract=contract, period=Period(dt.date(2019, 1, 1), dt.date(2021, 12, 31))
    )
    from settlements.pdf import charges_statement_pdf

    pages = pdf_text(charges_statement_pdf(statement=statement))
    text = "\n".join(pages)
    assert len(pages) > 2
    assert text.count("Нежилое помещение") == 72
    assert f"стр. {len(pages)} из {len(pages)}" in pages[-1]
    assert all("Установка Адрес Тариф" in page for page in pages)
    assert "Итого, р.: 86400,00" in pages[-1]


@pytest.fixture
def http_server():
    """A loopback server that records every request it gets."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG_1PX)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()
    server.server_close()


def test_markup_in_a_customers_name_and_address_is_printed_not_fetched(http_server):
    base, requests = http_server
    contract = make_contract(
        number="30000-ЭС",
        inn="7415061109",
        kpp="741501001",
        name='<img src="file:///etc/passwd"><img src="' + base + '/name.png">',
    )
    organization = contract.organization
    organization.legal_address = f'<link rel="stylesheet" href="{base}/x.css"><img src="{base}/a.png">'
    organization.save()
    make_invoice(contract, dt.date(2021, 10, 31), "100.00")
    response = client_for(contract).get(reverse("settlements:settlements-pdf"), MANUAL_PERIOD)
    assert response.status_code == 200
    (text,) = pdf_text(response.content)
    assert '<img src="file:///etc/passwd">' in text
    assert requests == []
    assert len(PdfReader(io.BytesIO(response.content)).pages[0].images) == 0


def test_the_fetcher_serves_only_static_files(http_server, tmp_path):
    base, requests = http_server
    fetcher = StaticFilesFetcher(static_roots())
    font = Path(static_roots()[0]) / "fonts" / "DejaVuSans.ttf"
    response = fetcher(font.as_uri())
    assert response.read()[:4] == b"\x00\x01\x00\x00"
    assert fetcher("data:text/plain;base64,0J/RgNC40LLQtdGC").read().decode() == "Привет"
    for url in [
        f"{base}/a.png",
        "https://example.com/a.png",
        "ftp://example.com/a.png",
        "file:///etc/passwd",
        font.as_uri().replace("/fonts/", "/fonts/../../../../../etc/passwd/../"),
        (Path(static_roots()[0]) / ".." / "manage.py").as_uri(),
        "file://example.com/share/a.png",
        "fonts/DejaVuSans.ttf",
    ]:
        with pytest.raises(FetchRefused):
            fetcher(url)
    assert requests == []


def test_a_template_cannot_embed_files_from_outside_the_static_dirs(settings, tmp_path, http_server):
    base, requests = http_server
    static = tmp_path / "static"
    static.mkdir()
    (static / "ok.png").write_bytes(PNG_1PX)
    (tmp_path / "secret.png").write_bytes(PNG_1PX)
    settings.STATICFILES_DIRS = [static]
    settings.STATIC_ROOT = None
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "probe.html").write_text(
        '<img src="ok.png"><img src="{{ secret }}"><img src="{{ remote }}">', encoding="utf-8"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [templates]}]
    content = render_pdf(
        "probe.html", {"secret": (tmp_path / "secret.png").as_uri(), "remote": f"{base}/r.png"}
    )
    assert len(PdfReader(io.BytesIO(content)).pages[0].images) == 1
    assert requests == []


@pytest.mark.parametrize(
    ("template", "statement"),
    [
        ("settlements/pdf/charges.html", monthly_charges(1)),
        ("settlements/pdf/settlements.html", settlements_of(4)),
    ],
)
def test_the_tables_reach_weasyprint_without_whitespace_between_their_tags(template, statement):
    # WeasyPrint would parse and box each run of it, only to drop it from the table.
    html = render_to_string(template, pdf_module._context(statement, None))
    table = html[html.index("<table") : html.index("</table>")]
    assert table.count("<td") > 10
    assert re.search(r">\s+<", table) is None


def test_downloads_carry_a_file_name_every_browser_keeps(demo_client):
    pdf = demo_client.get(reverse("settlements:settlements-pdf"), MANUAL_PERIOD)
    assert pdf["Content-Disposition"] == (
        'attachment; filename="spravka-vzaimoraschety-12345-ES-2021-10-01-2021-12-31.pdf"; '
        "filename*=UTF-8''spravka-vzaimoraschety-12345-ES-2021-10-01-2021-12-31.pdf"
    )
    assert "no-store" in pdf["Cache-Control"]
    charges = demo_client.get(reverse("settlements:charges-pdf"), MANUAL_PERIOD)
    assert (
        'filename="spravka-nachisleniya-12345-ES-2021-10-01-2021-12-31.pdf"' in charges["Content-Disposition"]
    )


def test_a_thread_keeps_its_font_configuration_between_statements():
    statement = settlements_of(2)
    first = settlements_statement_pdf(statement=statement)
    kept = pdf_module._drawing.font_config
    settlements_statement_pdf(statement=statement)
    assert pdf_module._drawing.font_config is kept
    in_other_thread = []

    def draw() -> None:
        settlements_statement_pdf(statement=statement)
        in_other_thread.append(pdf_module._drawing.font_config)

    other = threading.Thread(target=draw)
    other.start()
    other.join()
    assert in_other_thread and in_other_thread[0] is not kept
    # The kept configuration still draws the statement in the shipped font.
    fonts = {
        str(font["/BaseFont"])
        for font in PdfReader(io.BytesIO(first)).pages[0]["/Resources"]["/Font"].values()
    }
    assert any(name.endswith("+DejaVu-Sans") for name in fonts)


def test_the_cycle_collector_is_paused_only_while_a_statement_is_drawn(monkeypatch):
    import gc

    from weasyprint import HTML

    seen = []
    write_pdf = HTML.write_pdf

    def watched(self: HTML, *args: object, **kwargs: object) -> bytes:
        seen.append(gc.isenabled())
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(HTML, "write_pdf", watched)
    statement = settlements_of(2)
    assert gc.isenabled()
    settlements_statement_pdf(statement=statement)
    assert seen == [False]
    assert gc.isenabled()

    # A drawing that fails leaves the collector running.
    monkeypatch.setattr(HTML, "write_pdf", lambda self, *args, **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        settlements_statement_pdf(statement=statement)
    assert gc.isenabled()

    # Paused by something else before, it stays paused.
    gc.disable()
    try:
        monkeypatch.setattr(HTML, "write_pdf", write_pdf)
        settlements_statement_pdf(statement=statement)
        assert not gc.isenabled()
    finally:
        gc.enable()
