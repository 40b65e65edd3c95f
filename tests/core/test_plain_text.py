"""Letters' subjects and text bodies and SMS are plain text: what a customer
typed reaches them as typed, never HTML-escaped (the HTML part still is)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts import sms
from enser_cabinet.plain_text import render_plain
from tests.appeals.conftest import choices, form_data  # noqa: F401 (fixture)

NAME = 'ООО "Рога & Копыта" <Юг>'
ESCAPED = re.compile(r"&(quot|amp|lt|gt|#x27|#39);")


@pytest.mark.django_db
def test_appeal_letters_carry_the_organization_name_as_typed(client, choices):  # noqa: F811
    response = client.post(
        reverse("appeals:new"),
        form_data(choices, organization_name=NAME, message='Счет "за октябрь" & пени <неверны>'),
    )
    assert response.status_code == 302
    acknowledgment, notice = mail.outbox
    assert notice.subject.endswith(f"Перерасчет, {NAME}")
    for message in (acknowledgment, notice):
        assert not ESCAPED.search(message.subject), message.subject
        assert not ESCAPED.search(message.body), message.body
    assert NAME in notice.body
    assert 'Счет "за октябрь" & пени <неверны>' in notice.body
    # The HTML part is HTML: there the name is escaped.
    html = notice.alternatives[0][0]
    assert "ООО &quot;Рога &amp; Копыта&quot; &lt;Юг&gt;" in html
    assert NAME not in html


def test_sms_text_is_not_escaped():
    assert "<&>" in sms.sms_render(name="registration-code", context={"code": "<&>", "minutes": 5})


def test_render_plain_does_not_escape():
    assert render_plain("emails/appeal-reply-subject.txt", {"appeal": {"number": '"1" & 2'}}) == (
        'Ответ на обращение № "1" & 2\n'
    )


def test_plain_text_templates_are_rendered_only_through_render_plain():
    # render_to_string escapes: a .txt template rendered by it would be HTML-escaped.
    offenders = []
    for top in Path(settings.BASE_DIR).iterdir():
        if not top.is_dir() or top.name.startswith(".") or top.name in {"tests", "var", "staticfiles"}:
            continue
        for path in top.rglob("*.py"):
            if re.search(r"render_to_string\([^)]*\.txt", path.read_text(encoding="utf-8")):
                offenders.append(str(path))
    assert offenders == []
