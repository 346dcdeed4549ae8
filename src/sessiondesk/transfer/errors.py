class TransferError(Exception):
    """An import or export the person must fix first (a file that is not CSV, a column missing);
    ``message`` is shown as it is."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
