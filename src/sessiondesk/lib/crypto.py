"""Encryption at rest for secrets (Zoom tokens): MultiFernet with keys from the environment.

``ENCRYPTION_KEYS`` is a comma-separated list of Fernet keys, newest first; the first encrypts, all
decrypt, so a new key can be put in front and old rows re-encrypted (``sessiondesk rotate-keys``).
In the embedded default a key is generated once into the instance folder.
"""

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.ENCRYPTION_KEYS))


def encrypt(plain: str) -> str:
    return fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    return fernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code sees the plain text."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        return None if value is None else decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        return None if value is None else encrypt(str(value))
