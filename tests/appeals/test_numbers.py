"""Registration numbers stay unique and consecutive when appeals arrive at once."""

import threading

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from appeals.services import appeal_number_next


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_share_a_number():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what is tested: PostgreSQL")
    workers, each = 4, 5
    numbers, errors = [], []
    start = threading.Barrier(workers)

    def work():
        try:
            start.wait()
            for _ in range(each):
                with transaction.atomic():
                    numbers.append(appeal_number_next(year=2026))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [f"2026-{n:06d}" for n in range(1, workers * each + 1)]


def test_a_number_is_only_given_inside_a_transaction():
    # No database for this one: the refusal comes before any query, and a
    # test's own transaction would hide what is tested.
    with pytest.raises(TransactionManagementError):
        appeal_number_next(year=2026)
