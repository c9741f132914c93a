"""Helpers of the worker tests: tasks enqueued and read by `carrefour shell`, a server waited for."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Callable
from typing import Any

from tests.instance import Instance

WAIT = 120  # seconds before a process that never answers fails the test

_RESULTS = """
import json
from django_tasks_db.models import DBTaskResult
print(json.dumps([
    [r.task_path.rsplit(".", 1)[-1], r.status, r.return_value, r.traceback.strip().splitlines()[-1:],
     len(r.worker_ids)]
    for r in DBTaskResult.objects.order_by("enqueued_at")
]))
"""


def tasks_enqueue(instance: Instance, *calls: str) -> None:
    """Enqueue tasks of tests/orchestration/sample_tasks.py (`task_echo.enqueue("x")`, …) in order."""
    imports = "from tests.orchestration.sample_tasks import task_block, task_echo, task_fail\n"
    instance.run("shell", "-c", imports + "\n".join(calls))


def tasks_results(instance: Instance) -> list[list[Any]]:
    """Task name, status, return value, last traceback line and number of workers, per task."""
    result: list[list[Any]] = json.loads(
        instance.run("shell", "-c", _RESULTS).stdout.strip().splitlines()[-1]
    )
    return result


def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for condition, failing after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.3)


def answers(port: int) -> bool:
    """Whether the site on port answers the API."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/api/v1/projects")
        return connection.getresponse().status == 200
    except OSError:
        return False
