"""The shared error pages: each answers with the status that fits, in Russian."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_form_beyond_the_size_limit_is_refused_with_413(customer_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    customer_client.raise_request_exception = False
    response = customer_client.post(reverse("accounts:contacts-edit"), {"head-full_name": "ж" * 10_000})
    assert response.status_code == 413
    assert "Слишком большой запрос" in response.content.decode()


def test_too_many_fields_stay_a_bad_request(customer_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    customer_client.raise_request_exception = False
    response = customer_client.post(reverse("accounts:contacts-edit"), {f"f{i}": "1" for i in range(20)})
    assert response.status_code == 400
    assert "Неверный запрос" in response.content.decode()
