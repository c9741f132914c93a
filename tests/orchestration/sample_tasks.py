"""Tasks for the worker's tests: one that fails, one that answers, one that never ends."""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task


@task()
def task_fail(message: str) -> None:
    """Raise, as a task with a bug would."""
    raise ValueError(message)


@task()
def task_echo(value: str) -> str:
    """Return its argument."""
    return value


@task()
def task_block(marker: str, once: bool) -> str:
    """Say it started and wait for ever; with `once`, a run after one that started returns at once."""
    path = Path(marker)
    if once and path.exists():
        return "second run"
    path.write_text("started")
    print("blocking task started", flush=True)
    while True:
        time.sleep(1)
