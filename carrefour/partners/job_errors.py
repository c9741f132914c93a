"""What the partner space says of a failed background task, depending on who reads it."""

from __future__ import annotations

from typing import Any

from carrefour.accounts.roles import Role, user_roles
from carrefour.orchestration.jobs import JobState

# The error line names our code and data: administrators can act on it, partners get a plain message.
JOB_FAILED = "La tâche a échoué ; l'équipe du Carrefour est prévenue."


def job_error_shown(user: Any, state: JobState | None) -> str:
    """The error of a failed job as this user may read it ("" when the job did not fail)."""
    if state is None or not state.error:
        return ""
    return state.error if Role.ADMINISTRATOR in user_roles(user) else JOB_FAILED
