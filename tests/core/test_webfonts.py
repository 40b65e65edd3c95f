"""The browser gets small WOFF2 subsets of DejaVu Sans; the PDFs keep the TTFs."""

import re
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTFont

from tools import webfonts

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
FONT_FACES = re.findall(r"@font-face\s*\{([^}]*)\}", CSS)


def test_the_site_css_loads_woff2_subsets_and_no_ttf():
    assert ".ttf" not in CSS
    sources = [re.search(r'url\("\.\./fonts/([^"]+)"\)', face).group(1) for face in FONT_FACES]
    assert sorted(sources) == sorted(
        f"{stem}-{name}.woff2" for stem in webfonts.SOURCES for name in webfonts.RANGES
    )


def test_each_font_face_declares_the_range_its_subset_was_cut_to():
    for face in FONT_FACES:
        name = re.search(r"-(\w+)\.woff2", face).group(1)
        declared = re.search(r"unicode-range:\s*([^;]+);", face).group(1)
        assert webfonts.parse_range(declared) == webfonts.parse_range(webfonts.RANGES[name])


def test_the_subsets_hold_every_character_the_pages_use():
    fonts = Path(settings.BASE_DIR) / "static" / "fonts"
    needed = set("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя")
    needed |= set("0123456789 .,:;!?«»—–№₽−→←↻·©×²³…")
    for stem in webfonts.SOURCES:
        covered: set[str] = set()
        for name in webfonts.RANGES:
            font = TTFont(fonts / f"{stem}-{name}.woff2")
            assert font.flavor == "woff2"
            covered |= {chr(code) for code in font.getBestCmap()}
        assert needed <= covered, needed - covered


def test_the_committed_subsets_are_what_the_script_makes(tmp_path):
    # A change to the ranges or the TTFs without `make webfonts` is caught here.
    for built in webfonts.build(tmp_path):
        committed = webfonts.FONTS / built.name
        assert committed.read_bytes() == built.read_bytes(), f"{built.name}: run `make webfonts`"
        assert built.stat().st_size < 20_000


def test_the_pdfs_keep_the_full_ttfs():
    pdf_base = (Path(settings.BASE_DIR) / "templates" / "settlements" / "pdf" / "base.html").read_text()
    assert 'url("fonts/DejaVuSans.ttf")' in pdf_base
    assert (webfonts.FONTS / "DejaVuSans.ttf").stat().st_size > 500_000
