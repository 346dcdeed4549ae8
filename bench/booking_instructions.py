"""Booking instructions: what one booking costs the web process in machine instructions, counted.

``booking_cpu.py`` times a booking in CPU milliseconds, which move with the machine: on the same kind
of machine, on different days, the same code measured two to four times as much, and by a third
between runs minutes apart (docs/performance.md, sixteenth and seventeenth rounds). This counts
instead the instructions the process executes for a booking, under valgrind's callgrind, which
gives the same count for the same code whatever the machine is doing: a change to the booking's code
shows in the count even where it is smaller than the spread of the timings. It does not see what
makes an instruction slow (the caches, the memory, other processes), so it complements the timings,
never replaces them; nor does it count the database server's own work on PostgreSQL.

On a fresh instance per backend (the same organisation as ``booking_cpu.py``), a process loads the
app as ``sessiondesk serve`` does and books as ``booking_cpu.py`` does (the same code): first
``--warm`` bookings, not counted, then ``--bookings`` more, counted. Only the counted bookings are
inside callgrind's collection: they run in a call back from a C function the booking never uses (the
C library's ``qsort``, comparing two items once), and callgrind counts only within that function
(``--toggle-collect``). One process for API bookings, one for public ones. Python's hash seed is
fixed so that two runs of the same code take the same paths.

Prints per backend ``api_instructions`` and ``public_instructions`` (millions a booking),
``instructions_per_booking`` (their mean, millions) and ``bookings_counted``, then one JSON object
last. With ``--keep DIR`` the callgrind files stay in DIR for ``callgrind_annotate``. It takes
a few minutes: valgrind runs the process about fifty times slower.

    .venv/bin/python bench/booking_instructions.py [--bookings 20] [--warm 20] [--backends sqlite,postgresql]
                                                   [--keep DIR]
"""

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

from _common import analyze, database, django_run, migrate
from booking_cpu import BOOKINGS

COUNT = (
    BOOKINGS
    + """
import ctypes
KIND, COUNTED, WARM = "{kind}", {bookings}, {warm}
client = Client(enforce_csrf_checks=True)
book = api if KIND == "api" else public
if KIND == "public":
    client.get(f"/book/bench/cal-{{N}}/")
for k in range(WARM):
    book(client, k)
calls, failures = [], []

def counted(a, b):
    calls.append(1)
    try:
        for k in range(WARM, WARM + COUNTED):
            book(client, k)
    except BaseException as exc:  # ctypes would print it and go on
        failures.append(exc)
    return 0

items = (ctypes.c_int * 2)(0, 1)
compare = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(counted)
ctypes.CDLL(None).qsort(items, 2, ctypes.sizeof(ctypes.c_int), compare)
if failures:
    raise failures[0]
assert calls == [1], calls
print(json.dumps({{"counted": COUNTED}}))
"""
)

COLLECTED = re.compile(r"^==\d+== Collected : (\d+)$", re.MULTILINE)


def count(env: dict[str, str], seed: dict, kind: str, bookings: int, warm: int, out: Path) -> float:
    """Millions of instructions a booking of ``kind`` ("api" or "public") costs in-process."""
    # From the day booking_cpu.py starts, public ones after the days the API ones take (20 a day).
    first_day = 200 if kind == "api" else 200 + (warm + bookings) // 20 + 1
    code = COUNT.format(
        seed=repr(seed), clients=1, first_day=first_day, kind=kind, bookings=bookings, warm=warm
    )
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    under = (
        valgrind,
        "--tool=callgrind",
        "--collect-atstart=no",
        "--toggle-collect=qsort*",
        f"--callgrind-out-file={out}",
    )
    done = django_run({**env, "LOG_LEVEL": "WARNING", "PYTHONHASHSEED": "0"}, code, under=under)
    found = COLLECTED.search(done["stderr"])
    if found is None or done["counted"] != bookings:
        raise SystemExit(f"callgrind printed no count:\n{done['stderr'][-2000:]}")
    return round(int(found.group(1)) / bookings / 1e6, 2)


def main() -> None:
    from booking_latency import SEED

    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, default=20)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--keep", default=None, help="folder to keep the callgrind files in")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="sessiondesk-callgrind-"))
    folder.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    try:
        for backend in args.backends.split(","):
            with database(backend) as env:
                migrate(env)
                seed = django_run(env, SEED.format(clients=1))
                analyze(env)
                figures = {
                    f"{kind}_instructions": count(
                        env, seed, kind, args.bookings, args.warm, folder / f"callgrind.{backend}.{kind}"
                    )
                    for kind in ("api", "public")
                }
            figures["instructions_per_booking"] = round(
                (figures["api_instructions"] + figures["public_instructions"]) / 2, 2
            )
            figures["bookings_counted"] = args.bookings
            results[backend] = figures
            print(f"{backend}: {figures}", file=sys.stderr)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
