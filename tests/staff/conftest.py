"""Staff members with and without a second factor, and the steps of the
admin sign-in as a browser would take them."""

import re
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from staff.second_factor import Enrolment, enrolment_confirm, enrolment_key_new

STAFF_PASSWORD = "Staff-Parol-2024"
LOGIN = reverse("admin:login")
CODE = reverse("admin:login-code")
ENROL = reverse("admin:login-enrol")
RECOVERY = reverse("admin:login-recovery-codes")
INDEX = reverse("admin:index")


def make_staff(username: str = "operator", *, superuser: bool = False) -> User:
    return User.objects.create_user(
        username=username,
        password=STAFF_PASSWORD,
        email=f"{username}@rm-enser.ru",
        is_staff=True,
        is_superuser=superuser,
    )


def app_code(key: str, *, ahead: int = 0) -> str:
    """What the authenticator app with this hex `key` shows now, or `ahead`
    steps of 30 s later (the sign-in takes one step either way; a code
    already used does not sign in again, so a second sign-in within the
    same 30 s takes the next step's code)."""
    return f"{totp(bytes.fromhex(key), drift=ahead):06d}"


def enrolled(user: User) -> Enrolment:
    """`user` with a confirmed app and ten recovery codes, as the enrolment leaves them."""
    key = enrolment_key_new()
    # The code of the step before: the sign-in's own code of now stays unused.
    enrolment = enrolment_confirm(user=user, key=key, code=app_code(key, ahead=-1))
    assert enrolment is not None
    return enrolment


def device_of(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def password_step(client: Client, username: str = "operator", password: str = STAFF_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def secret_on(page: str) -> str:
    """The key an enrolment page shows as text, back to hex."""
    match = re.search(r'class="secret"><code>([A-Z2-7 ]+)</code>', page)
    assert match, "no key on the page"
    return b32decode(match.group(1).replace(" ", "")).hex()


@pytest.fixture
def staff(db) -> User:
    """An operator who enrolled an app before."""
    user = make_staff()
    enrolled(user)
    return user
