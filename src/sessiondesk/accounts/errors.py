class AccountError(Exception):
    """A refused change to organisations or people, with a message fit to show the person."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
