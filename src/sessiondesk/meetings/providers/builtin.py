"""Providers that need no outside service: no meeting at all, and a link the organiser pasted."""

from typing import Any

from sessiondesk.meetings.models import MeetingLink
from sessiondesk.meetings.providers.base import Meeting, MeetingProvider, ProviderError
from sessiondesk.scheduling.models import Session


class NoMeetingProvider(MeetingProvider):
    name = "none"
    label = "No online meeting"
    external = False

    def build_payload(self, session: Session) -> dict[str, Any]:
        return {}

    def create(self, link: MeetingLink, payload: dict[str, Any]) -> Meeting:
        return Meeting()

    def update(self, link: MeetingLink, payload: dict[str, Any]) -> Meeting:
        return Meeting()

    def delete(self, link: MeetingLink) -> int | None:
        return None


class CustomLinkProvider(MeetingProvider):
    """The session's own ``custom_meeting_url`` is the meeting; applying it calls nobody."""

    name = "custom"
    label = "Custom link"
    external = False

    def build_payload(self, session: Session) -> dict[str, Any]:
        consultant = session.consultant
        return {
            "join_url": session.custom_meeting_url,
            "host": consultant.name,
            "host_member_id": consultant.pk,
        }

    def create(self, link: MeetingLink, payload: dict[str, Any]) -> Meeting:
        if not payload["join_url"]:
            raise ProviderError(
                "The session has no meeting link.",
                permanent=True,
                remedy="Edit the session and paste the meeting link, or choose another meeting provider.",
            )
        return Meeting(
            join_url=payload["join_url"], host_label=payload["host"], host_member_id=payload["host_member_id"]
        )

    def update(self, link: MeetingLink, payload: dict[str, Any]) -> Meeting:
        return self.create(link, payload)

    def delete(self, link: MeetingLink) -> int | None:
        return None
