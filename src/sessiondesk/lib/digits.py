"""``str.isdigit`` says yes to digits ``int`` cannot read ("¹", "²"): ids and counts typed into an
address or a file are checked with this instead."""

# The largest id a row can have: ids are 64-bit integers on both databases. A larger number names
# no row, and SQLite refuses even to compare one with a column (an error, not an empty answer).
MAX_ID = 2**63 - 1


def is_digits(raw: str) -> bool:
    """Whether ``raw`` is one or more ASCII digits, so ``int(raw)`` reads it."""
    return raw.isascii() and raw.isdigit()


def is_id(raw: str) -> bool:
    """Whether ``raw`` is an id a row could have: digits of a number from 1 to ``MAX_ID``."""
    return is_digits(raw) and 0 < int(raw) <= MAX_ID
