"""Requests per second the Zoom emulator serves on loopback, with no injected latency.

Starts a real waitress-served instance in a child process (so the load generator does not share
its interpreter lock), seeds an account and a Server-to-Server
app, then drives GET /v2/users/me ("simple requests") and meeting creates (the body SessionDesk
sends, checked against Zoom's schema like any other) from several client threads for a fixed time. Prints one JSON object as its last line.

    python bench/emulator_throughput.py [--seconds 5] [--threads 8]
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import threading
import time

import httpx

SEED = {
    "account": {
        "id": "bench",
        "plan": "business",
        "users": [{"id": "host", "email": "host@bench.test", "role": "owner"}],
    },
    "apps": [
        {
            "client_id": "bench",
            "client_secret": "s",
            "type": "s2s",
            "account_id": "bench",
            "scopes": ["user:read:admin", "meeting:write:admin"],
        }
    ],
}


# A create as SessionDesk sends it.
MEETING = {
    "topic": "Algebra with Tina",
    "type": 2,
    "start_time": "2030-04-01T10:00:00Z",
    "duration": 60,
    "timezone": "Europe/Berlin",
    "agenda": "Chapter 4",
    "settings": {
        "join_before_host": False,
        "waiting_room": True,
        "approval_type": 2,
        "mute_upon_entry": True,
    },
}


def drive(
    url: str,
    headers: dict[str, str],
    method: str,
    path: str,
    stop_at: float,
    counts: list[int],
    errors: list[int],
) -> None:
    with httpx.Client(base_url=url, headers=headers) as client:
        while time.monotonic() < stop_at:
            response = client.request(method, path, json=MEETING if method == "POST" else None)
            if response.status_code < 300:
                counts.append(1)
            else:
                errors.append(response.status_code)


def measure(
    url: str, headers: dict[str, str], method: str, path: str, seconds: float, threads: int
) -> dict[str, float]:
    counts: list[int] = []
    errors: list[int] = []
    stop_at = time.monotonic() + seconds
    started = time.monotonic()
    workers = [
        threading.Thread(target=drive, args=(url, headers, method, path, stop_at, counts, errors))
        for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    return {"requests": len(counts), "errors": len(errors), "rps": round(len(counts) / elapsed, 1)}


def measure_wrk(url: str, token: str, seconds: float, connections: int) -> float | None:
    """The same GET driven by wrk (a C load generator), when installed: the Python client above costs
    more CPU per request than the emulator does, so wrk shows the emulator's own ceiling."""
    if shutil.which("wrk") is None:
        return None
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{max(1, int(seconds))}s",
            "-H",
            f"Authorization: Bearer {token}",
            url + "/v2/users/me",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    return float(found.group(1)) if found else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    child = subprocess.Popen(
        [sys.executable, "-m", "zoom_emulator", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    found = re.search(r"http://127\.0\.0\.1:\d+", child.stdout.readline())
    assert found, "the emulator did not print its URL"
    url = found.group(0)
    try:
        with httpx.Client(base_url=url) as client:
            client.patch("/_emulator/settings", json={"webhook_mode": "manual"})
            client.post("/_emulator/seed", json=SEED)
            # Measure the emulator, not Zoom's limits.
            client.put("/_emulator/ratelimits", json={"enabled": False})
            token = client.post(
                "/oauth/token",
                params={"grant_type": "account_credentials", "account_id": "bench"},
                auth=("bench", "s"),
            ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        simple = measure(url, headers, "GET", "/v2/users/me", args.seconds, args.threads)
        creates = measure(url, headers, "POST", "/v2/users/host/meetings", args.seconds, args.threads)
        with_wrk = measure_wrk(url, token, args.seconds, args.threads)
    finally:
        child.terminate()
        child.wait(timeout=10)
    result = {
        "bench": "emulator_throughput",
        "seconds": args.seconds,
        "client_threads": args.threads,
        "get_user_rps": simple["rps"],
        "get_user_errors": simple["errors"],
        "create_meeting_rps": creates["rps"],
        "create_meeting_errors": creates["errors"],
        "get_user_rps_wrk": with_wrk,
        "target_rps": 500,
        "meets_target": simple["rps"] >= 500,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
