"""The e-document page: text staff edit, shown safely."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from appeals.models import AppealType, Branch, EdoInformation, PremisesType

pytestmark = pytest.mark.django_db

EDO = reverse("appeals:edo")
initial_data = importlib.import_module("appeals.migrations.0002_initial_choices_and_edo_text")


@pytest.fixture
def edo_text(db):
    # The data migration's text (a transactional test elsewhere may have flushed it).
    EdoInformation.objects.all().delete()
    initial_data.forwards(apps, None)
    return EdoInformation.objects.get()


def test_initial_lists_are_the_sensible_set(db):
    initial_data.forwards(apps, None)
    premises = set(PremisesType.objects.values_list("name", flat=True))
    assert {"Нежилое помещение в МКД", "Отдельно стоящее здание"} <= premises
    types = set(AppealType.objects.values_list("name", flat=True))
    assert {"Заключение договора", "Изменение договора", "Перерасчет", "Прочее"} <= types
    branch = Branch.objects.get(name="АО «ЭнСер»")
    assert branch.email and branch.is_active


def test_the_cabinet_links_the_page(customer_client):
    page = customer_client.get(reverse("cabinet:home"))
    assertContains(page, "Подключайте электронный документооборот")
    assertContains(page, EDO)


def test_page_tells_operators_how_to_connect_and_whom_to_call(client, edo_text):
    response = client.get(EDO)
    assertContains(response, "<h1>Электронный документооборот</h1>", html=True)
    for text in ["Диадок", "СБИС", "Как подключиться", "8(3513)29-15-35"]:
        assertContains(response, text)
    assertContains(response, '<a href="https://sbis.ru" rel="nofollow">https://sbis.ru</a>', html=True)
    assertContains(response, "<ul><li>")


def test_staff_edit_the_text_and_markup_is_not_executed(staff_client, client, edo_text):
    response = staff_client.post(
        reverse("admin:appeals_edoinformation_change", args=[edo_text.pk]),
        {
            "title": "Условия ЭДО <b>2027</b>",
            "text": (
                "Новый оператор: Такском.\n\n<script>alert(1)</script>\n- пункт <img src=x onerror=alert(1)>"
            ),
        },
    )
    assert response.status_code == 302
    page = client.get(EDO)
    assertContains(page, "Новый оператор: Такском.")
    assertContains(page, "Условия ЭДО &lt;b&gt;2027&lt;/b&gt;")
    assertNotContains(page, "<script>alert(1)</script>")
    assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assertNotContains(page, "<img src=x")
    assertContains(page, "<li>пункт &lt;img src=x onerror=alert(1)&gt;</li>")
    assertNotContains(page, "Диадок")


def test_there_is_one_page_text(staff_client, edo_text):
    assert staff_client.get(reverse("admin:appeals_edoinformation_add")).status_code == 403
    delete = reverse("admin:appeals_edoinformation_delete", args=[edo_text.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
