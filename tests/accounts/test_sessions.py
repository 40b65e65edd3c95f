"""Ending a customer's sessions deletes their rows at once and nobody else's."""

import pytest
from django.contrib.sessions.models import Session

from accounts.passwords import password_set
from accounts.registration import contract_registration_reset
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def keys(*clients) -> set[str]:
    return {client.session.session_key for client in clients}


def test_a_new_password_ends_every_other_session_of_the_user_only(contract, other_contract):
    here = client_for(contract)
    client_for(contract), client_for(contract)  # a laptop and a phone
    stranger = client_for(other_contract)
    ended = password_set(
        user=contract.user, password="Новый-пароль-2026", keep_session=here.session.session_key
    )
    assert ended == 2
    assert set(Session.objects.values_list("session_key", flat=True)) == keys(here, stranger)


def test_staff_undoing_a_registration_ends_all_its_sessions(contract, other_contract):
    client_for(contract), client_for(contract)
    stranger = client_for(other_contract)
    assert contract_registration_reset(contract=contract) == 2
    assert set(Session.objects.values_list("session_key", flat=True)) == keys(stranger)
