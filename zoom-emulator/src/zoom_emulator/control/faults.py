"""Injected faults: latency, 5xx errors, timeouts, dropped connections and 429 storms.

A fault matches requests by a glob on the path (e.g. "/v2/users/*/meetings") and optional methods.
`probability` picks a share of matching requests; `count` limits how many it hits in total.
`phase: "after"` lets the request take effect before the failure, like a response lost on the way
back (Zoom created the meeting, the client never heard).
"""

import fnmatch
import random
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("latency", "error", "timeout", "drop", "rate_limit")


@dataclass
class Fault:
    id: int
    kind: str
    path: str = "*"
    methods: list[str] = field(default_factory=list)
    status: int = 500
    probability: float = 1.0
    count: int | None = None
    phase: str = "before"
    # {"fixed_ms": 200} or {"min_ms": 50, "max_ms": 400} or {"mean_ms": 200, "stddev_ms": 50}
    latency: dict[str, float] = field(default_factory=dict)
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.methods and method not in self.methods:
            return False
        return fnmatch.fnmatchcase(path, self.path)

    def delay_seconds(self, rng: random.Random) -> float:
        spec = self.latency
        if "fixed_ms" in spec:
            ms = spec["fixed_ms"]
        elif "min_ms" in spec:
            ms = rng.uniform(spec["min_ms"], spec.get("max_ms", spec["min_ms"]))
        elif "mean_ms" in spec:
            ms = max(0.0, rng.gauss(spec["mean_ms"], spec.get("stddev_ms", 0.0)))
        else:
            ms = 0.0
        return ms / 1000.0


def parse(fault_id: int, body: dict[str, Any]) -> Fault:
    kind = body.get("kind", "")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    status = int(body.get("status", 500))
    if kind == "error" and status not in (500, 502, 503, 504):
        raise ValueError("status must be 500, 502, 503 or 504")
    phase = body.get("phase", "before")
    if phase not in ("before", "after"):
        raise ValueError("phase must be before or after")
    count = body.get("count")
    return Fault(
        id=fault_id,
        kind=kind,
        path=str(body.get("path", "*")),
        methods=[m.upper() for m in body.get("methods", [])],
        status=status,
        probability=float(body.get("probability", 1.0)),
        count=None if count is None else int(count),
        phase=phase,
        latency={k: float(v) for k, v in (body.get("latency") or {}).items()},
    )


@dataclass
class Picked:
    delay: float = 0.0
    failure: Fault | None = None


class Faults:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.items: list[Fault] = []
        self.next_id = 1
        self.rng = random.Random()

    def add(self, body: dict[str, Any]) -> Fault:
        with self.lock:
            fault = parse(self.next_id, body)
            self.next_id += 1
            self.items.append(fault)
            if "seed" in body:
                self.rng.seed(body["seed"])
            return fault

    def remove(self, fault_id: int) -> bool:
        with self.lock:
            before = len(self.items)
            self.items = [f for f in self.items if f.id != fault_id]
            return len(self.items) != before

    def listed(self) -> list[dict[str, Any]]:
        with self.lock:
            return [asdict(f) for f in self.items]

    def pick(self, method: str, path: str) -> Picked:
        picked = Picked()
        if not self.items:
            return picked
        with self.lock:
            for fault in self.items:
                if not fault.matches(method, path):
                    continue
                if fault.count is not None and fault.hits >= fault.count:
                    continue
                if fault.kind != "latency" and picked.failure is not None:
                    continue
                if self.rng.random() >= fault.probability:
                    continue
                fault.hits += 1
                if fault.kind == "latency":
                    picked.delay += fault.delay_seconds(self.rng)
                else:
                    picked.failure = fault
        return picked
