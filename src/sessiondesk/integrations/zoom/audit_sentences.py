"""The audit log's sentences for Zoom's actions (registered with ``accounts.audit_sentences``)."""

from sessiondesk.accounts.audit_sentences import Sentence, Told
from sessiondesk.integrations.zoom.models import AdminMode, ConnectionKind

ACCESS: dict[str, str] = {
    AdminMode.READ_WRITE.value: "with read/write access to its Zoom users",
    AdminMode.READ_ONLY.value: "with read-only access to its Zoom users",
}


def _account(told: Told) -> str:
    if told.get("kind") == ConnectionKind.ORGANIZATION:
        return "the organisation's Zoom account"
    return "their own Zoom account" if told.own else f"{told.thing}'s Zoom account"


def _connected(verb: str) -> Sentence:
    def write(told: Told) -> str:
        access = ACCESS.get(told.get("admin_mode"), "")
        return f"{told.who} {verb} {_account(told)}" + (f", {access}" if access else "") + "."

    return write


def _admin_mode(told: Told) -> str:
    access = ACCESS.get(told.get("admin_mode"), "")
    return f"{told.who} set the organisation's Zoom account to work {access}."


def _whose_data(told: Told) -> str:
    return "their" if told.own else f"{told.thing}'s"


def _data_deleted(told: Told) -> str:
    count = int(told.detail.get("connections") or 0)
    connections = "1 connection" if count == 1 else f"{count} connections"
    return f"{told.who} deleted {_whose_data(told)} Zoom data ({connections})."


SENTENCES: dict[str, Sentence] = {
    "zoom.connected": _connected("connected"),
    "zoom.reconnected": _connected("reconnected"),
    "zoom.disconnected": lambda t: f"{t.who} disconnected {_account(t)}.",
    "zoom.admin_mode_changed": _admin_mode,
    "zoom.meeting_policy_changed": lambda t: f"{t.who} changed the Zoom meeting policy.",
    "zoom.needs_reconnect": lambda t: "A Zoom connection stopped working and needs to be connected again.",
    "zoom.deauthorized": lambda t: (
        "Zoom reported that a Zoom account removed SessionDesk; its connection ended."
    ),
    "zoom.data_compliance": lambda t: (
        "SessionDesk confirmed to Zoom that a removed Zoom account's data is deleted."
    ),
    "zoom.data_deletion_requested": lambda t: f"{t.who} asked to delete {_whose_data(t)} Zoom data.",
    "zoom.data_deleted": _data_deleted,
    "zoom.link_released": lambda t: f"{t.who} freed the Zoom user held by {t.get('holder')}.",
    "meeting.deleted_in_zoom": lambda t: f"The Zoom meeting of the session “{t.thing}” was deleted in Zoom.",
    "meeting.changed_in_zoom": lambda t: f"The Zoom meeting of the session “{t.thing}” was changed in Zoom.",
}

AREAS = {"zoom": "Zoom", "zoom_directory": "Zoom directory"}
