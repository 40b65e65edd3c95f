"""Sums in words, as Russian payment documents write them:
«Двадцать две тысячи восемьсот тринадцать рублей 54 копейки»."""

from decimal import ROUND_HALF_UP, Decimal

_UNITS = {
    "m": ["", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"],
    "f": ["", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"],
}
_TEENS = [
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
]
_TENS = [
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
]
_HUNDREDS = [
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
]
# Each group of three digits from the right: its gender and its three forms (1, 2–4, 5–20).
_GROUPS = [
    ("m", ("", "", "")),
    ("f", ("тысяча", "тысячи", "тысяч")),
    ("m", ("миллион", "миллиона", "миллионов")),
    ("m", ("миллиард", "миллиарда", "миллиардов")),
    ("m", ("триллион", "триллиона", "триллионов")),
]
RUBLES = ("рубль", "рубля", "рублей")
KOPECKS = ("копейка", "копейки", "копеек")


def plural(number: int, forms: tuple[str, str, str]) -> str:
    """The form of a noun after `number`: 1 рубль, 2 рубля, 5 рублей, 21 рубль, 11 рублей."""
    if 11 <= number % 100 <= 14:
        return forms[2]
    return {1: forms[0], 2: forms[1], 3: forms[1], 4: forms[1]}.get(number % 10, forms[2])


def _triple(number: int, gender: str) -> list[str]:
    words = [_HUNDREDS[number // 100]]
    tens, units = divmod(number % 100, 10)
    if tens == 1:
        words.append(_TEENS[units])
    else:
        words += [_TENS[tens], _UNITS[gender][units]]
    return [word for word in words if word not in ("", "-")]


def number_in_words(number: int, gender: str = "m") -> str:
    """A whole number from 0 to 999 999 999 999 999 in words."""
    if number < 0 or number >= 1000 ** len(_GROUPS):
        raise ValueError(f"{number} is out of range")
    if number == 0:
        return "ноль"
    words: list[str] = []
    for index in reversed(range(len(_GROUPS))):
        part = number // 1000**index % 1000
        if not part:
            continue
        group_gender, forms = _GROUPS[index]
        words += _triple(part, gender if index == 0 else group_gender)
        if index:
            words.append(plural(part, forms))
    return " ".join(words)


def rubles_in_words(amount: Decimal) -> str:
    """«Одна тысяча рублей 00 копеек»: rubles in words, kopecks in figures.
    A negative amount (a refund) starts with «Минус»."""
    kopecks_total = int((abs(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    rubles, kopecks = divmod(kopecks_total, 100)
    text = f"{number_in_words(rubles)} {plural(rubles, RUBLES)} {kopecks:02d} {plural(kopecks, KOPECKS)}"
    if amount < 0:
        text = f"минус {text}"
    return text[0].upper() + text[1:]
