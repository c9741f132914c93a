"""django-tasks-db's worker loop in the test process: runs what is queued, inside the test's transaction."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker


def tasks_run() -> None:
    """Run every task that is ready, then return (no signal handlers: pytest keeps its own)."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-process",
        excluded_queue_names=[],
    ).run()
