"""Connecting on first use: a member who saves an online session that only their own (not yet
connected) account could host is sent to connect it, and what they filled in comes back with them.

The page turns its form data into a draft (``draft_of``) and asks the provider for the way to
connect (``MeetingProvider.connect_url``), which keeps the draft with the connection attempt. Once
connected, the provider hands the draft back to this browser session (``hand_back``) and returns to
the page (at ``return_to``), which takes it (``take``) and saves it as if it had just been posted.
The draft stays until the page saves it (``done``) or the person opens the page afresh, so a reload
after a refusal shows the same form again.
"""

from typing import Any

from django.http import HttpRequest, QueryDict

SESSION_KEY = "meetings.first_use.draft"
FORM = "session_form"
RESUME = "resume"


def draft_of(form_data: QueryDict) -> dict[str, Any]:
    return {FORM: {k: form_data.getlist(k) for k in form_data if k != "csrfmiddlewaretoken"}}


def hand_back(request: HttpRequest, draft: dict[str, Any]) -> None:
    request.session[SESSION_KEY] = draft


def return_to(path: str) -> str:
    """The page's address to come back to; opened with this marker it takes the kept draft."""
    return f"{path}?{RESUME}=1"


def take(request: HttpRequest) -> QueryDict | None:
    """The form data handed back by a connection, None when there is none. Opening the page without
    the marker abandons it."""
    if RESUME not in request.GET:
        done(request)
        return None
    draft = request.session.get(SESSION_KEY)
    fields = draft.get(FORM) if isinstance(draft, dict) else None
    if not isinstance(fields, dict):
        return None
    data = QueryDict(mutable=True)
    for key, values in fields.items():
        data.setlist(key, [str(v) for v in values])
    return data


def done(request: HttpRequest) -> None:
    """Forget the kept draft: it is saved, or a new form replaces it."""
    request.session.pop(SESSION_KEY, None)
