"""Accessibility the server's HTML must carry on its own (the axe check in
tests/e2e/test_accessibility.py sees the rendered pages in a browser)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.accounts.test_requisites import EDIT, contacts_post

pytestmark = pytest.mark.django_db
NEW_TAB = "(откроется в новой вкладке)"


def test_a_flash_message_is_a_status_region_of_paragraphs(customer_client, contract):
    data = contacts_post(head=("Иванов Иван", "+7 912 345-67-89", ""))
    response = customer_client.post(EDIT, data, follow=True)
    assertContains(
        response,
        '<div class="messages" role="status">'
        '<p class="message message-success">Контакты сохранены.</p></div>',
        html=True,
    )
    assertNotContains(response, '<li class="message')


def test_the_sberbank_link_says_it_opens_a_new_tab(customer_client, contract):
    page = customer_client.get(reverse("settlements:payments")).content.decode()
    link = re.search(r'<a [^>]*target="_blank"[^>]*>(.*?)</a>', page, re.S)
    assert link is not None
    text = re.sub(r"<[^>]+>", "", link.group(1))
    assert text == f"Сбербанк Онлайн {NEW_TAB}"


def test_every_link_to_a_new_tab_says_so():
    templates = Path(settings.BASE_DIR) / "templates"
    for template in templates.rglob("*.html"):
        for link in re.findall(r'<a [^>]*target="_blank".*?</a>', template.read_text(), re.S):
            assert NEW_TAB in link, f"{template.relative_to(templates)}: {link}"


def test_the_requisites_page_has_second_level_headings(customer_client, contract):
    response = customer_client.get(reverse("accounts:requisites"))
    assertContains(response, '<h2 class="visually-hidden">Реквизиты</h2>', html=True)
    assertContains(response, '<h2 class="visually-hidden">Контакты</h2>', html=True)
