import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import ConfirmationCode, RegistrationRequest
from accounts.registration import confirmations_prune
from tests.accounts.conftest import last_code, registration_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(registering_client):
    """A registration by SMS waiting for its code."""
    registering_client.post(reverse("accounts:register"), registration_data(method="sms", action="send-sms"))
    assert RegistrationRequest.objects.count() == ConfirmationCode.objects.count() == 1


def test_expired_requests_and_old_codes_go(pending):
    now = timezone.now()
    assert confirmations_prune(now=now) == (0, 0)
    assert confirmations_prune(now=now + dt.timedelta(hours=24, seconds=1)) == (1, 0)
    assert not RegistrationRequest.objects.exists()
    # The code outlives its request (SET_NULL) for the support period.
    assert confirmations_prune(now=now + dt.timedelta(days=30, seconds=1)) == (0, 1)
    assert not ConfirmationCode.objects.exists()


def test_completed_requests_stay_and_forget_the_password(pending, registering_client, sms_outbox):
    registering_client.post(
        reverse("accounts:register"), {"action": "confirm", "code": last_code(sms_outbox)}
    )
    registering_client.post(reverse("accounts:register"), {"action": "save"})
    request = RegistrationRequest.objects.get()
    assert request.completed_at is not None and request.password == ""
    assert confirmations_prune(now=timezone.now() + dt.timedelta(days=365)) == (0, 1)
    assert RegistrationRequest.objects.exists()


def test_command_dry_run_counts_and_keeps(pending, clock, capsys):
    clock.advance(days=31)
    call_command("prune_confirmations", "--dry-run")
    assert "Будет удалено: заявок на регистрацию — 1, кодов подтверждения — 1." in capsys.readouterr().out
    assert RegistrationRequest.objects.exists() and ConfirmationCode.objects.exists()
    call_command("prune_confirmations")
    assert "Удалено: заявок на регистрацию — 1, кодов подтверждения — 1." in capsys.readouterr().out
    assert not RegistrationRequest.objects.exists() and not ConfirmationCode.objects.exists()
