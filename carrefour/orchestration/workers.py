"""Task workers: each holds a lock file while it lives, so the tasks a dead one left are found again.

A worker killed mid-task (SIGKILL, OOM, power cut) leaves its task `RUNNING` in the database for
ever: django-tasks-db never looks at it again. Every `carrefour worker` holds an exclusive lock on
`DATA_DIR/workers/<worker id>.lock`; the kernel releases it when the process dies, so a lock file
nobody holds names a dead worker, and its running tasks are re-queued (or failed, see MAX_CLAIMS).
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

# A task claimed by this many workers that all died is failed rather than re-queued: it is likely
# the task itself that kills them (memory), and re-running it for ever would stop the queue.
MAX_CLAIMS = 2


class WorkerDiedError(RuntimeError):
    """The error a task gets when the workers that ran it died before it ended."""


@dataclass(frozen=True)
class Recovery:
    """What tasks_recover did with the tasks dead workers left running."""

    requeued: int = 0
    failed: int = 0

    def as_text(self) -> str:
        """One-line French summary."""
        return (
            f"tâches laissées « en cours » par un worker arrêté : {self.requeued} remise(s) en file, "
            f"{self.failed} marquée(s) échouée(s)"
        )


def _workers_dir() -> Path:
    path = Path(settings.DATA_DIR) / "workers"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def worker_lock(worker_id: str) -> Iterator[None]:
    """Hold this worker's lock file while the block runs; removed at a clean exit."""
    folder = _workers_dir()
    # Locked before it appears under its name: tasks_recover never sees a live worker's file unlocked.
    descriptor, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    path = folder / f"{worker_id}.lock"
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.replace(temporary, path)
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(descriptor)


def _dead_workers() -> set[str]:
    """Ids of the workers whose lock file nobody holds any more (their files removed)."""
    dead = set()
    for path in _workers_dir().glob("*.lock"):
        with open(path, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            dead.add(path.stem)
            path.unlink(missing_ok=True)
    return dead


def tasks_recover() -> Recovery:
    """Re-queue the tasks left running by dead workers; fail those already re-queued MAX_CLAIMS - 1 times."""
    dead = _dead_workers()
    requeued = failed = 0
    for result in DBTaskResult.objects.running():
        if not result.worker_ids or result.worker_ids[-1] not in dead:
            continue
        if len(result.worker_ids) >= MAX_CLAIMS:
            result.set_failed(
                WorkerDiedError(f"{len(result.worker_ids)} workers sont morts pendant cette tâche")
            )
            failed += 1
        else:
            DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None
            )
            requeued += 1
    return Recovery(requeued=requeued, failed=failed)
