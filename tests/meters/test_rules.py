"""Each submission rule on its own: the input, rollover, usual consumption,
the window and the verification date."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meters import rules
from meters.models import Meter, Reading


def meter_with(digits_before: int = 6, digits_after: int = 3, **kwargs) -> Meter:
    return Meter(
        serial_number="001383",
        resource=Meter.Resource.HOT_WATER,
        digits_before=digits_before,
        digits_after=digits_after,
        verification_due=kwargs.get("verification_due", dt.date(2030, 1, 1)),
    )


def accepted(value: str, day: dt.date = dt.date(2026, 10, 20)) -> Reading:
    return Reading(value=Decimal(value), reading_date=day, status=Reading.Status.ACCEPTED)


def refusal(call, *args) -> rules.ReadingRefused:
    with pytest.raises(rules.ReadingRefused) as caught:
        call(*args)
    return caught.value


def test_the_two_parts_make_the_exact_value():
    value = rules.value_from_parts(meter_with(), "001383", "725")
    assert value == Decimal("1383.725")
    assert str(value) == "1383.725"
    assert rules.value_from_parts(meter_with(), "1383", "") == Decimal("1383")
    assert rules.value_from_parts(meter_with(), " 7 ", "5") == Decimal("7.5")


def test_a_negative_value_is_refused():
    for whole in ("-5", "−5", "–5"):
        refused = refusal(rules.value_from_parts, meter_with(), whole, "0")
        assert refused.message == "Показания не могут быть отрицательными."
        assert refused.field == "whole"
    assert refusal(rules.check_value, meter_with(), Decimal("-0.001")).field == "whole"


def test_more_digits_before_the_comma_than_the_meter_has_is_refused():
    refused = refusal(rules.value_from_parts, meter_with(digits_before=5), "123456", "0")
    assert refused.message == "У этого счетчика 5 цифр до запятой: введите не больше 5."
    assert refused.field == "whole"
    # Leading zeros are how the display shows it, not extra digits.
    assert rules.value_from_parts(meter_with(digits_before=5), "012345", "") == Decimal("12345")
    assert refusal(rules.check_value, meter_with(digits_before=5), Decimal("100000")).field == "whole"


def test_more_digits_after_the_comma_than_the_meter_has_is_refused():
    refused = refusal(rules.value_from_parts, meter_with(digits_after=3), "1", "7251")
    assert refused.message == "У этого счетчика 3 цифры после запятой: введите не больше 3."
    assert refused.field == "fraction"
    assert refusal(rules.check_value, meter_with(digits_after=2), Decimal("1.001")).field == "fraction"
    assert (
        "нет дробной части" in refusal(rules.value_from_parts, meter_with(digits_after=0), "1", "5").message
    )


@pytest.mark.parametrize("fraction", ["7,5", "7.5", "abc", "-5", "٣", "1e3", "+5"])
def test_the_fractional_part_takes_only_digits(fraction):
    refused = refusal(rules.value_from_parts, meter_with(), "1383", fraction)
    assert refused.message == "После запятой — только цифры, без запятой, точки и других знаков."
    assert refused.field == "fraction"


@pytest.mark.parametrize("whole", ["13,83", "1 383", "abc", "١٢", ""])
def test_the_whole_part_takes_only_digits(whole):
    refused = refusal(rules.value_from_parts, meter_with(), whole, "0")
    assert refused.field == "whole"


@settings(max_examples=60, deadline=None)
@given(
    digits_before=st.integers(1, 8),
    digits_after=st.integers(0, 4),
    data=st.data(),
)
def test_any_value_the_display_can_show_is_taken_exactly(digits_before, digits_after, data):
    meter = meter_with(digits_before, digits_after)
    whole = data.draw(st.text("0123456789", min_size=1, max_size=digits_before))
    fraction = data.draw(st.text("0123456789", max_size=digits_after))
    value = rules.value_from_parts(meter, whole, fraction)
    rules.check_value(meter, value)
    assert value == Decimal(whole) + (Decimal(f"0.{fraction}") if fraction else 0)
    shown_whole, shown_fraction = meter.split(value)
    assert Decimal(f"{shown_whole}.{shown_fraction or 0}") == value
    assert len(shown_whole) == digits_before and len(shown_fraction) == digits_after


def test_the_display_form_pads_like_the_meter():
    meter = meter_with()
    assert meter.display(Decimal("1383.725")) == "001383,725"
    assert meter.display(Decimal("7")) == "000007,000"
    assert meter.mask == "000000,000"
    assert meter_with(5, 0).display(Decimal("42")) == "00042"


def test_not_less_than_the_last_accepted_reading():
    meter = meter_with()
    refused = refusal(rules.consumption_since, meter, accepted("1383.725"), Decimal("1383.724"))
    assert refused.message.startswith(
        "Показания не могут быть меньше последних принятых: 001383,725 м³ от 20.10.2026."
    )
    assert rules.consumption_since(meter, accepted("1383.725"), Decimal("1383.725")) == (
        Decimal("0.000"),
        False,
    )
    assert rules.consumption_since(meter, accepted("1383.725"), Decimal("1400")) == (Decimal("16.275"), False)
    assert rules.consumption_since(meter, None, Decimal("5")) == (None, False)


def test_a_rollover_past_the_maximum_is_accepted_with_consumption_across_it():
    meter = meter_with(digits_before=5, digits_after=3)  # 99999,999 then 00000,000
    consumption, rollover = rules.consumption_since(meter, accepted("99990.500"), Decimal("12.250"))
    assert rollover is True
    assert consumption == Decimal("21.750")  # 9,500 up to the top and 12,250 from zero


def test_a_drop_that_is_not_near_the_top_and_zero_is_not_a_rollover():
    meter = meter_with(digits_before=5, digits_after=3)
    # The last value is not near the top: a mistake, not a rollover.
    assert refusal(rules.consumption_since, meter, accepted("50000"), Decimal("10")).field == "whole"
    # Near the top, but the new value is far from zero.
    assert refusal(rules.consumption_since, meter, accepted("99990"), Decimal("50000")).field == "whole"
    assert rules.is_rollover(meter, Decimal("90000"), Decimal("9999.999"))
    assert not rules.is_rollover(meter, Decimal("89999.999"), Decimal("1"))
    assert not rules.is_rollover(meter, Decimal("95000"), Decimal("10000"))


def test_consumption_far_above_the_usual_goes_to_review():
    meter = meter_with()
    common = {"average_monthly": Decimal("10"), "months": Decimal(1), "factor": Decimal(3)}
    assert rules.review_reason(meter, Decimal("30"), **common) == ""
    reason = rules.review_reason(meter, Decimal("30.001"), **common)
    assert reason == (
        "Расход 30,001 м³ более чем в 3 раза выше обычного для прибора (10,000 м³ в месяц): "
        "показания переданы на проверку специалисту."
    )
    # Two months since the last reading allow twice as much.
    assert rules.review_reason(meter, Decimal("55"), **{**common, "months": Decimal(2)}) == ""
    # Less than a month still allows a whole month.
    assert rules.review_reason(meter, Decimal("29"), **{**common, "months": Decimal("0.2")}) == ""
    # No history, no judgement.
    assert rules.review_reason(meter, Decimal("1000"), **{**common, "average_monthly": None}) == ""
    assert "в 2,5 раза" in rules.review_reason(meter, Decimal("26"), **{**common, "factor": Decimal("2.5")})


def test_the_average_month_comes_from_accepted_history():
    start = dt.date(2026, 1, 20)
    history = [(start, None), (dt.date(2026, 2, 20), Decimal("31")), (dt.date(2026, 3, 20), Decimal("28"))]
    # 59 units over 59 days: 30,4375 a month.
    assert rules.average_monthly(history) == Decimal("30.4375")
    assert rules.average_monthly(history[:1]) is None
    assert rules.average_monthly([(start, None), (start + dt.timedelta(days=5), Decimal(5))]) is None


def test_a_meter_past_its_verification_date_is_refused(settings):
    meter = meter_with(verification_due=dt.date(2026, 11, 15))
    rules.check_verification(meter, dt.date(2026, 11, 15))  # the day itself is still fine
    refused = refusal(rules.check_verification, meter, dt.date(2026, 11, 16))
    assert refused.message == (
        "Срок поверки прибора учета № 001383 истек 15.11.2026. Показания по нему не принимаются: "
        f"обратитесь в АО «ЭнСер» по телефону {settings.COMPANY['emergency_phone']}, "
        "чтобы согласовать поверку или замену прибора."
    )


def test_the_window_is_the_whole_month_by_default():
    for day in (dt.date(2026, 2, 1), dt.date(2026, 2, 28), dt.date(2026, 12, 31)):
        rules.check_window(day)
        assert rules.submission_window(day).is_whole_month


def test_outside_the_window_the_message_says_when_it_opens(settings):
    settings.READINGS_WINDOW_FIRST_DAY = 15
    settings.READINGS_WINDOW_LAST_DAY = 25
    rules.check_window(dt.date(2026, 11, 15))
    rules.check_window(dt.date(2026, 11, 25))
    before = refusal(rules.check_window, dt.date(2026, 11, 14))
    assert before.message == (
        "Показания принимаются с 15 по 25 число месяца. Передать показания можно будет с 15.11.2026."
    )
    after = refusal(rules.check_window, dt.date(2026, 12, 26))
    assert after.message.endswith("Передать показания можно будет с 15.01.2027.")


def test_a_window_to_the_31st_ends_with_a_short_month(settings):
    settings.READINGS_WINDOW_FIRST_DAY = 20
    settings.READINGS_WINDOW_LAST_DAY = 31
    assert rules.submission_window(dt.date(2026, 2, 28)).is_open
    assert rules.submission_window(dt.date(2026, 2, 28)).closes_on == dt.date(2026, 2, 28)
    assert not rules.submission_window(dt.date(2026, 3, 19)).is_open


def test_the_same_value_in_the_same_month_is_a_repeat():
    last = accepted("1383.725", dt.date(2026, 11, 2))
    assert rules.is_repeat(last, Decimal("1383.725"), dt.date(2026, 11, 30))
    assert not rules.is_repeat(last, Decimal("1383.726"), dt.date(2026, 11, 30))
    # A summer month without consumption is a new reading, not a repeat.
    assert not rules.is_repeat(last, Decimal("1383.725"), dt.date(2026, 12, 1))
    rejected = Reading(value=Decimal("1"), reading_date=dt.date(2026, 11, 2), status=Reading.Status.REJECTED)
    assert not rules.is_repeat(rejected, Decimal("1"), dt.date(2026, 11, 3))
    assert not rules.is_repeat(None, Decimal("1"), dt.date(2026, 11, 3))


def test_a_reading_dated_before_the_last_accepted_is_refused():
    last = accepted("10", dt.date(2026, 10, 20))
    rules.check_not_before_last(last, dt.date(2026, 10, 20))
    rules.check_not_before_last(None, dt.date(2020, 1, 1))
    refused = refusal(rules.check_not_before_last, last, dt.date(2026, 10, 19))
    assert refused.message == "Дата показаний 19.10.2026 раньше последних принятых показаний (20.10.2026)."
