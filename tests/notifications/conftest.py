"""Fixtures for notification tests: a booked session, a real SMTP server on localhost, and the Zoom
emulator in-process (the fixture the Zoom tests use)."""

import logging

import pytest
from aiosmtpd.controller import Controller

from sessiondesk.accounts.models import Member
from sessiondesk.scheduling.models import Client, Session, SessionType
from tests.integrations.zoom.conftest import zoom
from tests.notifications.helpers import Inbox, book, free_port, smtp_mailers

__all__ = ["zoom"]


@pytest.fixture
def session(consultant: Member, student: Client, lesson: SessionType) -> Session:
    return book(consultant, [student], lesson)


@pytest.fixture
def smtp(settings) -> Inbox:
    """A real SMTP server on localhost, with Django's SMTP backend pointed at it."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = smtp_mailers(controller.port)
    yield inbox
    controller.stop()
