"""What a handler gets: the request, the state, and who is calling."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

if TYPE_CHECKING:
    from .oauth.models import AccessToken
    from .routing import Route
    from .state import State


@dataclass
class Ctx:
    request: Request
    state: "State"
    route: "Route"
    base_url: str
    now: float
    token: "AccessToken | None" = None
    # Filled in as the request is understood, for the request log.
    log: dict[str, Any] = field(default_factory=dict)

    @property
    def account_id(self) -> str:
        assert self.token is not None
        return self.token.account_id
