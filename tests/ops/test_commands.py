"""`serve` and `worker` take their defaults from the environment's settings."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sessiondesk.worker.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_takes_its_thread_count_from_worker_concurrency(settings) -> None:  # type: ignore[no-untyped-def]
    settings.WORKER_CONCURRENCY = 0
    with pytest.raises(CommandError, match=r"^--concurrency must be at least 1\.$"):
        call_command("worker", "--once")
    assert WorkerHeartbeat.objects.count() == 0
    settings.WORKER_CONCURRENCY = 2
    call_command("worker", "--once")
    assert WorkerHeartbeat.objects.count() == 1


def test_serve_takes_its_process_count_from_web_concurrency(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.WEB_CONCURRENCY = 0
    settings.STATIC_ROOT = tmp_path / "static"
    with pytest.raises(CommandError, match=r"^--workers and --threads must be at least 1\.$"):
        call_command("serve", "--no-collectstatic")
    settings.WEB_CONCURRENCY, settings.WEB_THREADS = 2, 0
    with pytest.raises(CommandError, match=r"^--workers and --threads must be at least 1\.$"):
        call_command("serve")
    assert not (tmp_path / "static").exists()
