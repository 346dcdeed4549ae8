"""Marketplace apps: user-managed and admin-managed OAuth apps and Server-to-Server apps."""

from dataclasses import dataclass, field

APP_TYPES = ("user", "admin", "s2s")


@dataclass
class App:
    client_id: str
    client_secret: str
    type: str = "user"
    name: str = ""
    redirect_uris: list[str] = field(default_factory=list)
    scopes: list[str] = field(default_factory=list)
    # The account that owns the app; S2S apps only ever act on it.
    account_id: str = ""
    webhook_url: str = ""
    secret_token: str = ""
    verification_token: str = ""
    events: list[str] = field(default_factory=list)
    endpoint_validated: bool = False


@dataclass
class Installation:
    client_id: str
    account_id: str
    user_id: str
    installed_at: float
