import pytest

from sessiondesk.meetings.backoff import retry_delay


@pytest.mark.parametrize(
    ("attempt", "rand", "expected"),
    [
        (1, 0.0, 1.0),
        (1, 1.0, 2.0),
        (2, 0.0, 2.0),
        (3, 0.5, 6.0),
        (5, 1.0, 32.0),
        (30, 1.0, 900.0),
        (30, 0.0, 450.0),
    ],
)
def test_it_doubles_with_half_jitter_up_to_a_cap(attempt: int, rand: float, expected: float) -> None:
    assert retry_delay(attempt, rand=lambda: rand) == expected


def test_it_never_retries_before_retry_after() -> None:
    assert retry_delay(1, retry_after=30.0, rand=lambda: 1.0) == 30.0


def test_it_ignores_a_retry_after_shorter_than_the_schedule() -> None:
    assert retry_delay(4, retry_after=1.0, rand=lambda: 0.0) == 8.0
