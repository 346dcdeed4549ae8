"""The development mailbox: an email backend that keeps each message in the database."""

from django.core.mail.backends.base import BaseEmailBackend

from sessiondesk.lib.digits import is_id
from sessiondesk.notifications.models import MailboxMessage
from sessiondesk.notifications.sender import ORG_HEADER, SESSION_HEADER


def _id(value: str) -> int | None:
    return int(value) if is_id(value) else None


class MailboxBackend(BaseEmailBackend):
    """Used when DEV_MAILBOX is on (``sessiondesk up``); the messages appear on /dev/mailbox/."""

    def send_messages(self, email_messages) -> int:
        rows = [
            MailboxMessage(
                to=", ".join(message.recipients()),
                from_email=message.from_email,
                subject=str(message.subject)[:300],
                raw=message.message().as_string(),
                org_id=_id(message.extra_headers.get(ORG_HEADER, "")),
                session_id=_id(message.extra_headers.get(SESSION_HEADER, "")),
            )
            for message in email_messages
        ]
        MailboxMessage.objects.bulk_create(rows)
        return len(rows)
