import datetime as dt

import pytest
from django.http import QueryDict
from django.urls import reverse
from pytest_django.asserts import assertContains

from settlements.forms import PeriodForm
from settlements.ledger import Period
from tests.settlements.conftest import PERIOD_URLS

TODAY = dt.date(2024, 5, 17)


def form_for(query: str) -> PeriodForm:
    return PeriodForm(QueryDict(query), today=TODAY)


@pytest.mark.parametrize(
    ("query", "period"),
    [
        ("", Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31))),
        ("start=01.10.2021&end=31.12.2021", Period(dt.date(2021, 10, 1), dt.date(2021, 12, 31))),
        ("start=2021-10-01&end=2021-12-31", Period(dt.date(2021, 10, 1), dt.date(2021, 12, 31))),
        ("start=+2021-10-01+&end=31.12.2021", Period(dt.date(2021, 10, 1), dt.date(2021, 12, 31))),
        ("start=25.02.2022&end=25.02.2022", Period(dt.date(2022, 2, 25), dt.date(2022, 2, 25))),
        ("start=01.03.2024", Period(dt.date(2024, 3, 1), dt.date(2024, 12, 31))),
        # Ten years to the day before is the longest period.
        ("start=01.01.2012&end=31.12.2021", Period(dt.date(2012, 1, 1), dt.date(2021, 12, 31))),
        ("start=29.02.2012&end=27.02.2022", Period(dt.date(2012, 2, 29), dt.date(2022, 2, 27))),
    ],
)
def test_periods_people_and_date_inputs_send(query, period):
    form = form_for(query)
    assert form.is_valid(), form.errors
    assert form.period == period


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=31.12.2021&end=01.10.2021", "end", "Конечная дата не может быть раньше начальной."),
        ("start=01.01.2012&end=01.01.2022", "end", "Период не может быть длиннее 10 лет."),
        ("start=29.02.2012&end=28.02.2022", "end", "Период не может быть длиннее 10 лет."),
        (
            "start=31.02.2021&end=31.12.2021",
            "start",
            "Введите дату в формате ДД.ММ.ГГГГ, например 31.12.2021.",
        ),
        ("start=2021-13-01", "start", "Введите дату в формате ДД.ММ.ГГГГ, например 31.12.2021."),
        ("start=вчера", "start", "Введите дату в формате ДД.ММ.ГГГГ, например 31.12.2021."),
        ("start=1.10.21", "start", "Введите дату в формате ДД.ММ.ГГГГ, например 31.12.2021."),
        ("start=%00", "start", "Введите дату в формате ДД.ММ.ГГГГ, например 31.12.2021."),
        ("start=" + "9" * 5000, "start", "Введите дату в формате ДД.ММ.ГГГГ, например 31.12.2021."),
        ("start=&end=31.12.2021", "start", "Укажите дату."),
        ("end=", "end", "Укажите дату."),
        ("start=0001-01-01&end=0001-01-02", "start", "Укажите дату с 01.01.1990 по 31.12.2099."),
        ("start=9999-12-30&end=9999-12-31", "end", "Укажите дату с 01.01.1990 по 31.12.2099."),
    ],
)
def test_bad_periods_are_told_next_to_the_field(query, field, message):
    form = form_for(query)
    assert not form.is_valid()
    assert message in form.errors[field]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PERIOD_URLS)
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=31.12.2021&end=01.10.2021", "Конечная дата не может быть раньше начальной."),
        ("start=01.01.2000&end=31.12.2021", "Период не может быть длиннее 10 лет."),
        ("start=31.02.2021&end=31.03.2021", "Введите дату в формате ДД.ММ.ГГГГ"),
        ("start[]=1&end=%D0%B7%D0%B0%D0%B2%D1%82%D1%80%D0%B0&start=", "Укажите дату."),
        ("start=-1&end=99999999999999999999", "Введите дату в формате ДД.ММ.ГГГГ"),
    ],
)
def test_every_page_and_download_answers_a_bad_period_with_400(customer_client, name, query, message):
    response = customer_client.get(f"{reverse(name)}?{query}")
    assert response["Content-Type"].startswith("text/html")
    assertContains(response, message, status_code=400)
    # The message stands next to its field, in the tab's own form.
    assertContains(response, 'class="field field--error"', status_code=400)
    assertContains(response, 'class="tabs"', status_code=400)


@pytest.mark.django_db
def test_downloads_are_not_posted_to(customer_client):
    assert customer_client.post(reverse("settlements:settlements-pdf")).status_code == 405
