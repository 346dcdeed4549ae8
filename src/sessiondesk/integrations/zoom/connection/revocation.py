"""Revoking tokens at Zoom after the database change that dropped them has committed."""

import logging
from functools import partial

from django.db import transaction

from sessiondesk.integrations.zoom import client
from sessiondesk.integrations.zoom.errors import ZoomError

log = logging.getLogger(__name__)


def revoke_on_commit(access_token: str, refresh_token: str, kind: str) -> None:
    transaction.on_commit(partial(revoke_now, access_token, refresh_token, kind), robust=True)


def revoke_now(access_token: str, refresh_token: str, kind: str) -> bool:
    """Best effort: the tokens are already gone from SessionDesk whatever Zoom answers.

    An access token that Zoom no longer knows (expired long ago, or rotated) is retried with the
    refresh token, which Zoom's revoke endpoint also accepts.
    """
    for token in (access_token, refresh_token):
        if not token:
            continue
        try:
            client.revoke(token, kind=kind)
            return True
        except ZoomError as exc:
            log.warning("Zoom token revocation failed: %s %s", exc.status, exc.code)
            if not exc.permanent:
                return False
    return False
