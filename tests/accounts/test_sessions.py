"""Ending a customer's sessions deletes their rows and cached copies at once
and nobody else's; sessions are read through the cache and outlive it."""

import pytest
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.passwords import password_set
from accounts.registration import contract_registration_reset
from enser_cabinet.ratelimit import CACHE_ERRORS
from enser_cabinet.sessions import SessionStore
from tests.conftest import PASSWORD, client_for

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


def test_an_ended_session_is_gone_from_the_cache_too(contract):
    # The password's hash in a session would sign the laptop out anyway;
    # what must go is the cached copy that outlives the row.
    here, laptop = client_for(contract), client_for(contract)
    for client in (here, laptop):
        assert client.get(reverse("cabinet:home")).status_code == 200  # now cached
    password_set(user=contract.user, password="Новый-пароль-2026", keep_session=here.session.session_key)
    assert cache.get(KEY_PREFIX + laptop.session.session_key) is None
    assert SessionStore(laptop.session.session_key).load() == {}
    assert cache.get(KEY_PREFIX + here.session.session_key) is not None


def test_a_signed_in_page_reads_its_session_from_the_cache(contract):
    customer = client_for(contract)
    customer.get(reverse("cabinet:home"))
    with CaptureQueriesContext(connection) as queries:
        assert customer.get(reverse("cabinet:home")).status_code == 200
    assert not [query for query in queries if "django_session" in query["sql"]]


def test_sessions_outlive_a_cache_that_lost_them(contract):
    customer = client_for(contract)
    cache.clear()  # Redis restarted empty
    assert customer.get(reverse("cabinet:home")).status_code == 200


def test_sessions_are_read_from_the_database_while_redis_is_down(contract, redis):
    customer = client_for(contract)
    with redis.down():
        assert customer.get(reverse("cabinet:home")).status_code == 200
    assert customer.get(reverse("cabinet:home")).status_code == 200


def test_a_password_change_while_redis_is_down_changes_nothing(contract, redis):
    laptop = client_for(contract)
    with redis.down(), pytest.raises(CACHE_ERRORS):
        password_set(user=contract.user, password="Новый-пароль-2026")
    contract.user.refresh_from_db()
    assert contract.user.check_password(PASSWORD)
    assert laptop.get(reverse("cabinet:home")).status_code == 200
