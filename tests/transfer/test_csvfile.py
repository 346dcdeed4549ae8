import pytest

from sessiondesk.transfer.columns import CLIENTS, SESSIONS, match, missing
from sessiondesk.transfer.csvfile import read
from sessiondesk.transfer.errors import TransferError
from tests.transfer.helpers import csv_bytes


def test_it_reads_commas_and_semicolons_with_or_without_a_bom() -> None:
    for sep in (",", ";"):
        for bom in (False, True):
            table = read(csv_bytes("Name|Email", "Zoë Müller|zoe@example.test", sep=sep, bom=bom))
            assert table.headers == ["Name", "Email"]
            assert table.rows == [(2, {"Name": "Zoë Müller", "Email": "zoe@example.test"})]


def test_it_keeps_quoted_separators_and_skips_blank_lines() -> None:
    table = read(b'name;notes\n"Ann";"likes a, b; c"\n\n;\nBo;x\n')
    assert table.rows == [(2, {"name": "Ann", "notes": "likes a, b; c"}), (5, {"name": "Bo", "notes": "x"})]


def test_it_refuses_text_that_is_not_utf8() -> None:
    with pytest.raises(TransferError) as refused:
        read("Name,Email\nZoë,zoe@example.test\n".encode("latin-1"))
    assert (
        refused.value.message == "The file is not UTF-8 text (byte 14); save it as “CSV UTF-8” and try again."
    )


def test_it_refuses_an_empty_file() -> None:
    with pytest.raises(TransferError) as refused:
        read(b"\xef\xbb\xbf  \n")
    assert refused.value.message == "The file is empty."


def test_it_matches_a_spreadsheets_own_headers() -> None:
    headers = ["Full Name", "E-mail", "Phone Number", "Time Zone", "Comments"]
    assert match(CLIENTS, headers) == {
        "name": "Full Name",
        "email": "E-mail",
        "phone": "Phone Number",
        "timezone": "Time Zone",
        "notes": "Comments",
    }


def test_it_recognises_calendly_invitee_columns() -> None:
    headers = ["Invitee Name", "Invitee Email", "Invitee Time Zone", "Text Reminder Number"]
    assert match(CLIENTS, headers) == {
        "name": "Invitee Name",
        "email": "Invitee Email",
        "timezone": "Invitee Time Zone",
        "phone": "Text Reminder Number",
    }


def test_it_recognises_calcom_booking_fields() -> None:
    headers = ["uid", "title", "description", "startTime", "endTime", "location", "status", "host email"]
    assert match(SESSIONS, headers) == {
        "external_id": "uid",
        "title": "title",
        "agenda": "description",
        "start": "startTime",
        "end": "endTime",
        "location": "location",
        "status": "status",
        "consultant": "host email",
    }


def test_it_names_the_required_fields_no_column_holds() -> None:
    assert missing(SESSIONS, match(SESSIONS, ["title", "start"])) == ["Consultant email"]
    assert missing(SESSIONS, {"consultant": "c", "date": "d", "time": "t"}) == []
    assert missing(CLIENTS, {"first_name": "f", "email": "e"}) == []
