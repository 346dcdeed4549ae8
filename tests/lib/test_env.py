"""The strict parsers settings.py reads the environment with."""

import pytest

from sessiondesk.lib.env import ConfigError, env_choice, env_float, env_int


def test_it_reads_a_number_or_falls_back_to_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SD_TEST_RATE", "12.5")
    assert env_float("SD_TEST_RATE", 10) == 12.5
    monkeypatch.delenv("SD_TEST_RATE")
    assert env_float("SD_TEST_RATE", 10) == 10.0


@pytest.mark.parametrize("raw", ["ten", "", "nan", "inf", "1,5"])
def test_it_refuses_a_number_that_is_not_one(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("SD_TEST_RATE", raw)
    with pytest.raises(ConfigError, match="SD_TEST_RATE must be a"):
        env_float("SD_TEST_RATE", 10)


def test_it_refuses_values_below_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SD_TEST_RATE", "-1")
    monkeypatch.setenv("SD_TEST_DAYS", "0")
    with pytest.raises(ConfigError, match="SD_TEST_RATE must be at least 0, not '-1'"):
        env_float("SD_TEST_RATE", 10, minimum=0)
    with pytest.raises(ConfigError, match="SD_TEST_DAYS must be at least 1, not '0'"):
        env_int("SD_TEST_DAYS", 30, minimum=1)


def test_it_accepts_the_minimum_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SD_TEST_RATE", "0")
    monkeypatch.setenv("SD_TEST_DAYS", "1")
    assert env_float("SD_TEST_RATE", 10, minimum=0) == 0.0
    assert env_int("SD_TEST_DAYS", 30, minimum=1) == 1


def test_a_choice_is_one_of_its_values_or_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEB_CPU_AFFINITY", raising=False)
    assert env_choice("WEB_CPU_AFFINITY", "auto", ("auto", "true", "false")) == "auto"
    monkeypatch.setenv("WEB_CPU_AFFINITY", "false")
    assert env_choice("WEB_CPU_AFFINITY", "auto", ("auto", "true", "false")) == "false"


def test_it_refuses_a_choice_it_does_not_offer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_CPU_AFFINITY", "yes")
    with pytest.raises(ConfigError, match=r"WEB_CPU_AFFINITY must be one of auto, true, false, not 'yes'"):
        env_choice("WEB_CPU_AFFINITY", "auto", ("auto", "true", "false"))
