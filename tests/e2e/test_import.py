"""An admin imports a sessions file: upload, column mapping, preview, progress, result — in Chromium."""

import re

import pytest

from sessiondesk.scheduling.models import Client, Session
from sessiondesk.transfer.models import ImportRun, RunState
from tests.e2e.test_first_booking import log_in
from tests.support.worker import run_worker_pass
from tests.transfer.helpers import local, next_weekday

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_it_takes_a_file_from_upload_to_the_result(live_server, new_page, shot, owner, consultant, tmp_path):
    base = live_server.url
    Client.objects.create(org=owner.org, name="Stu Student", email="stu@example.test")
    monday = next_weekday(0, 15, "America/New_York")
    path = tmp_path / "timetable.csv"
    path.write_text(
        "Ref;Subject;Kind;Tutor;Student;Starts;Minutes\n"
        f"T1;Algebra;Lesson;carla@acme.test;stu@example.test;{local(monday)};45\n"
        f"T2;Chemistry;Lesson;nobody@acme.test;stu@example.test;{local(monday)};45\n",
        encoding="utf-8-sig",
    )

    page = new_page()
    log_in(page, base, owner.email)
    page.goto(f"{base}/settings/")
    page.get_by_role("link", name="Import from a CSV file").click()
    page.wait_for_url(f"{base}/import/")
    page.get_by_label("The file holds").select_option("sessions")
    page.get_by_label("CSV file").set_input_files(str(path))
    shot(page, "import-01-upload")
    page.get_by_role("button", name="Upload and map the columns").click()
    page.wait_for_url(re.compile(r"/import/\d+/$"))

    # Recognised: Ref, Subject, Tutor, Student; "Kind", "Starts" and "Minutes" are mapped by hand.
    assert page.get_by_label("External id").input_value() == "Ref"
    assert page.get_by_label("Consultant email").input_value() == "Tutor"
    assert page.get_by_label("Client emails").input_value() == "Student"
    page.get_by_label("Session type").select_option("Kind")
    page.get_by_label("Start", exact=True).select_option("Starts")
    page.get_by_label("Duration (minutes)").select_option("Minutes")
    shot(page, "import-02-mapping")
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_url(re.compile(r"/import/\d+/preview/$"))
    assert page.locator('[data-count="create"]').inner_text() == "1"
    assert page.locator('[data-count="reject"]').inner_text() == "1"
    assert "Unknown consultant nobody@acme.test" in page.locator(".import-rejected").inner_text()
    shot(page, "import-03-preview")
    assert Session.objects.count() == 0

    page.get_by_role("button", name="Import 1 row").click()
    page.wait_for_url(re.compile(r"/import/\d+/progress/$"))
    page.locator("#import-progress progress").wait_for()
    shot(page, "import-04-progress")
    run = ImportRun.objects.get()
    assert run.state == RunState.QUEUED

    assert run_worker_pass("imports") == 1  # the worker, inline
    page.wait_for_url(re.compile(r"/import/\d+/result/$"))  # the progress poll moves on by itself
    assert page.locator('[data-count="create"]').inner_text() == "1"
    assert "Unknown consultant nobody@acme.test" in page.locator(".import-rejected").inner_text()
    shot(page, "import-05-result")

    session = Session.objects.get()
    assert (session.title, session.consultant, int(session.duration.total_seconds() // 60)) == (
        "Algebra",
        consultant,
        45,
    )


def test_a_missing_choice_is_caught_before_the_upload_and_the_file_kept(  # type: ignore[no-untyped-def]
    live_server, new_page, owner, tmp_path
):
    """Without "The file holds", the browser refuses the form before sending it, so the file already
    chosen stays chosen (a round trip to the server would lose it)."""
    path = tmp_path / "people.csv"
    path.write_text("Name,Email\nAnn Archer,ann@example.test\n", encoding="utf-8")
    page = new_page()
    log_in(page, live_server.url, owner.email)
    page.goto(f"{live_server.url}/import/")
    page.get_by_label("CSV file").set_input_files(str(path))
    uploads = []
    page.on("request", lambda request: uploads.append(request.url) if request.method == "POST" else None)

    page.get_by_role("button", name="Upload and map the columns").click()
    page.wait_for_timeout(500)

    assert uploads == []
    assert page.url == f"{live_server.url}/import/"
    assert page.locator("#import-kind").evaluate("select => select.validity.valueMissing") is True
    assert page.get_by_label("CSV file").evaluate("input => input.files[0].name") == "people.csv"
    page.get_by_label("The file holds").select_option("clients")
    page.get_by_role("button", name="Upload and map the columns").click()
    page.wait_for_url(re.compile(r"/import/\d+/$"))
    assert ImportRun.objects.get().filename == "people.csv"


def test_the_preview_keeps_an_ordinary_address_on_one_line(live_server, new_page, owner, tmp_path):  # type: ignore[no-untyped-def]
    """The row's label (here an email) beside a long reason: the table once squeezed the label's
    column until "cara@example.test" broke mid-word."""
    path = tmp_path / "people.csv"
    path.write_text("Name,Email,Time zone\nCara Diaz,cara.diaz@example.test,Mars/Base\n", encoding="utf-8")
    page = new_page()
    log_in(page, live_server.url, owner.email)
    page.goto(f"{live_server.url}/import/")
    page.get_by_label("The file holds").select_option("clients")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and map the columns").click()
    page.wait_for_url(re.compile(r"/import/\d+/$"))
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_url(re.compile(r"/import/\d+/preview/$"))

    label = page.locator(".import-rejected tbody td:nth-child(2)")
    assert label.inner_text() == "cara.diaz@example.test"
    lines = label.evaluate(
        "cell => { const r = document.createRange(); r.selectNodeContents(cell); return r.getClientRects().length; }"
    )
    assert lines == 1
