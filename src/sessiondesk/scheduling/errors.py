class BookingError(Exception):
    """A booking flow refused the change; ``message`` is shown to the person as it is."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidBooking(BookingError):
    pass


class SlotTaken(BookingError):
    """The time is no longer free (someone else booked it, or the member is busy)."""

    status = 409


class HostMissing(BookingError):
    """Nobody can host the session's online meeting yet (e.g. the consultant must connect Zoom).

    ``actor_can_connect``: the person saving can fix it on the way, by connecting their own account
    with ``provider`` (a page may send them there instead of refusing)."""

    status = 409

    def __init__(self, message: str, *, provider: str, actor_can_connect: bool) -> None:
        super().__init__(message, "provider")
        self.provider = provider
        self.actor_can_connect = actor_can_connect
