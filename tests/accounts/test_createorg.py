import re

import pytest
from django.core.management import CommandError, call_command

from sessiondesk.accounts.models import Member, Organization
from sessiondesk.scheduling.models import SessionType


def test_it_creates_an_organisation_with_its_owner(db, capsys):
    call_command(
        "createorg",
        "--name",
        "Bright Minds",
        "--slug",
        "bright",
        "--owner-email",
        "Bea@Bright.test",
        "--owner-name",
        "Bea Bright",
        "--password",
        "a-long-owner-pass",
        "--timezone",
        "Europe/Dublin",
    )

    org = Organization.objects.get(slug="bright")
    assert (org.name, org.timezone) == ("Bright Minds", "Europe/Dublin")
    owner = Member.objects.get(org=org)
    assert (owner.role, owner.email, owner.name) == ("owner", "bea@bright.test", "Bea Bright")
    assert owner.user.check_password("a-long-owner-pass")
    assert list(SessionType.objects.filter(org=org).values_list("name", flat=True)) == [
        "Consultation",
        "Interview",
        "Lesson",
        "Onboarding",
    ]
    assert "Created Bright Minds (bright) with owner bea@bright.test." in capsys.readouterr().out


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--timezone", "Mars/Olympus", "Unknown time zone 'Mars/Olympus'"),
        ("--slug", "not a slug", "Enter a valid “slug”"),
        ("--owner-email", "bea-at-bright", "Enter a valid email address."),
    ],
)
def test_it_refuses_bad_input_and_creates_nothing(db, option, value, message):
    args = {
        "--name": "Bright Minds",
        "--slug": "bright",
        "--owner-email": "bea@bright.test",
        "--owner-name": "Bea",
        "--password": "a-long-owner-pass",
        option: value,
    }

    with pytest.raises(CommandError, match=message):
        call_command("createorg", *[part for pair in args.items() for part in pair])

    assert Organization.objects.count() == 0


def test_it_refuses_a_taken_slug(owner):
    with pytest.raises(CommandError, match=re.escape("An organisation with slug 'acme' already exists.")):
        call_command(
            "createorg",
            "--name",
            "Acme Two",
            "--slug",
            "acme",
            "--owner-email",
            "x@acme2.test",
            "--owner-name",
            "X",
            "--password",
            "a-long-owner-pass",
        )

    assert Organization.objects.count() == 1
