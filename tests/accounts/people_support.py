"""What the tests of «Сотрудники», invitations and the journal share."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Contract

PEOPLE = reverse("accounts:people")
JOURNAL = reverse("accounts:journal")
HOME = reverse("cabinet:home")
LOGIN = reverse("accounts:login")
NEW_PASSWORD = "Kollega-2026!"


def invite(client: Client, email: str, role: str, contracts: list[Contract]):
    return client.post(
        PEOPLE,
        {"action": "invite", "email": email, "role": role, "contracts": [c.pk for c in contracts]},
    )


def link_in(message) -> str:
    """The invitation link of a letter, as a path of this site."""
    return re.search(r"http://testserver(/people/invitation/[^\s]+/)", message.body).group(1)


def last_link() -> str:
    return link_in(mail.outbox[-1])


def accept_new(client: Client, link: str, *, name: str = "Петрова Анна", password: str = NEW_PASSWORD):
    return client.post(link, {"full_name": name, "new_password1": password, "new_password2": password})
