"""Text in what we export stays text when a spreadsheet opens it.

A meter's address typed as `=cmd|' /C calc'!A0` or an organization's as
`=HYPERLINK(…)` would otherwise run as a formula in Excel or LibreOffice
(OWASP, CSV injection). Every CSV and xlsx we write passes its text
through here: in a CSV such a cell gets a leading apostrophe, in an xlsx it
is a string cell with the "quote prefix" style, shown as it was typed.
"""

# What a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(value: str) -> str:
    """A text cell of a CSV file, never taken for a formula."""
    return f"'{value}" if looks_like_formula(value) else value
