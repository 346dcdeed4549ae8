"""Importing clients and members: the preview, the rejections, the dry run and the re-import."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sessiondesk.accounts import audit_sentences
from sessiondesk.accounts.models import AuditEntry, Member, Role, User
from sessiondesk.notifications.models import OutboundEmail
from sessiondesk.scheduling.models import Client
from sessiondesk.transfer import imports
from tests.transfer.helpers import csv_bytes, table

CLIENTS_FILE = (
    "Name,Email,Phone,Time zone,Notes",
    "Ann Archer,ANN@example.test,+1 555 0101,Europe/Paris,Prefers mornings",
    "Bo Baker,bo@example.test,,,",
)


def _run(org, kind, tbl, actor=None, **kwargs):  # type: ignore[no-untyped-def]
    return imports.run(org, kind, tbl, None, actor=actor, **kwargs)


def test_it_creates_clients_and_records_the_import(org, owner) -> None:  # type: ignore[no-untyped-def]
    result = _run(org, "clients", table(*CLIENTS_FILE), actor=owner, filename="clients.csv")
    assert result.counts == {"create": 2, "update": 0, "skip": 0, "reject": 0}
    ann = Client.objects.get(org=org, email="ann@example.test")
    assert (ann.name, ann.phone, ann.timezone, ann.notes, ann.created_by) == (
        "Ann Archer",
        "+1 555 0101",
        "Europe/Paris",
        "Prefers mornings",
        owner,
    )
    assert Client.objects.get(org=org, email="bo@example.test").timezone == org.timezone
    entry = AuditEntry.objects.get(org=org, action="import.applied")
    assert entry.actor == owner
    assert entry.detail == {
        "kind": "clients",
        "file": "clients.csv",
        "lines": "2–3",
        "create": 2,
        "update": 0,
        "skip": 0,
        "reject": 0,
    }
    assert audit_sentences.sentence(entry, "UTC") == (
        "Olivia Owner imported clients from clients.csv (lines 2–3): 2 created, 0 updated."
    )


def test_importing_the_same_clients_again_changes_nothing(org) -> None:  # type: ignore[no-untyped-def]
    _run(org, "clients", table(*CLIENTS_FILE))
    audits = AuditEntry.objects.count()
    again = _run(org, "clients", table(*CLIENTS_FILE))
    assert again.counts == {"create": 0, "update": 0, "skip": 2, "reject": 0}
    assert Client.objects.filter(org=org).count() == 2
    assert AuditEntry.objects.count() == audits


def test_a_known_email_updates_only_what_the_file_gives(org, student) -> None:  # type: ignore[no-untyped-def]
    result = _run(org, "clients", table("email,name,phone", "STU@example.test,Stuart Student,"))
    assert result.counts["update"] == 1
    student.refresh_from_db()
    assert (student.name, student.phone, student.timezone) == ("Stuart Student", "+1 555 0100", "Asia/Tokyo")


def test_it_rejects_client_rows_with_their_reasons(org, student) -> None:  # type: ignore[no-untyped-def]
    tbl = table(
        "name,email,timezone",
        "No Mail,,",
        "Bad Mail,not-an-email,",
        ",noname@example.test,",
        "Zoned,zoned@example.test,Mars/Olympus",
        "Twice,twice@example.test,",
        "Twice Again,TWICE@example.test,",
        "Fine,fine@example.test,",
    )
    plan = imports.preview(org, "clients", tbl, None, actor=None)
    assert [(r["line"], r["reason"]) for r in plan.rejected] == [
        (2, "No email address."),
        (3, "“not-an-email” is not a valid email address."),
        (4, "No name."),
        (5, "Unknown time zone “Mars/Olympus”; use an IANA name such as Europe/Paris."),
        (7, "The same email address as line 6."),
    ]
    assert plan.counts == {"create": 2, "update": 0, "skip": 0, "reject": 5}
    assert Client.objects.filter(org=org).count() == 1  # a preview writes nothing


def test_the_dry_run_command_writes_nothing(org, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "clients.csv"
    path.write_bytes(csv_bytes(*CLIENTS_FILE, "Bad,bad,", sep=";", bom=True))
    before = (Client.objects.count(), AuditEntry.objects.count(), User.objects.count())
    out = StringIO()
    call_command("import", "clients", str(path), "--org", org.slug, "--dry-run", stdout=out)
    assert out.getvalue() == (
        "Would import clients: 2 to create, 0 to update, 0 unchanged, 1 rejected.\n"
        "  line 4 (bad): “bad” is not a valid email address.\n"
        "Dry run: nothing was written.\n"
    )
    assert (Client.objects.count(), AuditEntry.objects.count(), User.objects.count()) == before


def test_the_command_imports_and_names_what_it_did(org, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "clients.csv"
    path.write_bytes(csv_bytes(*CLIENTS_FILE))
    out = StringIO()
    call_command("import", "clients", str(path), "--org", org.slug, stdout=out)
    assert out.getvalue() == "Imported clients: 2 created, 0 updated, 0 unchanged, 0 rejected.\n"
    assert Client.objects.filter(org=org).count() == 2


def test_the_command_refuses_an_unknown_org_and_a_missing_column(org, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "clients.csv"
    path.write_bytes(csv_bytes("name,phone", "Ann,1"))
    with pytest.raises(CommandError) as unknown:
        call_command("import", "clients", str(path), "--org", "nope")
    assert str(unknown.value) == "No organisation with slug 'nope'."
    with pytest.raises(CommandError) as absent:
        call_command("import", "clients", str(path), "--org", org.slug)
    assert str(absent.value) == "No column holds: Email. Map a column to each."
    assert Client.objects.count() == 0


MEMBERS_FILE = (
    "name;email;role;timezone",
    "Tina Tutor;tina@acme.test;tutor;Europe/Berlin",
    "Sid Scheduler;sid@acme.test;Staff;",
)


def test_it_adds_members_without_passwords_or_emails(org, owner) -> None:  # type: ignore[no-untyped-def]
    result = _run(org, "members", table(*MEMBERS_FILE, sep=";"), actor=owner)
    assert result.counts == {"create": 2, "update": 0, "skip": 0, "reject": 0}
    tina = Member.objects.get(org=org, user__email="tina@acme.test")
    assert (tina.role, tina.name, tina.timezone, tina.user.has_usable_password()) == (
        Role.CONSULTANT,
        "Tina Tutor",
        "Europe/Berlin",
        False,
    )
    assert Member.objects.get(org=org, user__email="sid@acme.test").role == Role.STAFF
    assert OutboundEmail.objects.count() == 0


def test_invite_emails_each_new_member_a_link_to_choose_a_password(org, owner) -> None:  # type: ignore[no-untyped-def]
    _run(org, "members", table(*MEMBERS_FILE, sep=";"), actor=owner, invite=True)
    emails = OutboundEmail.objects.order_by("to")
    assert [e.to for e in emails] == ["sid@acme.test", "tina@acme.test"]
    assert emails[1].subject == "Olivia Owner added you to Acme Tutoring on SessionDesk"
    assert "/password-reset/" in emails[1].body_text
    assert emails[1].body_text.startswith(
        "Hello Tina Tutor,\n\nOlivia Owner added you to Acme Tutoring on SessionDesk."
    )


def test_a_person_of_another_org_joins_with_their_own_account(org, outsider) -> None:  # type: ignore[no-untyped-def]
    _run(org, "members", table("name,email", "Rita R,rita@rival.test"))
    assert Member.objects.get(org=org, user__email="rita@rival.test").user == outsider.user
    assert User.objects.filter(email="rita@rival.test").count() == 1


def test_importing_the_same_members_again_changes_nothing(org, consultant) -> None:  # type: ignore[no-untyped-def]
    _run(org, "members", table(*MEMBERS_FILE, sep=";"))
    again = _run(
        org, "members", table(*MEMBERS_FILE, "Carla,carla@acme.test,admin,".replace(",", ";"), sep=";")
    )
    assert again.counts == {"create": 0, "update": 0, "skip": 3, "reject": 0}
    assert Member.objects.get(pk=consultant.pk).role == Role.CONSULTANT


def test_it_rejects_member_rows_with_their_reasons(org, admin) -> None:  # type: ignore[no-untyped-def]
    tbl = table(
        "name,email,role",
        "Bad,bad@,consultant",
        ",noname@acme.test,",
        "Who,who@acme.test,wizard",
        "Boss,boss@acme.test,owner",
    )
    plan = imports.preview(org, "members", tbl, None, actor=admin)
    assert [(r["line"], r["reason"]) for r in plan.rejected] == [
        (2, "“bad@” is not a valid email address."),
        (3, "No name."),
        (4, "Unknown role “wizard”; use owner, admin, consultant or staff."),
        (5, "Only an owner can make someone an owner."),
    ]
    assert Member.objects.filter(org=org).count() == 2
