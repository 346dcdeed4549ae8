"""serve runs its web processes under Linux's batch scheduling policy (WEB_SCHED_BATCH)."""

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from sessiondesk.ops.management.commands.serve import batch_policy
from tests.ops.served import serve, web_processes

if not hasattr(os, "SCHED_BATCH"):
    pytest.skip("a Linux scheduling policy", allow_module_level=True)


def _threads(pid: int) -> list[int]:
    return [int(task.name) for task in Path(f"/proc/{pid}/task").iterdir()]


# With the setting off, serve keeps the policy it was started under: the test's own.
@pytest.mark.skipif(os.sched_getscheduler(0) == os.SCHED_BATCH, reason="the tests already run under batch")
@pytest.mark.parametrize(("setting", "policy"), [(None, os.SCHED_BATCH), ("false", os.sched_getscheduler(0))])
@pytest.mark.django_db(transaction=True)
def test_the_web_processes_and_their_threads_run_under_the_batch_policy(
    tmp_path, monkeypatch, setting, policy
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("WEB_SCHED_BATCH", raising=False)
    env = {"WEB_SCHED_BATCH": setting} if setting else {}
    with serve(tmp_path, "--no-collectstatic", "--workers", "2", "--threads", "4", **env) as (base, server):
        processes = web_processes(server, 2)
        # Requests at once, so that every request thread has served (gthread starts them as requests come).
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: httpx.get(base + "/healthz").status_code, range(32)))
        threads = [thread for pid in processes for thread in _threads(pid)]
        policies = {os.sched_getscheduler(thread) for thread in [*_threads(server.pid), *threads]}

    assert answers == [200] * 32
    assert len(processes) == 2
    assert len(threads) > 2  # request threads, not only each process's first
    assert policies == {policy}


def test_a_refused_policy_is_logged_and_the_usual_one_kept(monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    def refuse(pid: int, policy: int, param: os.sched_param) -> None:
        raise PermissionError(1, "Operation not permitted")

    before = os.sched_getscheduler(0)
    monkeypatch.setattr(os, "sched_setscheduler", refuse)

    with caplog.at_level(logging.WARNING, logger="sessiondesk.serve"):
        assert batch_policy() is False

    assert caplog.messages == [
        "The batch scheduling policy was refused ([Errno 1] Operation not permitted); serving under the usual one."
    ]
    assert os.sched_getscheduler(0) == before
