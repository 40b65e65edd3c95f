""" "Оформить обращение" and "Мои обращения" in the cabinet, and who may download documents."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from appeals.models import Appeal
from appeals.services import appeal_reply_set, appeal_status_set
from tests.appeals.conftest import SAMPLES, form_data, make_appeal, upload
from tests.conftest import client_for, make_contract
from tests.queue import queued_jobs_run

pytestmark = pytest.mark.django_db

NEW = reverse("appeals:new")
LIST = reverse("appeals:list")


def test_cabinet_form_is_filled_in_from_the_contract(customer_client, contract, choices):
    contract.user.phone = "+79120001122"
    contract.user.save()
    response = customer_client.get(NEW)
    assertContains(response, "Личный кабинет юридического лица")  # inside the cabinet
    assertContains(response, 'value="ООО «Тепломонтаж»"')
    assertContains(response, 'value="buh@example.ru"')
    assertContains(response, 'value="+7 912 000-11-22"')
    assertContains(response, "Отправить обращение")


def test_home_page_offers_the_appeal_and_my_appeals(customer_client, contract):
    page = customer_client.get(reverse("cabinet:home"))
    for text in ["Оформить обращение", NEW, "Мои обращения", LIST]:
        assertContains(page, text)


def test_appeal_from_the_cabinet_is_linked_to_the_contract_and_listed(customer_client, contract, choices):
    response = customer_client.post(
        NEW, {**form_data(choices, organization_name="ООО «Тепломонтаж»"), "documents": [upload("scan.pdf")]}
    )
    appeal = Appeal.objects.get()
    assert appeal.contract == contract
    assert appeal.created_by == contract.user
    sent = customer_client.get(response["Location"])
    assertContains(sent, f"Обращение № {appeal.number} зарегистрировано")
    assertContains(sent, reverse("appeals:detail", args=[appeal.number]))

    listing = customer_client.get(LIST)
    for text in [f"№ {appeal.number}", "Перерасчет", "Новое"]:
        assertContains(listing, text)
    acknowledgment = mail.outbox[0]
    assert f"http://testserver/appeals/my/{appeal.number}/" in acknowledgment.body


def test_my_appeals_show_only_the_customers_own(customer_client, contract, other_contract, choices):
    own = make_appeal(choices, contract=contract)
    foreign = make_appeal(choices, contract=other_contract, organization_name="ООО «Чужая»")
    public = make_appeal(choices, organization_name="ООО «Без кабинета»")
    page = customer_client.get(LIST)
    assertContains(page, own.number)
    for text in [foreign.number, "ООО «Чужая»", public.number]:
        assertNotContains(page, text)


def test_another_customers_appeal_is_not_found(customer_client, other_client, contract, choices):
    appeal = make_appeal(choices, contract=contract, files=["scan.pdf"])
    url = reverse("appeals:detail", args=[appeal.number])
    assert customer_client.get(url).status_code == 200
    assert other_client.get(url).status_code == 404
    assert customer_client.get(reverse("appeals:detail", args=["2026-999999"])).status_code == 404
    assert customer_client.get(reverse("appeals:detail", args=["не-номер"])).status_code == 404


def test_cabinet_pages_need_a_customer(client, staff_client, choices):
    assert client.get(LIST).status_code == 302
    assert staff_client.get(LIST).status_code == 404


def test_documents_go_only_to_their_sender_and_staff(
    customer_client, other_client, client, staff_client, contract, choices
):
    appeal = make_appeal(choices, contract=contract, files=["scan.pdf"])
    url = reverse("appeals:document", args=[appeal.documents.get().pk])
    response = customer_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="scan.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == SAMPLES["scan.pdf"]
    assert staff_client.get(url).status_code == 200
    assert other_client.get(url).status_code == 404
    # Anonymous: sent to sign in, as on every cabinet page (whether the document exists or not).
    response = client.get(url)
    assertRedirects(response, f"{reverse('accounts:login')}?next={url}", fetch_redirect_response=False)
    assert customer_client.get(reverse("appeals:document", args=[999999])).status_code == 404


def test_a_document_is_never_sniffed_and_the_setting_alone_says_so(
    customer_client, contract, choices, settings
):
    # A scan uploaded as PDF must not be run as HTML; SecurityMiddleware sends
    # nosniff on every answer, and the download has no second rule of its own.
    appeal = make_appeal(choices, contract=contract, files=["scan.pdf"])
    url = reverse("appeals:document", args=[appeal.documents.get().pk])
    assert customer_client.get(url)["X-Content-Type-Options"] == "nosniff"
    settings.SECURE_CONTENT_TYPE_NOSNIFF = False  # read when a client's middleware loads
    assert "X-Content-Type-Options" not in client_for(contract).get(url)


def test_a_public_appeals_documents_are_for_staff_only(customer_client, staff_client, choices):
    appeal = make_appeal(choices, files=["plan.png"])
    url = reverse("appeals:document", args=[appeal.documents.get().pk])
    assert customer_client.get(url).status_code == 404
    assert staff_client.get(url).status_code == 200


def test_staff_without_the_appeals_permission_gets_nothing(choices, db):
    from accounts.models import User

    clerk = User.objects.create_user(username="clerk", password="x-Clerk-2024", is_staff=True)
    client = Client()
    client.force_login(clerk, backend="django.contrib.auth.backends.ModelBackend")
    appeal = make_appeal(choices, files=["plan.png"])
    assert client.get(reverse("appeals:document", args=[appeal.documents.get().pk])).status_code == 404


def test_status_history_and_reply_reach_the_customer(
    customer_client, contract, staff_user, choices, django_capture_on_commit_callbacks
):
    appeal = make_appeal(choices, contract=contract, files=["scan.pdf"])
    appeal_status_set(appeal=appeal, status=Appeal.Status.IN_PROGRESS, by=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_reply_set(
            appeal=appeal,
            text="Перерасчет выполнен, сумма уменьшена на 1 200,00 ₽.",
            by=staff_user,
            absolute=lambda path: "https://lk.rm-enser.ru" + path,
        )
    page = customer_client.get(reverse("appeals:detail", args=[appeal.number]))
    for text in [
        "Перерасчет выполнен, сумма уменьшена на 1 200,00 ₽.",
        "Ответ дан",
        "В работе",
        "Новое",
        "scan.pdf",
    ]:
        assertContains(page, text)
    listing = customer_client.get(LIST)
    assertContains(listing, "Перерасчет выполнен")
    assertContains(listing, "Ответ дан")

    letter = mail.outbox[-1]
    assert letter.to == ["buh@example.ru"]
    assert letter.subject == f"Ответ на обращение № {appeal.number}"
    assert "Перерасчет выполнен, сумма уменьшена на 1 200,00 ₽." in letter.body
    assert f"https://lk.rm-enser.ru/appeals/my/{appeal.number}/" in letter.body
    appeal.refresh_from_db()
    assert list(appeal.status_changes.values_list("status", "changed_by")) == [
        ("new", contract.user.pk),
        ("in_progress", staff_user.pk),
        ("answered", staff_user.pk),
    ]


def _add_history(appeal, staff_user):
    appeal_status_set(appeal=appeal, status=Appeal.Status.IN_PROGRESS, by=staff_user)
    appeal_status_set(appeal=appeal, status=Appeal.Status.CLOSED, by=staff_user)


@pytest.mark.parametrize("url_name", ["appeals:list", "appeals:detail"])
def test_pages_run_the_same_queries_whatever_the_history(
    customer_client, contract, staff_user, choices, django_assert_max_num_queries, url_name
):
    first = make_appeal(choices, contract=contract, files=["scan.pdf"])

    def url():
        return reverse(url_name, args=[first.number] if url_name == "appeals:detail" else [])

    with CaptureQueriesContext(connection) as few:
        assert customer_client.get(url()).status_code == 200
    for _ in range(12):
        _add_history(make_appeal(choices, contract=contract, files=["scan.pdf", "plan.png"]), staff_user)
    _add_history(first, staff_user)
    queued_jobs_run()  # the history's notification letters leave before the page is counted
    with django_assert_max_num_queries(len(few)), CaptureQueriesContext(connection) as many:
        assert customer_client.get(url()).status_code == 200
    assert len(many) == len(few)
    assert len(few) <= 6


def test_numbers_follow_each_other_and_start_again_each_year(choices, clock):
    import datetime as dt

    moments = iter(
        [
            dt.datetime(2026, 12, 31, 18, 0, tzinfo=dt.UTC),  # 23:00 in Yekaterinburg: still 2026
            dt.datetime(2026, 12, 31, 18, 30, tzinfo=dt.UTC),
            dt.datetime(2026, 12, 31, 19, 30, tzinfo=dt.UTC),  # 00:30 on 1 January 2027 there
        ]
    )
    numbers = []
    for moment in moments:
        clock.set(moment)
        numbers.append(make_appeal(choices).number)
    assert numbers == ["2026-000001", "2026-000002", "2027-000001"]


def test_a_failed_registration_gives_its_number_back(choices, monkeypatch, media_root):
    from django.db import transaction

    make_appeal(choices)
    # Fails after the file is written: the file must go too.
    monkeypatch.setattr("appeals.models.AppealDocument.save", lambda self, *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        make_appeal(choices, files=["scan.pdf"])
    monkeypatch.undo()
    assert [p for p in media_root.rglob("*") if p.is_file()] == []
    assert make_appeal(choices).number.endswith("-000002")


def test_a_customer_of_another_contract_sees_own_prefill(other_client, other_contract, choices):
    page = other_client.get(NEW)
    assertContains(page, 'value="ООО «Чужая»"')
    assertNotContains(page, "Тепломонтаж")


def test_a_signed_in_customer_of_an_unregistered_contract_is_treated_as_public(choices, db):
    contract = make_contract(number="55555-ЭС", inn="7415061109", kpp="741501001", name="ООО «Новая»")
    client = client_for(contract)
    contract.registered_at = None
    contract.save()
    page = client.get(NEW)
    assertContains(page, "Направить документы онлайн")
    assertNotContains(page, "ООО «Новая»")


def test_odd_addresses_are_not_found_rather_than_errors(customer_client, staff_client, choices):
    assert customer_client.get("/appeals/documents/99999999999999999999999/").status_code == 404
    assert staff_client.get("/appeals/documents/99999999999999999999999/").status_code == 404
    assert customer_client.get("/appeals/my/" + "9" * 300 + "/").status_code == 404
    assert customer_client.get("/appeals/sent/" + "x" * 500 + "/").status_code == 404


@pytest.mark.parametrize("number", ["2026-00001\x00", "a\x00b", "2026-000001 ", "２０２６-000001"])
def test_an_appeal_number_with_odd_characters_is_not_found(customer_client, contract, choices, number):
    make_appeal(choices, contract=contract)  # 2026-000001 or the like exists
    customer_client.raise_request_exception = False
    assert customer_client.get(reverse("appeals:detail", args=[number])).status_code == 404
