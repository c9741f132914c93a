"""Run safety for harvest, import and pipeline: one writer at a time, dead runs found.

Every command that stores or processes records holds an exclusive lock on `DATA_DIR/pipeline.lock`
for its whole run. The kernel releases it when the process dies, even killed by SIGKILL, so a run
still `running` in the database when the lock is taken again was left by a dead process.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from carrefour.harvest.models import HarvestRun
from carrefour.stop import stop_on_signals

LOCK = "pipeline.lock"


class RunBusyError(RuntimeError):
    """Another harvest, import or pipeline run holds the lock."""


def harvest_runs_interrupt_stale() -> int:
    """Mark the runs left `running` by a dead process as interrupted; their number."""
    return HarvestRun.objects.filter(status=HarvestRun.Status.RUNNING).update(
        status=HarvestRun.Status.INTERRUPTED,
        finished_at=timezone.now(),
        message="interrompu : le processus s'est arrêté avant la fin ; les fiches restées en attente "
        "sont reprises par l'exécution suivante",
    )


@contextmanager
def _lock(*, wait_message: str | None) -> Iterator[bool]:
    """Hold the run lock if free: yields True, or False when another process has it (no message)."""
    path = Path(settings.DATA_DIR) / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            if wait_message is not None:
                raise RunBusyError(f"{wait_message} (verrou {path})") from exc
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def harvest_runs_settle() -> int:
    """When no run is going on, mark the runs its dead predecessors left `running`; their number."""
    with _lock(wait_message=None) as held:
        return harvest_runs_interrupt_stale() if held else 0


@contextmanager
def run_guard() -> Iterator[int]:
    """Hold the run lock, mark dead runs interrupted, turn SIGTERM/SIGINT into a stop request.

    Yields the number of runs found interrupted. Raises RunBusyError when another run holds the lock.
    """
    busy = "une autre moisson, un import ou un traitement est en cours ; réessayez quand il sera terminé"
    with _lock(wait_message=busy), stop_on_signals():
        yield harvest_runs_interrupt_stale()
