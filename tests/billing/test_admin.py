"""Staff see every import in admin and upload billing's files there: the
upload is a queued ImportRun, loaded by the worker's job."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from accounts.models import Contract, User
from billing.models import ImportRun
from billing.services import import_run_progress
from settlements.models import Invoice
from tests.billing.conftest import DATA, KIND_FILES, edited, run_import, set_cell
from tests.conftest import staff_client_for
from tests.queue import queued_jobs_run

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:billing_importrun_upload")


@pytest.fixture
def staff_client(db, settings, tmp_path) -> Client:
    settings.MEDIA_ROOT = tmp_path / "media"
    admin = User.objects.create_superuser(username="staff", password="x-Staff-2024", email="s@example.ru")
    return staff_client_for(admin)


def uploads(folder=DATA) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, (folder / name).read_bytes(), "text/csv") for name in KIND_FILES]


def test_the_run_list_and_page_read_in_russian(staff_client, sample):
    run_import(sample)
    run = ImportRun.objects.get()
    page = staff_client.get(reverse("admin:billing_importrun_changelist"))
    for text in ["Загрузки данных биллинга", "загружено", "Загрузить файлы биллинга", "invoices.csv"]:
        assertContains(page, text)
    detail = staff_client.get(reverse("admin:billing_importrun_change", args=[run.pk]))
    for text in ["начисления", "без изменений", run.files[0]["sha256"], "import_billing", "Длительность"]:
        assertContains(detail, text)
    assertContains(detail, "<h1>Загрузка данных биллинга</h1>", html=True)
    assertNotContains(detail, "Просмотреть загрузка")
    # A record of what happened: nobody edits or deletes it.
    assertNotContains(detail, 'name="_save"')
    assert (
        staff_client.post(
            reverse("admin:billing_importrun_delete", args=[run.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_a_failed_run_shows_its_errors(staff_client, tmp_path):
    folder = edited(tmp_path, "payments.csv", lambda h, rows: set_cell(h, rows, 3, "amount", "x"))
    with pytest.raises(Exception, match="payments"):
        run_import(folder)
    run = ImportRun.objects.get()
    detail = staff_client.get(reverse("admin:billing_importrun_change", args=[run.pk]))
    assertContains(detail, "ошибка")
    assertContains(detail, "payments.csv:3, столбец «amount»: «x» не число")


def test_billing_contacts_are_read_only_in_admin(staff_client, sample):
    run_import(sample)
    contract = Contract.objects.get(number="12345-ЭС")
    page = staff_client.get(reverse("admin:accounts_contract_change", args=[contract.pk]))
    assertContains(page, "buh@teplomontazh.ru")
    assertContains(page, "-mail из биллинга")
    assertNotContains(page, 'name="billing_email"')
    assertNotContains(page, 'name="billing_phone"')


def test_an_upload_is_loaded_by_the_job(staff_client):
    response = staff_client.post(UPLOAD, {"files": uploads()})
    run = ImportRun.objects.get()
    assertRedirects(
        response, reverse("admin:billing_importrun_change", args=[run.pk]), fetch_redirect_response=False
    )
    assert run.state == ImportRun.State.QUEUED
    assert not Invoice.objects.exists()
    assertContains(staff_client.get(reverse("admin:billing_importrun_change", args=[run.pk])), "в очереди")

    assert queued_jobs_run() == 1
    run.refresh_from_db()
    assert run.state == ImportRun.State.SUCCEEDED, run.errors
    assert run.started_by.username == "staff"
    assert run.counts["invoices"]["created"] == 6
    assert sorted(f["name"] for f in run.files) == sorted(KIND_FILES)
    assert Invoice.objects.count() == 6
    detail = staff_client.get(reverse("admin:billing_importrun_change", args=[run.pk]))
    assertContains(detail, "загружено")
    assertContains(detail, "<th>начисления</th><td>6</td>", html=False)


def test_a_running_import_shows_how_far_it_got(staff_client):
    staff_client.post(UPLOAD, {"files": uploads()})
    run = ImportRun.objects.get()
    queued_jobs_run()
    # The job told its progress as it read each file: the last one read.
    assert import_run_progress(run=run) == "показания: readings.csv, прочитано строк: 4"
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.RUNNING)
    page = staff_client.get(reverse("admin:billing_importrun_change", args=[run.pk]))
    assertContains(page, "Ход загрузки")
    assertContains(page, "показания: readings.csv, прочитано строк: 4")


def test_the_same_files_again_are_refused_unless_confirmed(staff_client):
    staff_client.post(UPLOAD, {"files": uploads()})
    queued_jobs_run()
    again = staff_client.post(UPLOAD, {"files": uploads()})
    assert again.status_code == 200
    assertContains(again, "Эти файлы уже загружены: загрузка №")
    assert ImportRun.objects.count() == 1

    confirmed = staff_client.post(UPLOAD, {"files": uploads(), "confirm": "on"})
    assert confirmed.status_code == 302
    assert queued_jobs_run() == 1
    second = ImportRun.objects.order_by("pk").last()
    assert second.state == ImportRun.State.SUCCEEDED
    assert second.counts["invoices"] == {"created": 0, "updated": 0, "unchanged": 6, "skipped": 0}


def test_other_files_are_not_refused(staff_client, tmp_path):
    staff_client.post(UPLOAD, {"files": uploads()})
    queued_jobs_run()
    changed = edited(tmp_path, "payments.csv", lambda h, rows: set_cell(h, rows, 2, "amount", "5100,00"))
    assert staff_client.post(UPLOAD, {"files": uploads(changed)}).status_code == 302
    queued_jobs_run()
    assert ImportRun.objects.order_by("pk").last().counts["payments"]["updated"] == 1


def test_a_bad_upload_fails_on_its_page(staff_client, tmp_path):
    folder = edited(tmp_path, "invoices.csv", lambda h, rows: set_cell(h, rows, 4, "total", "1,00"))
    staff_client.post(UPLOAD, {"files": uploads(folder)})
    queued_jobs_run()
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED
    assert not Invoice.objects.exists()
    assertContains(
        staff_client.get(reverse("admin:billing_importrun_change", args=[run.pk])),
        "invoices.csv:4, столбец «total»",
    )


def test_the_upload_page_needs_files(staff_client):
    page = staff_client.get(UPLOAD)
    assertContains(page, "Загрузить файлы биллинга")
    assertContains(page, 'type="file"')
    assertContains(staff_client.post(UPLOAD, {}), "Обязательное поле")
    assert not ImportRun.objects.exists()


def test_customers_cannot_reach_the_upload(customer_client):
    response = customer_client.get(UPLOAD)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
