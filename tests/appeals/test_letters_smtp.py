"""The appeal's letters through Django's SMTP backend to a real local SMTP server."""

import pytest
from django.urls import reverse

from appeals.models import Appeal
from tests.appeals.conftest import BRANCH_EMAIL, form_data, upload

pytestmark = pytest.mark.django_db


def test_acknowledgment_and_branch_notice_leave_by_smtp(client, choices, smtp_server):
    response = client.post(reverse("appeals:new"), {**form_data(choices), "documents": [upload("scan.pdf")]})
    assert response.status_code == 302
    number = Appeal.objects.get().number
    (to_sender, acknowledgment), (to_branch, notice) = smtp_server.messages
    assert to_sender == ["romashka@example.ru"]
    # The header is folded on the wire; the words are what counts.
    assert " ".join(acknowledgment["Subject"].split()) == f"Обращение № {number} зарегистрировано"
    text = acknowledgment.get_body(preferencelist=("plain",)).get_content()
    assert f"Обращение № {number}" in text and "Документов: 1" in text
    html = acknowledgment.get_body(preferencelist=("html",)).get_content()
    assert f"№ {number}" in html
    assert to_branch == [BRANCH_EMAIL]
    assert notice["Reply-To"] == "romashka@example.ru"
    assert "/admin/appeals/appeal/" in notice.get_body(preferencelist=("plain",)).get_content()
