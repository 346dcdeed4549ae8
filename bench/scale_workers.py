"""Scale workers: meeting-sync throughput with 1, 2 and 4 worker processes on PostgreSQL when every
Zoom call takes 300 ms and the account's rate limit is far away.

One backlog of pending online Zoom sessions spread over many hosts (so no host nears Zoom's 100
creates a day); for each process count, ``sessiondesk worker --concurrency N`` processes drain it
for ``--seconds`` after a warm-up, then stop; the next count continues on the rest of the backlog.
Throughput is the emulator's count of successful creates inside the measured window. Prints one
JSON object last: creates per second per process count, the speed-up over one process, and
``worker_cpu_ms_per_create``: the worker processes' CPU time (from /proc) inside the window ÷ the
creates made in it (also per run).

    .venv/bin/python bench/scale_workers.py [--processes 1,2,4] [--concurrency 2] [--seconds 30]
                                            [--latency-ms 300] [--sessions 2000] [--hosts 50]
"""

import argparse
import subprocess
import sys
import time

from _common import PYTHON, cpu_seconds, database, django_run, profile
from _zoombench import dump, emulator, latency, rate_limit, requests, seed, workers, zoom_env
from sync_drain import BACKLOG

WARM_UP_SECONDS = 8.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--rate", type=int, default=1000, help="the emulator's per-second limit")
    args = parser.parse_args()
    counts = [int(p) for p in args.processes.split(",")]
    results: dict = {
        "backend": "postgresql",
        "concurrency": args.concurrency,
        "latency_ms": args.latency_ms,
        "rate_limit_per_s": args.rate,
        "seconds": args.seconds,
    }
    with emulator(threads=128) as zoom, database("postgresql") as base_env:
        env = zoom_env(base_env, zoom, ZOOM_ACCOUNT_CALLS_PER_SECOND=args.rate * 0.9)
        subprocess.run([PYTHON, "-m", "sessiondesk", "migrate", "-v", "0"], env=env, check=True)
        made = seed(env, zoom, hosts=args.hosts)
        django_run(
            env,
            BACKLOG.format(consultants=made["consultants"], sessions=args.sessions, lesson=made["lesson"]),
        )
        rate_limit(zoom, args.rate)
        latency(zoom, args.latency_ms)
        runs = {}
        for processes in counts:
            with workers(env, processes, args.concurrency) as procs:
                began = time.time()
                time.sleep(WARM_UP_SECONDS)
                cpu = sum(cpu_seconds(p.pid) for p in procs)
                spies = [profile(p.pid, f"worker-{processes}", args.seconds) for p in procs]
                time.sleep(args.seconds)
                cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu
                time.sleep(0.5)
                for spy in spies:
                    if spy is not None:
                        spy.wait()
            window = (began + WARM_UP_SECONDS, began + WARM_UP_SECONDS + args.seconds)
            creates = requests(zoom, method="POST", path_prefix="/v2/users/", status="201")
            inside = [c for c in creates if window[0] <= c["time"] < window[1]]
            failed = [c for c in requests(zoom, path_prefix="/v2/") if c["status"] >= 400]
            runs[processes] = {
                "threads": processes * args.concurrency,
                "creates_per_s": round(len(inside) / args.seconds, 2),
                "errors": len(failed),
                "worker_cpu_ms_per_create": round(cpu * 1000 / len(inside), 2) if inside else None,
            }
            print(f"{processes} process(es): {runs[processes]}", file=sys.stderr)
            zoom.delete("/_emulator/requests").raise_for_status()
            time.sleep(2)  # leases of the stopped workers are released on SIGTERM; settle anyway
    base = runs[counts[0]]["creates_per_s"] or 1.0
    for processes, run in runs.items():
        run["speed_up"] = round(run["creates_per_s"] / base, 2)
        run["ideal"] = processes / counts[0]
    # The ceiling set by latency alone: each thread makes one call per latency.
    results["per_thread_ceiling_per_s"] = round(1000 / args.latency_ms, 2) if args.latency_ms else None
    results["runs"] = {str(k): v for k, v in runs.items()}
    measured = [run for run in runs.values() if run["worker_cpu_ms_per_create"]]
    results["worker_cpu_ms_per_create"] = (
        round(
            sum(r["worker_cpu_ms_per_create"] * r["creates_per_s"] for r in measured)
            / sum(r["creates_per_s"] for r in measured),
            2,
        )
        if measured
        else None
    )
    dump(results)


if __name__ == "__main__":
    main()
