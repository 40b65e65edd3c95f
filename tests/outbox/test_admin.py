"""Staff's view of the outbox in admin: the list and a message answer staff
only, and a message with a code or a one-time link never shows its text."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from outbox.models import OutgoingMessage
from outbox.services import email_queue, sms_queue
from tests.conftest import staff_client_for
from tests.queue import queue_forget

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:outbox_outgoingmessage_changelist")
LINK = "https://lk.example/reset/MQ/secret-token/"
CODE = "481516"
HIDDEN = "Скрыт: сообщение содержит код или одноразовую ссылку."


def change_page(message: OutgoingMessage) -> str:
    return reverse("admin:outbox_outgoingmessage_change", args=[message.pk])


@pytest.fixture
def staff_client() -> Client:
    staff = get_user_model().objects.create_superuser(username="operator", password="x-Staff-2024")
    return staff_client_for(staff)


@pytest.fixture
def messages(settings) -> dict[str, OutgoingMessage]:
    """Queued and left undelivered, so that their texts are still whole."""
    settings.SMS_BACKEND = "locmem"
    context = {"contract": {"number": "12345-ЭС"}, "link": LINK, "hours": 24}
    queued = {
        "bulk": email_queue(name="password-reset", to=["buh@example.ru"], context=context),
        "secret": email_queue(name="password-reset", to=["dir@example.ru"], context=context, secret=True),
        "sms": sms_queue(name="registration-code", to="+79025550112", context={"code": CODE, "minutes": 5}),
    }
    queue_forget()  # the pages below are not to deliver them
    return queued


def test_staff_see_the_list_of_messages(staff_client, messages):
    response = staff_client.get(CHANGELIST)
    assertContains(response, "buh@example.ru")
    assertContains(response, "+79025550112")
    assertContains(response, "В очереди")
    assertContains(response, "Отправить ещё раз")


def test_staff_see_a_letter_with_its_text(staff_client, messages):
    response = staff_client.get(change_page(messages["bulk"]))
    assertContains(response, "buh@example.ru")
    assertContains(response, LINK)


@pytest.mark.parametrize("name", ["secret", "sms"])
def test_a_code_or_a_link_is_never_shown(staff_client, messages, name):
    message = messages[name]
    secret = LINK if name == "secret" else CODE
    for page in (CHANGELIST, change_page(message)):
        assertNotContains(staff_client.get(page), secret)
    assert secret in OutgoingMessage.objects.get(pk=message.pk).body  # still whole in the database
    assertContains(staff_client.get(change_page(message)), HIDDEN)


@pytest.mark.parametrize("who", ["anonymous", "customer"])
def test_others_are_sent_to_the_admin_sign_in(who, customer_client, messages):
    client = Client() if who == "anonymous" else customer_client
    for page in (CHANGELIST, change_page(messages["bulk"])):
        response = client.get(page)
        assertRedirects(response, f"{reverse('admin:login')}?next={page}", fetch_redirect_response=False)
