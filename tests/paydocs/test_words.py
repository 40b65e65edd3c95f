from decimal import Decimal

import pytest

from paydocs.words import number_in_words, plural, rubles_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0.01", "Ноль рублей 01 копейка"),
        ("1.00", "Один рубль 00 копеек"),
        ("21.00", "Двадцать один рубль 00 копеек"),
        ("1000000.00", "Один миллион рублей 00 копеек"),
        ("22813.54", "Двадцать две тысячи восемьсот тринадцать рублей 54 копейки"),
        ("1000.00", "Одна тысяча рублей 00 копеек"),
        ("2002.02", "Две тысячи два рубля 02 копейки"),
        ("11.11", "Одиннадцать рублей 11 копеек"),
        ("114.22", "Сто четырнадцать рублей 22 копейки"),
        ("5392.46", "Пять тысяч триста девяносто два рубля 46 копеек"),
        ("21000000.00", "Двадцать один миллион рублей 00 копеек"),
        ("2000000001.00", "Два миллиарда один рубль 00 копеек"),
        ("-5.00", "Минус пять рублей 00 копеек"),
    ],
)
def test_rubles_in_words(amount, words):
    assert rubles_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(
    ("number", "form"),
    [(1, "рубль"), (2, "рубля"), (5, "рублей"), (11, "рублей"), (21, "рубль"), (112, "рублей")],
)
def test_the_noun_agrees_with_the_number(number, form):
    assert plural(number, ("рубль", "рубля", "рублей")) == form


def test_thousands_are_feminine_and_millions_masculine():
    assert number_in_words(1_001_001) == "один миллион одна тысяча один"
    assert number_in_words(2_002_002, gender="f") == "два миллиона две тысячи две"


def test_out_of_range_is_refused():
    with pytest.raises(ValueError):
        number_in_words(10**15)
