"""The "Показания" tab, the submission form and the history, through the test client."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.safestring import SafeString
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from enser_cabinet import versioned
from meters.models import Reading
from tests.conftest import client_for
from tests.meters.conftest import TODAY, add_reading, make_meter, monthly_history

pytestmark = pytest.mark.django_db
TAB = reverse("meters:readings")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace("\xa0", " ")


def test_the_tab_lists_the_meters_with_the_manual_labels(customer_client, meter, heat_meter, fixed_today):
    add_reading(meter, dt.date(2026, 10, 20), "1383.725")
    response = customer_client.get(TAB)
    assert response.status_code == 200
    page = text_of(response)
    for label in [
        "Заводской номер",
        "Ресурс",
        "Адрес установки",
        "Последние принятые показания",
        "Дата показаний",
        "Дата очередной поверки",
        "Статус ввода",
        "Передать показания",
    ]:
        assert label in page, label
    assert "001383 ГВС м³" in page
    assert "001383,725 20.10.2026 31.12.2030 Принято" in page
    assert "041583 Тепловая энергия Гкал" in page
    assert response.context["tab"] == "readings"


def test_a_reading_sent_appears_as_accepted_at_once(customer_client, meter, fixed_today, contract):
    url = reverse("meters:submit", args=[meter.pk])
    form = customer_client.get(url)
    html = form.content.decode()
    assert re.search(r'name="whole"[^>]*maxlength="6"', html), "no 6-digit whole part"
    assert re.search(r'name="fraction"[^>]*maxlength="3"', html), "no 3-digit fraction"
    for text in ["Основная часть (до запятой)", "Дробная часть (после запятой)", "000000,000"]:
        assertContains(form, text)

    response = customer_client.post(url, {"whole": "001383", "fraction": "725"}, REMOTE_ADDR="198.51.100.4")
    assertRedirects(response, f"{TAB}#meter-{meter.pk}", fetch_redirect_response=False)
    reading = Reading.objects.get()
    assert reading.value == Decimal("1383.725")
    assert (reading.submitted_by, reading.ip, reading.status) == (contract.user, "198.51.100.4", "accepted")
    page = text_of(customer_client.get(TAB))
    assert "Показания 001383,725 м³ по прибору № 001383: Принято." in page
    assert "001383,725 16.11.2026 31.12.2030 Принято" in page


def test_a_mistake_is_told_next_to_its_field_and_nothing_is_stored(customer_client, meter, fixed_today):
    url = reverse("meters:submit", args=[meter.pk])
    response = customer_client.post(url, {"whole": "1383", "fraction": "7,25"})
    assertContains(response, 'id="id_fraction_error">После запятой — только цифры', status_code=400)
    response = customer_client.post(url, {"whole": "-1", "fraction": ""})
    assertContains(response, 'id="id_whole_error">Показания не могут быть отрицательными.', status_code=400)
    response = customer_client.post(url, {"whole": "", "fraction": "5"})
    assertContains(response, 'id="id_whole_error"', status_code=400)
    assert not Reading.objects.exists()


def test_a_value_below_the_last_is_refused_on_the_form(customer_client, meter, fixed_today):
    add_reading(meter, dt.date(2026, 10, 20), "1383.725")
    response = customer_client.post(
        reverse("meters:submit", args=[meter.pk]), {"whole": "138", "fraction": "7"}
    )
    assert response.status_code == 400
    assert "Показания не могут быть меньше последних принятых: 001383,725 м³ от 20.10.2026." in text_of(
        response
    )
    assert Reading.objects.count() == 1


def test_a_spike_shows_on_review_and_a_rejection_shows_its_reason(customer_client, meter, fixed_today):
    monthly_history(meter, months=12, last=dt.date(2026, 10, 1), start="1000", per_month="10")
    customer_client.post(reverse("meters:submit", args=[meter.pk]), {"whole": "1500", "fraction": ""})
    page = text_of(customer_client.get(TAB))
    assert "На проверке" in page
    Reading.objects.filter(status="review").update(status="rejected", reason="Контрольное снятие: 1 121 м³.")
    page = text_of(customer_client.get(TAB))
    assert "Отклонено : Контрольное снятие: 1 121 м³." in page
    history = text_of(customer_client.get(reverse("meters:history", args=[meter.pk])))
    assert "Отклонено : Контрольное снятие: 1 121 м³." in history


def test_outside_the_window_the_form_says_when_it_opens(customer_client, meter, fixed_today, settings):
    settings.READINGS_WINDOW_FIRST_DAY = 20
    settings.READINGS_WINDOW_LAST_DAY = 25
    url = reverse("meters:submit", args=[meter.pk])
    page = text_of(customer_client.get(url))
    assert (
        "Показания принимаются с 20 по 25 число месяца. Передать показания можно будет с 20.11.2026." in page
    )
    assertNotContains(customer_client.get(url), 'name="whole"')
    assert customer_client.post(url, {"whole": "1", "fraction": ""}).status_code == 400
    assert not Reading.objects.exists()
    assert "Передать показания можно будет с 20.11.2026." in text_of(customer_client.get(TAB))


def test_a_meter_past_verification_shows_whom_to_call(customer_client, contract, fixed_today, settings):
    meter = make_meter(contract, serial="OLD", verification_due=TODAY - dt.timedelta(days=30))
    page = text_of(customer_client.get(reverse("meters:submit", args=[meter.pk])))
    assert "Срок поверки прибора учета № OLD истек 17.10.2026." in page
    assert settings.COMPANY["emergency_phone"] in page
    assert "17.10.2026, срок истек" in text_of(customer_client.get(TAB))


def test_the_history_has_consumption_per_period_and_an_accessible_chart(customer_client, meter, fixed_today):
    monthly_history(meter, months=30, last=dt.date(2026, 11, 1), start="1000", per_month="12.5")
    response = customer_client.get(reverse("meters:history", args=[meter.pk]))
    html = response.content.decode()
    page = text_of(response)
    assert response.status_code == 200
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="chart-title chart-desc"' in svg
    assert '<title id="chart-title">Расход по прибору учета № 001383 за 24 мес., м³</title>' in svg
    assert svg.count("<rect ") == 24
    assert (
        '<desc id="chart-desc">Столбцы — расход по месяцам с 12.2024 по 11.2026. Всего 300,000 м³;'
    ) in svg
    assert "декабрь 2024: 12,500 м³" in svg and "ноябрь 2026: 12,500 м³" in svg
    assert "ноябрь 2024" not in svg
    # The same figures as a table.
    assert "декабрь 2024 12,500" in page and "ноябрь 2026 12,500" in page
    # The readings, newest first, with their consumption, 24 to a page.
    assert "20.11.2026 001362,500 12,500 Принято" in page
    assert "Страница 1 из 2" in page
    second = text_of(customer_client.get(reverse("meters:history", args=[meter.pk]), {"page": "2"}))
    assert "20.06.2024 001000,000 — Принято" in second
    assert customer_client.get(reverse("meters:history", args=[meter.pk]), {"page": "x'"}).status_code == 200


def test_bars_are_as_tall_as_their_consumption(customer_client, meter, fixed_today):
    add_reading(meter, dt.date(2026, 9, 20), "100")
    add_reading(meter, dt.date(2026, 10, 20), "110", consumption="10")
    add_reading(meter, dt.date(2026, 11, 10), "130", consumption="20")
    html = customer_client.get(reverse("meters:history", args=[meter.pk])).content.decode()
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', html)]
    assert len(heights) == 2 and heights[1] == pytest.approx(2 * heights[0])


def test_the_tab_runs_the_same_queries_for_24_and_120_readings(
    contract,
    meter,
    heat_meter,
    fixed_today,
    django_assert_max_num_queries,
    django_assert_num_queries,
    monkeypatch,
):
    client = client_for(contract)
    monthly_history(meter, months=24, last=dt.date(2026, 10, 1))
    monthly_history(heat_meter, months=24, last=dt.date(2026, 10, 1))
    client.get(TAB)
    # The meters table drawn on every request, not read from the cache.
    monkeypatch.setattr(versioned, "cached_html", lambda key, draw: SafeString(draw()))
    with CaptureQueriesContext(connection) as few:
        client.get(TAB)
        client.get(reverse("meters:history", args=[meter.pk]))
        client.get(reverse("meters:submit", args=[meter.pk]))
    Reading.objects.all().delete()
    monthly_history(meter, months=120, last=dt.date(2026, 10, 1))
    monthly_history(heat_meter, months=120, last=dt.date(2026, 10, 1))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(TAB)
        client.get(reverse("meters:history", args=[meter.pk]))
        client.get(reverse("meters:submit", args=[meter.pk]))
    # user, meters with their readings (the session is cached), the unread count
    with django_assert_max_num_queries(3):
        client.get(TAB)
    monkeypatch.undo()
    client.get(TAB)
    # The user with its unread count: the meters table comes from the cache.
    with django_assert_num_queries(1):
        client.get(TAB)


URLS_WITH_A_METER = ["meters:history", "meters:submit"]


@pytest.mark.parametrize("name", URLS_WITH_A_METER)
def test_another_customers_meter_is_404(name, other_client, meter):
    assert other_client.get(reverse(name, args=[meter.pk])).status_code == 404
    assert (
        other_client.post(reverse(name, args=[meter.pk]), {"whole": "9999", "fraction": ""}).status_code
        == 404
    )
    assert not Reading.objects.exists()


def test_another_customers_tab_shows_none_of_my_meters(other_client, meter):
    page = other_client.get(TAB)
    assertNotContains(page, meter.serial_number)
    assertContains(page, "нет приборов учета")


def test_a_meter_taken_out_of_service_is_gone_from_the_cabinet(customer_client, contract):
    old = make_meter(contract, serial="REMOVED", is_active=False)
    assertNotContains(customer_client.get(TAB), "REMOVED")
    assert customer_client.get(reverse("meters:submit", args=[old.pk])).status_code == 404


def test_a_stranger_is_sent_to_sign_in(client, meter):
    for url in (TAB, reverse("meters:submit", args=[meter.pk]), reverse("meters:history", args=[meter.pk])):
        response = client.get(url)
        assertRedirects(response, f"{reverse('accounts:login')}?next={url}", fetch_redirect_response=False)


def test_too_many_submissions_are_slowed_down(customer_client, meter, fixed_today, settings):
    url = reverse("meters:submit", args=[meter.pk])
    statuses = [customer_client.post(url, {"whole": "x", "fraction": ""}).status_code for _ in range(31)]
    assert statuses[:30] == [400] * 30
    assert statuses[30] == 429


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(customer_client, meter, fixed_today, settings):
    url = reverse("meters:submit", args=[meter.pk])
    headers = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.9"}
    customer_client.post(url, {"whole": "1", "fraction": ""}, **headers)
    assert Reading.objects.get(value=1).ip == "10.0.0.2"  # no proxy configured: the header is not trusted
    settings.BEHIND_PROXY, settings.TRUSTED_PROXIES = True, ["10.0.0.2"]
    customer_client.post(url, {"whole": "2", "fraction": ""}, **headers)
    assert Reading.objects.get(value=2).ip == "198.51.100.9"
    customer_client.post(
        url, {"whole": "3", "fraction": ""}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="junk"
    )
    assert Reading.objects.get(value=3).ip == "10.0.0.2"
