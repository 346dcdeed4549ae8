"""The one Zoom call context: every REST call made for a connection goes through a ``ZoomCall``.

For each call it obtains a valid access token (``connection.tokens``); for a meeting create or
update it takes a unit of the host's daily allowance first (``meetings.ledger``: Zoom's 100 a day);
then each HTTP request waits for the Zoom account's next slot (``meetings.pacing``) and goes through
the client's one seam, which records it once, with the meeting link it was made for. When Zoom
says the token expired before we thought it would, the token is renewed (single-flight) and the
request sent once more; a token Zoom refuses outright marks the connection as needing reconnect.

    call = calls.ZoomCall(connection, link=link, host=host_zoom_user_id)
    client.create_meeting(call, "me", body)
"""

from typing import Any

import httpx
from django.utils import timezone

from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.connection import tokens
from sessiondesk.integrations.zoom.errors import ZoomError
from sessiondesk.integrations.zoom.meetings import ledger, pacing
from sessiondesk.integrations.zoom.models import ZoomConnection
from sessiondesk.meetings.models import MeetingLink

# The calls Zoom counts against the host's daily limit of meeting creates and updates.
CHARGED = frozenset({"meetings.create", "meetings.update"})


class DailyLimitReached(ZoomError):
    """The host's meeting creates and updates for today (UTC) are spent: nothing was sent."""


class ZoomCall:
    """Calls to Zoom's REST API on behalf of ``connection``.

    ``link``: the meeting the calls are made for (kept on each call record). ``host``: the Zoom user
    whose daily allowance a create or update spends (default: the connection's own user).
    ``account``: the Zoom account whose pace the calls keep (default: the connection's).
    """

    def __init__(
        self,
        connection: ZoomConnection,
        *,
        link: MeetingLink | None = None,
        host: str = "",
        account: str | None = None,
    ) -> None:
        self.connection = connection
        self.link = link
        self.host = host or connection.zoom_user_id
        self.account = connection.zoom_account_id if account is None else account

    def send(self, operation: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        # The token comes first, so a connection that cannot be used spends none of the host's day.
        token = tokens.access_token(self.connection)
        charged = operation in CHARGED and self._charge()
        try:
            try:
                return self._request(token, operation, method, url, kwargs)
            except ZoomError as error:
                if not tokens.expired_at_zoom(error):
                    raise
            # 401 {"code": 124, "message": "Access token is expired."}: renewed, sent once more. The
            # unit taken above still stands for it: Zoom counted nothing for a refused token.
            return self._request(tokens.renew(self.connection, token), operation, method, url, kwargs)
        except ZoomError as error:
            if charged:
                self._settle(error)
            if tokens.api_refused(self.connection, error):
                raise tokens.NotConnected(
                    error.status, error.code, error.message, permanent=True, remedy=error.remedy
                ) from error
            raise

    def _request(
        self, token: str, operation: str, method: str, url: str, kwargs: dict[str, Any]
    ) -> httpx.Response:
        pacing.wait_turn(self.account)
        headers = {**kwargs.get("headers", {}), "Authorization": f"Bearer {token}"}
        return client._send(operation, method, url, link=self.link, **{**kwargs, "headers": headers})

    def _charge(self) -> bool:
        now = timezone.now()
        if not ledger.take(self.host, now):
            raise DailyLimitReached(
                None,
                "daily_limit",
                ledger.STATUS,
                permanent=False,
                retry_after=ledger.seconds_until_midnight(now) + 1,
            )
        return True

    def _settle(self, error: ZoomError) -> None:
        """Zoom's limits, as the host's ledger must count them."""
        if error.status != 429:
            return
        message = error.message.lower()
        if "meeting create/update" in message:
            # {"code": 429, "message": "You have exceeded the daily rate limit (100) of Meeting
            #  Create/Update API requests permitted for this particular user. You may resume these
            #  requests at GMT 00:00:00."}
            # Calls made outside SessionDesk count too: believe Zoom.
            ledger.exhaust(self.host, timezone.now())
        elif "daily" not in message:
            # Per second: Zoom did not count it against the host's day.
            ledger.give_back(self.host, timezone.now())
