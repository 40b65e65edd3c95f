""" "Направить документы онлайн": the public form, its documents and its guards."""

import hashlib

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from appeals.models import Appeal, AppealDocument, AppealType
from outbox.models import OutgoingMessage
from tests.appeals.conftest import BRANCH_EMAIL, FAKES, SAMPLES, form_data, upload
from tests.conftest import assert_unavailable, errors_on

pytestmark = pytest.mark.django_db

NEW = reverse("appeals:new")


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_form_has_the_manuals_fields_and_button(client, choices):
    page = client.get(NEW)
    for label in [
        "Вид помещения",
        "Наименование организации",
        "Вид обращения",
        "Отделение",
        "Контактный телефон",
        "Адрес электронной почты",
        "Адрес помещения",
        "Текст обращения",
        "Документы",
        "Отправить обращение",
        "Нежилое помещение в МКД",
        "Перерасчет",
        "АО «ЭнСер»",
    ]:
        assertContains(page, label)
    for markup in ['type="file"', "multiple", 'enctype="multipart/form-data"', "csrfmiddlewaretoken"]:
        assertContains(page, markup)


def test_login_page_leads_to_the_public_form(client, db):
    assertContains(client.get(reverse("accounts:login")), NEW)


def test_appeal_with_documents_is_registered_stored_and_acknowledged(client, choices, media_root, fixed_now):
    files = [upload("scan.pdf"), upload("plan.png")]
    response = client.post(NEW, {**form_data(choices), "documents": files})

    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assertContains(client.get(response["Location"]), "Обращение № 2026-000001 зарегистрировано")

    assert appeal.number == "2026-000001"
    assert appeal.contract is None and appeal.created_by is None
    assert appeal.organization_name == "ООО «Ромашка»"
    assert appeal.phone.as_e164 == "+79123456789"
    assert appeal.status == Appeal.Status.NEW
    assert list(appeal.status_changes.values_list("status", flat=True)) == ["new"]

    documents = list(appeal.documents.order_by("original_name"))
    assert [(d.original_name, d.content_type, d.size) for d in documents] == [
        ("plan.png", "image/png", len(SAMPLES["plan.png"])),
        ("scan.pdf", "application/pdf", len(SAMPLES["scan.pdf"])),
    ]
    for document in documents:
        path = media_root / document.file.name
        assert path.read_bytes() == SAMPLES[document.original_name]
        assert document.sha256 == hashlib.sha256(SAMPLES[document.original_name]).hexdigest()
        assert document.original_name not in document.file.name
        assert "." not in path.name  # a random name, no extension from the sender

    acknowledgment, notice = mail.outbox
    assert acknowledgment.to == ["romashka@example.ru"]
    assert acknowledgment.subject == "Обращение № 2026-000001 зарегистрировано"
    # To an address anybody may have typed: our words, the number and the date only.
    assert "2026-000001" in acknowledgment.body and "Перерасчет" in acknowledgment.body
    assert "Документов: 2" in acknowledgment.body
    for typed in ("scan.pdf", "Ромашка", "ул. Ленина", "Прошу сделать"):
        assert typed not in acknowledgment.body and typed not in acknowledgment.alternatives[0][0]
    assert notice.to == [BRANCH_EMAIL]
    assert notice.reply_to == ["romashka@example.ru"]
    assert "2026-000001" in notice.subject
    admin_url = f"http://testserver/admin/appeals/appeal/{appeal.pk}/change/"
    assert admin_url in notice.body
    assert f"http://testserver/appeals/documents/{documents[1].pk}/" in notice.body
    assert "Прошу сделать перерасчет за октябрь." in notice.body
    html = notice.alternatives[0][0]
    assert admin_url in html


def test_confirmation_is_shown_only_to_the_browser_that_sent(client, choices):
    response = client.post(NEW, form_data(choices))
    location = response["Location"]
    assert client.get(location).status_code == 200
    assert Client().get(location).status_code == 404
    assert client.get(location[:-3] + "xx/").status_code == 404
    pk = Appeal.objects.get().pk
    assert client.get(reverse("appeals:sent", args=[str(pk)])).status_code == 404


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_allowed_kind_is_accepted_by_its_content(client, choices, name):
    response = client.post(NEW, {**form_data(choices), "documents": [upload(name)]})
    assert response.status_code == 302, errors_on(response)
    document = AppealDocument.objects.get()
    assert document.original_name == name


def assert_refused(response, media_root, *messages):
    for message in messages:
        assertContains(response, message, status_code=400)
    # The rest of the form stays as typed.
    assertContains(response, 'value="ООО «Ромашка»"', status_code=400)
    assertContains(response, 'value="romashka@example.ru"', status_code=400)
    assertContains(response, "Прошу сделать перерасчет за октябрь.", status_code=400)
    assert Appeal.objects.count() == 0
    assert AppealDocument.objects.count() == 0
    assert stored_files(media_root) == []
    assert mail.outbox == []


@pytest.mark.parametrize("name", sorted(FAKES))
def test_a_file_pretending_to_be_a_document_is_refused(client, choices, media_root, name):
    files = [upload("scan.pdf"), upload(name, FAKES[name])]
    response = client.post(NEW, {**form_data(choices), "documents": files})
    assert_refused(
        response,
        media_root,
        f"Файл «{name}» не является документом допустимого формата",
        "выберите документы снова",
    )
    assertContains(response, 'id="id_documents_error"', status_code=400)


def test_more_than_ten_files_are_refused(client, choices, media_root):
    files = [upload("scan.pdf") for _ in range(11)]
    response = client.post(NEW, {**form_data(choices), "documents": files})
    assert_refused(response, media_root, "Можно приложить не более 10 файлов, выбрано 11.")


def test_ten_files_are_accepted(client, choices):
    files = [upload("scan.pdf") for _ in range(10)]
    assert client.post(NEW, {**form_data(choices), "documents": files}).status_code == 302
    assert AppealDocument.objects.count() == 10


def test_a_file_over_the_size_limit_is_refused(client, choices, media_root, settings):
    settings.APPEAL_MAX_FILE_SIZE = 1000
    big = upload("scan.pdf", SAMPLES["scan.pdf"] + b"0" * 1000)
    response = client.post(NEW, {**form_data(choices), "documents": [upload("plan.png"), big]})
    assert_refused(response, media_root, "Файл «scan.pdf» больше")


def test_files_over_the_total_limit_are_refused(client, choices, media_root, settings):
    settings.APPEAL_MAX_FILE_SIZE = 1000
    settings.APPEAL_MAX_TOTAL_SIZE = 1500
    files = [upload("scan.pdf", SAMPLES["scan.pdf"] + b"0" * 800) for _ in range(2)]
    response = client.post(NEW, {**form_data(choices), "documents": files})
    assert_refused(response, media_root, "Общий размер файлов")


def test_an_empty_file_is_refused(client, choices, media_root):
    response = client.post(NEW, {**form_data(choices), "documents": [upload("scan.pdf", b"")]})
    assert response.status_code == 400
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("phone", "12345", "Введите номер телефона"),
        ("phone", "", "Обязательное поле."),
        ("email", "buh@", "Введите адрес электронной почты"),
        ("email", "", "Обязательное поле."),
        ("consent_personal_data", None, "Без согласия на обработку персональных данных"),
        ("consent_accuracy", None, "Подтвердите достоверность сведений."),
    ],
)
def test_bad_fields_are_refused_next_to_the_field_and_files_asked_again(
    client, choices, media_root, field, value, message
):
    data = form_data(choices, **{field: value})
    response = client.post(NEW, {**data, "documents": [upload("scan.pdf")]})
    if field not in ("phone", "email"):
        assert_refused(response, media_root, message)
    else:
        assertContains(response, 'value="ООО «Ромашка»"', status_code=400)
        assert Appeal.objects.count() == 0 and stored_files(media_root) == []
    assertContains(response, f'id="id_{field}_error"', status_code=400)
    assertContains(response, message, status_code=400)
    assertContains(response, "Файлы не сохранены: выберите документы снова.", status_code=400)


def test_an_appeal_needs_a_message_or_documents(client, choices):
    response = client.post(NEW, form_data(choices, message=""))
    assertContains(response, "Опишите обращение или приложите документы.", status_code=400)
    assert (
        client.post(NEW, {**form_data(choices, message=""), "documents": [upload("scan.pdf")]}).status_code
        == 302
    )


def test_a_hidden_choice_is_not_offered_nor_accepted(client, choices):
    hidden = AppealType.objects.create(name="Устаревший вид", is_active=False)
    assertNotContains(client.get(NEW), "Устаревший вид")
    response = client.post(NEW, form_data(choices, appeal_type=hidden.pk))
    assert response.status_code == 400
    assert Appeal.objects.count() == 0


def test_too_large_a_request_is_answered_413_before_it_is_read(client, choices, settings, media_root):
    settings.APPEAL_MAX_REQUEST_SIZE = 20_000
    big = upload("scan.pdf", SAMPLES["scan.pdf"] + b"0" * 30_000)
    response = client.post(NEW, {**form_data(choices), "documents": [big]})
    assertContains(response, "Слишком большой объем файлов", status_code=413)
    assert Appeal.objects.count() == 0 and stored_files(media_root) == []


def test_too_much_form_text_is_answered_413(client, choices, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(NEW, form_data(choices, message="а" * 3000))
    assert response.status_code == 413
    assert Appeal.objects.count() == 0


def test_honeypot_filled_is_refused_and_nothing_is_saved(client, choices):
    response = client.post(
        NEW, {**form_data(choices, website="http://spam.example"), "documents": [upload("scan.pdf")]}
    )
    assert response.status_code == 400
    assert Appeal.objects.count() == 0
    assert mail.outbox == []


def test_honeypot_is_hidden_from_people(client, choices):
    page = client.get(NEW)
    assertContains(page, 'class="appeal-form__trap" aria-hidden="true"')
    assertContains(page, 'tabindex="-1"')


def test_form_needs_the_csrf_token(choices):
    client = Client(enforce_csrf_checks=True)
    response = client.post(NEW, form_data(choices))
    assert response.status_code == 403
    assert Appeal.objects.count() == 0


def test_sending_is_rate_limited_per_address(client, choices, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "appeal_ip": "2/m"}
    assert client.post(NEW, form_data(choices)).status_code == 302
    assert client.post(NEW, form_data(choices, phone="bad")).status_code == 400
    response = client.post(NEW, form_data(choices))
    assert response.status_code == 429
    assert Appeal.objects.count() == 1
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(NEW, form_data(choices)).status_code == 302


def test_the_public_form_relays_no_text_to_the_address_typed(client, choices):
    """Spam typed into every field reaches only the branch, never the address
    typed into «Электронная почта», which gets our own words."""
    link = "https://evil.example/win"
    client.post(
        NEW,
        form_data(
            choices,
            email="victim@example.org",
            organization_name=f"Вы выиграли! {link}",
            premises_address=f"Заберите приз: {link}",
            message=f"Перейдите по ссылке {link}",
        ),
    )
    acknowledgment, notice = mail.outbox
    assert acknowledgment.to == ["victim@example.org"]
    letter = acknowledgment.body + acknowledgment.subject + acknowledgment.alternatives[0][0]
    assert "evil.example" not in letter and "выиграли" not in letter and "приз" not in letter
    assert link in notice.body  # staff see what was sent


def test_acknowledgments_are_limited_per_recipient(choices, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "appeal_email": "2/d"}
    for index, email in enumerate(["victim@example.org", "Victim@Example.org"]):
        client = Client(REMOTE_ADDR=f"10.0.4.{index}")
        assert client.post(NEW, form_data(choices, email=email)).status_code == 302
    response = Client(REMOTE_ADDR="10.0.4.9").post(NEW, form_data(choices, email="VICTIM@example.org"))
    assert response.status_code == 429
    assert (
        "На этот адрес сегодня уже отправлено много подтверждений обращений. "
        "Укажите другой адрес электронной почты или отправьте обращение завтра."
    ) in errors_on(response)
    assertContains(response, 'value="VICTIM@example.org"', status_code=429)
    assert Appeal.objects.count() == 2 and len(mail.outbox) == 4
    assert Client(REMOTE_ADDR="10.0.4.9").post(NEW, form_data(choices)).status_code == 302


def test_a_letter_that_fails_does_not_lose_the_appeal(client, choices, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = client.post(NEW, form_data(choices), follow=True)
    assertContains(response, "зарегистрировано")
    assert Appeal.objects.count() == 1
    # Both letters wait for the mail server, with its error for staff.
    letters = OutgoingMessage.objects.filter(name__in=["appeal-received-public", "appeal-branch"])
    assert sorted(letters.values_list("state", "attempts")) == [("queued", 1), ("queued", 1)]
    assert all("ConnectionRefusedError" in letter.last_error for letter in letters)


def test_a_flood_of_files_is_refused_without_reading_them(client, choices, media_root):
    files = [upload("scan.pdf") for _ in range(21)]
    response = client.post(NEW, {**form_data(choices), "documents": files})
    assert response.status_code == 400
    assert Appeal.objects.count() == 0 and stored_files(media_root) == []


def test_the_default_limits_hold_at_their_edges(client, choices, media_root):
    mb = 1024 * 1024
    just_over = upload("scan.pdf", SAMPLES["scan.pdf"].ljust(10 * mb + 1, b"0"))
    response = client.post(NEW, {**form_data(choices), "documents": [just_over]})
    assertContains(response, "Файл «scan.pdf» больше 10,0\xa0МБ.", status_code=400)
    at_limit = [upload("scan.pdf", SAMPLES["scan.pdf"].ljust(10 * mb, b"0")) for _ in range(2)]
    assert client.post(NEW, {**form_data(choices), "documents": at_limit}).status_code == 302
    assert sum(p.stat().st_size for p in stored_files(media_root)) == 20 * mb


def test_with_the_cache_down_the_form_answers_503_and_stores_nothing(client, choices, media_root, redis):
    data = form_data(choices)
    with redis.down():
        assert_unavailable(client.post(NEW, {**data, "documents": [upload("scan.pdf")]}))
        assert client.get(NEW).status_code == 200
    assert not Appeal.objects.exists() and not AppealDocument.objects.exists()
    assert stored_files(media_root) == [] and mail.outbox == []
    assert client.post(NEW, data).status_code == 302
