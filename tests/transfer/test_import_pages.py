"""The import page: upload, mapping, preview, start, progress and result, and who may use it."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sessiondesk.scheduling.models import Client
from sessiondesk.transfer.models import ImportRun, RunState
from sessiondesk.worker.identity import worker_name
from sessiondesk.worker.models import WorkerHeartbeat
from tests.conftest import login
from tests.support.worker import run_worker_pass

FILE = b"Full name;E-mail;Time zone\nAnn Archer;ann@example.test;Europe/Paris\nBad;bad;\n"


def _upload(client, kind="clients", data=FILE, **extra):  # type: ignore[no-untyped-def]
    return client.post("/import/", {"kind": kind, "file": SimpleUploadedFile("people.csv", data), **extra})


def test_it_requires_a_manager(client, consultant) -> None:  # type: ignore[no-untyped-def]
    assert login(client, consultant).get("/import/").status_code == 403
    assert _upload(client).status_code == 403
    assert ImportRun.objects.count() == 0


def test_staff_may_not_import_members(client, staff) -> None:  # type: ignore[no-untyped-def]
    response = _upload(login(client, staff), kind="members")
    assert response.status_code == 400
    assert "Choose what the file holds." in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused_with_its_reason(client, owner) -> None:  # type: ignore[no-untyped-def]
    response = _upload(login(client, owner), data="Name,Email\nZoë,z@x.test\n".encode("latin-1"))
    assert response.status_code == 400
    assert "The file is not UTF-8 text (byte 14)" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_a_file_with_a_cell_too_long_to_read_is_refused_with_its_line(client, owner) -> None:  # type: ignore[no-untyped-def]
    login(client, owner)
    long_header = _upload(client, data=b"x" * 200_000 + b",Email\nAnn,ann@x.test\n")
    long_cell = _upload(client, data=b'Name,Email\nAnn,ann@x.test\n"' + b"y" * 200_000 + b'",bo@x.test\n')
    assert (long_header.status_code, long_cell.status_code) == (400, 400)
    limit = "a cell longer than 131,072 characters: is this a table of clients, members or sessions?"
    assert f"Line 1 has {limit}" in long_header.content.decode()
    assert f"Line 3 has {limit}" in long_cell.content.decode()
    assert ImportRun.objects.count() == 0


def test_it_goes_from_upload_to_result(client, owner, org) -> None:  # type: ignore[no-untyped-def]
    login(client, owner)
    response = _upload(client)
    run = ImportRun.objects.get()
    assert response.url == f"/import/{run.pk}/"
    assert run.mapping == {"name": "Full name", "email": "E-mail", "timezone": "Time zone"}
    page = client.get(f"/import/{run.pk}/").content.decode()
    assert '<option value="E-mail" selected>E-mail</option>' in page

    refused = client.post(f"/import/{run.pk}/", {"name": "Full name", "email": ""})
    assert refused.status_code == 400
    assert "No column holds: Email. Map a column to each." in refused.content.decode()

    assert (
        client.post(f"/import/{run.pk}/", {"name": "Full name", "email": "E-mail"}).url
        == f"/import/{run.pk}/preview/"
    )
    preview = client.get(f"/import/{run.pk}/preview/").content.decode()
    assert '<dd data-count="create">1</dd>' in preview
    assert '<dd data-count="reject">1</dd>' in preview
    assert "“bad” is not a valid email address." in preview
    assert Client.objects.count() == 0  # the preview writes nothing

    assert client.post(f"/import/{run.pk}/start/").url == f"/import/{run.pk}/progress/"
    run.refresh_from_db()
    assert run.state == RunState.QUEUED
    assert 'hx-trigger="every 1s"' in client.get(f"/import/{run.pk}/progress/").content.decode()

    assert run_worker_pass("imports") == 1
    run.refresh_from_db()
    assert (run.state, run.done, run.total) == (RunState.DONE, 2, 2)
    assert run.content == ""  # the file is not kept once imported
    assert run.result["counts"] == {"create": 1, "update": 0, "skip": 0, "reject": 1}
    ann = Client.objects.get(org=org)
    assert (ann.email, ann.timezone) == ("ann@example.test", "America/New_York")  # the time zone was unmapped

    polled = client.get(f"/import/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert polled["HX-Redirect"] == f"/import/{run.pk}/result/"
    result = client.get(f"/import/{run.pk}/result/").content.decode()
    assert '<dd data-count="create">1</dd>' in result
    assert "“bad” is not a valid email address." in result
    assert run_worker_pass("imports") == 0  # a run is applied once


def test_another_organisations_run_is_not_found(client, owner, outsider) -> None:  # type: ignore[no-untyped-def]
    _upload(login(client, outsider))
    run = ImportRun.objects.get()
    login(client, owner)
    for path in ("", "preview/", "progress/", "result/"):
        assert client.get(f"/import/{run.pk}/{path}").status_code == 404
    assert client.post(f"/import/{run.pk}/start/").status_code == 404
    run.refresh_from_db()
    assert run.state == RunState.UPLOADED


def test_a_run_whose_worker_died_is_taken_again_and_finishes(client, owner, org) -> None:  # type: ignore[no-untyped-def]
    _upload(login(client, owner))
    run = ImportRun.objects.get()
    gone = timezone.now() - dt.timedelta(seconds=1)
    ImportRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, lease_until=gone)
    assert run_worker_pass("imports") == 1
    run.refresh_from_db()
    assert (run.state, run.result["counts"]["create"]) == (RunState.DONE, 1)
    assert WorkerHeartbeat.objects.filter(name=worker_name()).exists()  # beaten during the run


def test_a_running_run_with_a_live_lease_is_left_alone(client, owner) -> None:  # type: ignore[no-untyped-def]
    _upload(login(client, owner))
    ImportRun.objects.update(state=RunState.RUNNING, lease_until=timezone.now() + dt.timedelta(minutes=1))
    assert run_worker_pass("imports") == 0
    assert Client.objects.count() == 0


def test_the_settings_page_links_imports_and_downloads_by_role(client, owner, consultant) -> None:  # type: ignore[no-untyped-def]
    page = login(client, owner).get("/settings/").content.decode()
    for url in ("/import/", "/sessions/export.csv", "/members/export.csv", "/settings/export.json"):
        assert f'href="{url}"' in page
    page = login(client, consultant).get("/settings/").content.decode()
    assert 'href="/sessions/export.csv"' in page
    assert 'href="/clients/export.csv"' in page
    for url in ("/import/", "/members/export.csv", "/audit/export.csv", "/settings/export.json"):
        assert f'href="{url}"' not in page


def test_a_run_without_its_file_fails_with_a_reason_instead_of_looping(client, owner) -> None:  # type: ignore[no-untyped-def]
    _upload(login(client, owner))
    ImportRun.objects.update(state=RunState.QUEUED, content="")
    assert run_worker_pass("imports") == 1
    run = ImportRun.objects.get()
    assert (run.state, run.error) == (RunState.FAILED, "The file is empty.")
    assert run_worker_pass("imports") == 0
    assert Client.objects.count() == 0
    assert "The file is empty." in client.get(f"/import/{run.pk}/result/").content.decode()
