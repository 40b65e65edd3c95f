"""Web fonts for the browser: WOFF2 subsets (Latin, Cyrillic) of the DejaVu
Sans TTFs in static/fonts/. The PDFs keep the full TTFs; the browser needs a
small part of them and downloads a subset only when a page uses a character of
its unicode-range (static/css/site.css declares the same ranges).

Run `make webfonts` after changing the ranges or the TTFs; the .woff2 files are
committed.
"""

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
SOURCES = {"DejaVuSans": "DejaVuSans.ttf", "DejaVuSans-Bold": "DejaVuSans-Bold.ttf"}

# Keep in step with the unicode-range of the @font-face rules in site.css.
RANGES = {
    "latin": (
        "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, "
        "U+2000-206F, U+2074, U+207F, U+20AC, U+20BD, U+2122, U+2190-2193, U+21BB, "
        "U+2212, U+2215, U+FEFF, U+FFFD"
    ),
    "cyrillic": "U+0400-045F, U+0490-0491, U+04B0-04B1, U+2116",
}


def parse_range(text: str) -> list[int]:
    codepoints: list[int] = []
    for part in text.split(","):
        part = part.strip().removeprefix("U+")
        first, _, last = part.partition("-")
        codepoints.extend(range(int(first, 16), int(last or first, 16) + 1))
    return codepoints


def build(target_dir: Path = FONTS) -> list[Path]:
    written = []
    for stem, source in SOURCES.items():
        for name, ranges in RANGES.items():
            options = subset.Options()
            options.flavor = "woff2"
            options.layout_features = ["kern", "liga", "locl"]
            options.hinting = False  # DejaVu's hinting is most of its size; browsers hint themselves
            options.desubroutinize = True
            options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # names, copyright and licence
            font = TTFont(FONTS / source, recalcTimestamp=False)  # same bytes on every run
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=parse_range(ranges))
            subsetter.subset(font)
            target = target_dir / f"{stem}-{name}.woff2"
            subset.save_font(font, target, options)
            written.append(target)
    return written


if __name__ == "__main__":
    for path in build():
        print(f"{path.name}: {path.stat().st_size} байт")
