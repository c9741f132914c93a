"""django-tasks-db's worker loop in the test process: runs what is queued, inside the test's transaction."""

from __future__ import annotations

from unittest import mock

from django_tasks_db.management.commands import db_worker


def tasks_run() -> None:
    """Run every task that is ready, then return (no signal handlers: pytest keeps its own)."""
    worker = db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-process",
        excluded_queue_names=[],
    )
    # The loop closes "old" connections between tasks: on PostgreSQL that would close the test's own,
    # and its transaction with it. Workers in their own process (tests/orchestration) keep this.
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        worker.run()
