"""serve keeps each web process on one CPU when the processes fill the machine (WEB_CPU_AFFINITY)."""

import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from sessiondesk.ops import gunicorn_config
from sessiondesk.ops.management.commands.serve import pinned_cpus
from tests.ops.served import serve, web_processes


@pytest.fixture
def four_cpus(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3, 1, 2, 0})


def test_auto_keeps_processes_on_cpus_only_when_they_are_as_many_as_the_cpus(four_cpus) -> None:  # type: ignore[no-untyped-def]
    assert pinned_cpus("auto", 4) == [0, 1, 2, 3]
    assert pinned_cpus("auto", 6) == [0, 1, 2, 3]
    assert pinned_cpus("auto", 3) == []
    assert pinned_cpus("true", 2) == [0, 1, 2, 3]
    assert pinned_cpus("false", 8) == []


def test_one_cpu_leaves_nothing_to_choose(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {5})

    assert pinned_cpus("true", 4) == []


def test_each_new_process_goes_to_the_cpu_fewest_siblings_run_on(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(gunicorn_config, "CPUS", [0, 1])
    server = SimpleNamespace(WORKERS={})
    for pid in range(100, 105):
        worker = SimpleNamespace()
        gunicorn_config.pre_fork(server, worker)
        server.WORKERS[pid] = worker
    assert [w.cpu for w in server.WORKERS.values()] == [0, 1, 0, 1, 0]

    # Two processes on CPU 0 reach --max-requests and are replaced: both replacements go there.
    del server.WORKERS[100], server.WORKERS[102]
    replacements = [SimpleNamespace(), SimpleNamespace()]
    for pid, worker in zip((105, 106), replacements, strict=True):
        gunicorn_config.pre_fork(server, worker)
        server.WORKERS[pid] = worker
    assert [w.cpu for w in replacements] == [0, 0]


def test_without_cpus_no_process_is_given_one(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(gunicorn_config, "CPUS", [])
    worker = SimpleNamespace()

    gunicorn_config.pre_fork(SimpleNamespace(WORKERS={}), worker)
    gunicorn_config.post_fork(None, worker)

    assert not hasattr(worker, "cpu")


def _allowed_cpus(pid: int) -> str:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Cpus_allowed_list:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no Cpus_allowed_list for {pid}")


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs"
)
@pytest.mark.parametrize("mode", ["true", "false"])
@pytest.mark.django_db(transaction=True)
def test_serve_keeps_each_process_on_its_own_cpu_when_asked(tmp_path, mode) -> None:  # type: ignore[no-untyped-def]
    args = ("--no-collectstatic", "--workers", "2", "--threads", "1")
    with serve(tmp_path, *args, WEB_CPU_AFFINITY=mode) as (_, server):
        allowed = sorted(_allowed_cpus(pid) for pid in web_processes(server, 2))
        everything = _allowed_cpus(server.pid)

    cpus = sorted(os.sched_getaffinity(0))
    assert len(allowed) == 2
    if mode == "true":
        assert allowed == sorted(str(cpu) for cpu in cpus[:2])
    else:
        assert allowed == [everything, everything]
    assert everything == _allowed_cpus(os.getpid())  # the master itself is never pinned
