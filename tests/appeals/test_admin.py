"""Staff work on appeals in admin: filters, statuses with history, replies by e-mail, documents."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from appeals.models import Appeal, AppealType, Branch
from appeals.services import appeal_reply_set, appeal_status_set
from outbox.models import OutgoingMessage
from tests.appeals.conftest import make_appeal
from tests.conftest import errors_on
from tests.queue import queued_jobs_run

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:appeals_appeal_changelist")


def change_url(appeal):
    return reverse("admin:appeals_appeal_change", args=[appeal.pk])


def test_staff_filter_appeals_by_status_type_branch_and_date(staff_client, choices, clock):
    other_type, _ = AppealType.objects.get_or_create(name="Заключение договора")
    other_branch = Branch.objects.create(name="Миасский участок", email="miass@rm-enser.ru")
    clock.set(dt.datetime(2026, 2, 1, 6, tzinfo=dt.UTC))
    february = make_appeal(choices, organization_name="ООО «Февраль»")
    clock.set(dt.datetime(2026, 3, 5, 6, tzinfo=dt.UTC))
    march = make_appeal(
        {**choices, "appeal_type": other_type, "branch": other_branch}, organization_name="ООО «Март»"
    )
    appeal_status_set(appeal=march, status=Appeal.Status.IN_PROGRESS, by=None)

    def listed(**query):
        page = staff_client.get(CHANGELIST, query).content.decode()
        return {appeal.number for appeal in (february, march) if appeal.number in page}

    assert listed() == {february.number, march.number}
    assert listed(status__exact="in_progress") == {march.number}
    assert listed(status__exact="new") == {february.number}
    assert listed(appeal_type__id__exact=other_type.pk) == {march.number}
    assert listed(branch__id__exact=choices["branch"].pk) == {february.number}
    assert listed(
        **{"created_at__gte": "2026-03-01 00:00:00+05:00", "created_at__lt": "2026-04-01 00:00:00+05:00"}
    ) == {march.number}
    assert listed(q="Февраль") == {february.number}


def test_status_change_in_admin_is_recorded_with_who_and_when(staff_client, staff_user, choices):
    appeal = make_appeal(choices)
    mail.outbox.clear()
    response = staff_client.post(change_url(appeal), {"status": "in_progress", "reply": "", **inline_data()})
    assert response.status_code == 302, errors_on(response)
    appeal.refresh_from_db()
    assert appeal.status == "in_progress"
    change = appeal.status_changes.last()
    assert (change.status, change.changed_by) == ("in_progress", staff_user)
    assert mail.outbox == []


def test_a_reply_in_admin_is_emailed_and_marks_the_appeal_answered(
    staff_client, staff_user, contract, customer_client, choices
):
    appeal = make_appeal(choices, contract=contract, email="director@example.ru")
    mail.outbox.clear()
    reply = "Договор направлен на подпись.\nЭкземпляр подпишите и верните."
    response = staff_client.post(change_url(appeal), {"status": "new", "reply": reply, **inline_data()})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "answered" and appeal.reply == reply and appeal.replied_by == staff_user
    # The sender's letter; the contract's administrator hears of it in the cabinet too (notices/).
    (letter,) = [m for m in mail.outbox if m.to == ["director@example.ru"]]
    assert "Договор направлен на подпись." in letter.body
    assert f"http://testserver/appeals/my/{appeal.number}/" in letter.body
    assertContains(
        customer_client.get(reverse("appeals:detail", args=[appeal.number])), "Договор направлен на подпись."
    )

    # Saving again without changing the reply sends nothing; a changed reply is sent again.
    staff_client.post(change_url(appeal), {"status": "answered", "reply": reply, **inline_data()})
    assert len([m for m in mail.outbox if m.to == ["director@example.ru"]]) == 1
    staff_client.post(change_url(appeal), {"status": "closed", "reply": reply + " Спасибо.", **inline_data()})
    assert len([m for m in mail.outbox if m.to == ["director@example.ru"]]) == 2
    appeal.refresh_from_db()
    assert list(appeal.status_changes.values_list("status", flat=True)) == ["new", "answered", "closed"]


def test_a_reply_that_is_rolled_back_sends_no_letter(staff_user, choices):
    appeal = make_appeal(choices)
    mail.outbox.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        appeal_reply_set(appeal=appeal, text="Ответ", by=staff_user, absolute=lambda path: path)
        assert OutgoingMessage.objects.filter(name="appeal-reply").exists()
        raise RuntimeError("the admin's save failed after the reply")
    assert not OutgoingMessage.objects.filter(name="appeal-reply").exists()
    assert queued_jobs_run() == 0
    assert mail.outbox == []
    appeal.refresh_from_db()
    assert appeal.reply == "" and appeal.status == Appeal.Status.NEW


def test_an_impossible_status_change_is_refused(staff_client, choices):
    appeal = make_appeal(choices)
    appeal_status_set(appeal=appeal, status=Appeal.Status.CLOSED, by=None)
    response = staff_client.post(change_url(appeal), {"status": "new", "reply": "", **inline_data()})
    assertContains(response, "можно перейти только в")
    appeal.refresh_from_db()
    assert appeal.status == "closed"


def test_what_the_customer_sent_is_read_only_and_documents_download(staff_client, choices):
    appeal = make_appeal(choices, files=["scan.pdf"])
    page = staff_client.get(change_url(appeal))
    assertNotContains(page, 'name="organization_name"')
    assertContains(page, "ООО «Тепломонтаж»")
    document = appeal.documents.get()
    assertContains(page, reverse("appeals:document", args=[document.pk]))
    assert staff_client.get(reverse("appeals:document", args=[document.pk])).status_code == 200
    assert staff_client.get(reverse("admin:appeals_appeal_add")).status_code == 403


def test_reference_lists_are_edited_by_staff(staff_client, choices):
    for name in ["premisestype", "appealtype", "branch", "edoinformation"]:
        assert staff_client.get(reverse(f"admin:appeals_{name}_changelist")).status_code == 200
    response = staff_client.post(
        reverse("admin:appeals_appealtype_add"),
        {"name": "Опломбировка приборов учета", "position": 5, "is_active": "on"},
    )
    assert response.status_code == 302
    assert AppealType.objects.filter(name="Опломбировка приборов учета", is_active=True).exists()


def inline_data() -> dict:
    data = {}
    for prefix in ["documents", "status_changes"]:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


def test_status_history_is_shown_in_local_time(staff_client, choices, clock):
    # 09:11 UTC is 14:11 in Yekaterinburg (Asia/Yekaterinburg, UTC+5).
    clock.set(dt.datetime(2026, 11, 27, 9, 11, tzinfo=dt.UTC))
    appeal = make_appeal(choices)
    assert str(appeal.status_changes.get()) == "Новое (27.11.2026 14:11)"
    page = staff_client.get(change_url(appeal))
    assertContains(page, "Новое (27.11.2026 14:11)")
    assertNotContains(page, "09:11")
