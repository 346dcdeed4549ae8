import random
from collections.abc import Callable

BASE_SECONDS = 2.0
CAP_SECONDS = 15 * 60.0


def retry_delay(
    attempt: int, retry_after: float | None = None, rand: Callable[[], float] | None = None
) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based): exponential, capped, half jittered.

    Half the delay is fixed and half random, so retries spread out without ever coming back
    sooner than half the schedule; a provider's Retry-After is a floor.
    """
    delay = min(CAP_SECONDS, BASE_SECONDS * 2 ** max(attempt - 1, 0))
    jitter = (rand or random.random)()  # looked up per call, so a test can pin it
    delay = delay / 2 + jitter * delay / 2
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay
