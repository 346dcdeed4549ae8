"""Identifiers shaped like Zoom's."""

import base64
import json
import secrets


def user_id() -> str:
    # Zoom user ids are 22 url-safe base64 characters, e.g. "8lzIwvZTSOqjndWPbPqzuA".
    return base64.urlsafe_b64encode(secrets.token_bytes(16)).decode()[:22]


def account_id() -> str:
    return user_id()


def meeting_id() -> int:
    # Recent meeting numbers are 11 digits and must be stored as int64.
    return secrets.randbelow(9 * 10**10) + 10**10


def meeting_uuid() -> str:
    # Standard base64 of 16 bytes: may contain "/" and "+", always ends with "==".
    return base64.b64encode(secrets.token_bytes(16)).decode()


def password() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


def opaque(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)


def jwt_shaped(claims: dict[str, object]) -> str:
    """A token shaped like Zoom's (eyJ...); clients must treat it as opaque, so it is not verifiable."""

    def part(obj: object) -> str:
        raw = json.dumps(obj, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    header = {"alg": "HS512", "v": "2.0", "kid": opaque(6)}
    return f"{part(header)}.{part(claims)}.{opaque(32)}"
