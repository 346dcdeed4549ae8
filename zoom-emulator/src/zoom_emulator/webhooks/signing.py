"""Zoom's webhook signature and URL-validation (CRC) answer.

x-zm-signature = "v0=" + hex(HMAC-SHA256(secret token, "v0:{x-zm-request-timestamp}:{raw body}"))
"""

import hashlib
import hmac


def signature(secret_token: str, timestamp: str, raw_body: bytes) -> str:
    message = b"v0:" + timestamp.encode() + b":" + raw_body
    return "v0=" + hmac.new(secret_token.encode(), message, hashlib.sha256).hexdigest()


def verify(secret_token: str, timestamp: str, raw_body: bytes, header: str) -> bool:
    return hmac.compare_digest(signature(secret_token, timestamp, raw_body), header)


def encrypted_token(secret_token: str, plain_token: str) -> str:
    return hmac.new(secret_token.encode(), plain_token.encode(), hashlib.sha256).hexdigest()
