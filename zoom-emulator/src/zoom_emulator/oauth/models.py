"""Authorization codes and token sets."""

from dataclasses import dataclass, field


@dataclass
class AuthCode:
    code: str
    client_id: str
    user_id: str
    redirect_uri: str
    expires_at: float
    code_challenge: str = ""
    code_challenge_method: str = ""
    used: bool = False


@dataclass
class AccessToken:
    token: str
    client_id: str
    account_id: str
    # Empty for Server-to-Server and client_credentials tokens, which act for no one user.
    user_id: str
    scopes: list[str] = field(default_factory=list)
    expires_at: float = 0.0
    grant: str = ""
    revoked: bool = False


@dataclass
class RefreshToken:
    token: str
    client_id: str
    account_id: str
    user_id: str
    expires_at: float
    grant: str = ""
    revoked: bool = False
