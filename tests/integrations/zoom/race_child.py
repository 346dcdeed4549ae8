"""Run as a script: T threads of one process all ask for the same connection's token at once.

Prints one JSON line: {"served": n, "errors": [...], "tokens": [distinct tokens' count]}.
Started by test_tokens_race.py and bench/refresh_race.py with DATABASE_URL and ZOOM_OAUTH_URL set.
"""

import json
import sys
import threading
import time

import django


def main(connection_id: int, threads: int, start_at: float) -> None:
    django.setup()
    from django.db import connection as db

    from sessiondesk.integrations.zoom.connection import tokens
    from sessiondesk.integrations.zoom.models import ZoomConnection

    results: list[str] = []
    errors: list[str] = []
    waits: list[float] = []
    lock = threading.Lock()

    def one() -> None:
        try:
            conn = ZoomConnection.objects.get(pk=connection_id)
            time.sleep(max(0.0, start_at - time.time()))
            started = time.perf_counter()
            token = tokens.access_token(conn)
            with lock:
                waits.append((time.perf_counter() - started) * 1000)
                results.append(token)
        except Exception as exc:
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            db.close()

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(
        json.dumps(
            {"served": len(results), "errors": errors, "tokens": sorted(set(results)), "waits_ms": waits}
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))
