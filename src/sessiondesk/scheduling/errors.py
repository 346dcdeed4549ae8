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
