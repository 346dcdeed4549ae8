"""``str.isdigit`` says yes to digits ``int`` cannot read ("¹", "²"): ids and counts typed into an
address or a file are checked with this instead."""


def is_digits(raw: str) -> bool:
    """Whether ``raw`` is one or more ASCII digits, so ``int(raw)`` reads it."""
    return raw.isascii() and raw.isdigit()
