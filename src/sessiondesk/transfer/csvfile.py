"""Reading an uploaded CSV file: UTF-8 with or without a byte order mark, separated by commas or
semicolons (a spreadsheet saved in a locale whose decimal mark is a comma writes semicolons)."""

import csv
import io
from dataclasses import dataclass

from sessiondesk.transfer.errors import TransferError

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000


@dataclass
class Table:
    headers: list[str]
    # Each row with its line number in the file (the header is line 1), cells by header.
    rows: list[tuple[int, dict[str, str]]]


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise TransferError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it in parts.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TransferError(
            f"The file is not UTF-8 text (byte {error.start + 1}); save it as “CSV UTF-8” and try again."
        ) from None


def _not_csv(error: csv.Error, line: int) -> TransferError:
    if "field larger than field limit" in str(error):
        return TransferError(
            f"Line {line} has a cell longer than {csv.field_size_limit():,} characters: "
            "is this a table of clients, members or sessions?"
        )
    return TransferError(f"Line {line} is not valid CSV: {error}.")


def delimiter(text: str) -> str:
    """``;`` or ``,``, whichever splits the header line into more columns (quotes honoured)."""
    first = text.split("\n", 1)[0]
    try:
        counts = {d: len(next(csv.reader([first], delimiter=d), [])) for d in (",", ";")}
    except csv.Error as error:
        raise _not_csv(error, 1) from None
    return ";" if counts[";"] > counts[","] else ","


def read(data: bytes) -> Table:
    text = decode(data)
    if not text.strip():
        raise TransferError("The file is empty.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    try:
        headers = [h.strip() for h in next(reader)]
    except csv.Error as error:
        raise _not_csv(error, reader.line_num) from None
    if not any(headers):
        raise TransferError("The first line must name the columns.")
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise TransferError(f"The file has more than {MAX_ROWS:,} rows; split it in parts.")
            rows.append((reader.line_num, {h: c.strip() for h, c in zip(headers, cells, strict=False) if h}))
    except csv.Error as error:
        raise _not_csv(error, reader.line_num) from None
    return Table(headers, rows)
