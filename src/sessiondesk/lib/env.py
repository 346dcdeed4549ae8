"""Strict parsers for settings read from the environment.

A secret may also be given as ``NAME_FILE`` pointing at a file that holds it.
"""

import os
from pathlib import Path

from sessiondesk.lib.digits import is_digits


class ConfigError(ValueError):
    pass


def env(name: str, default: str = "") -> str:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env(name, "true" if default else "false")
    if raw not in ("true", "false"):
        raise ConfigError(f'{name} must be "true" or "false", not {raw!r}')
    return raw == "true"


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env(name, default)
    if raw not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = env(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {raw!r}")
    return value


def env_float(name: str, default: float, minimum: float | None = None) -> float:
    raw = env(name, str(default))
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ConfigError(f"{name} must be a finite number, not {raw!r}")
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum:g}, not {raw!r}")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_rate(name: str, default: str) -> tuple[int, int]:
    """A rate limit written ``"<requests>/<seconds>"``, e.g. ``"10/300"``; ``"0/60"`` turns it off."""
    raw = env(name, default)
    requests, slash, seconds = raw.partition("/")
    if slash and is_digits(requests.strip()) and is_digits(seconds.strip()) and int(seconds) > 0:
        return int(requests), int(seconds)
    raise ConfigError(f'{name} must look like "10/300" (requests per seconds), not {raw!r}')
