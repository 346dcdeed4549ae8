"""serve's gunicorn logger: SessionDesk writes each request's line itself, so gunicorn's access line
is neither written nor put together."""

import logging

import pytest
from gunicorn.config import Config

from sessiondesk.ops.gunicorn_config import RequestLogger, logconfig_dict


@pytest.fixture
def logger() -> RequestLogger:
    config = Config()
    config.set("logconfig_dict", logconfig_dict)
    return RequestLogger(config)


def test_it_gathers_no_access_line_below_the_access_log_level(logger, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    gathered: list[object] = []
    monkeypatch.setattr(logger, "atoms", lambda *args: gathered.append(args) or {})

    logger.access(None, None, {}, None)

    assert logger.access_log.getEffectiveLevel() == logging.WARNING
    assert gathered == []


def test_it_writes_the_access_line_when_its_level_is_lowered(logger, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    gathered: list[object] = []
    monkeypatch.setattr(logger, "atoms", lambda *args: gathered.append(args) or {"h": "203.0.113.7"})
    logger.access_log.setLevel(logging.INFO)

    logger.access("response", "request", {}, "elapsed")

    assert gathered == [("response", "request", {}, "elapsed")]
