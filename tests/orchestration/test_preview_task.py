"""The preview task in the worker: the report in Job.result, progress on the job, a crash reported."""

from __future__ import annotations

import pytest

from carrefour.orchestration.jobs import job_start, job_state
from carrefour.orchestration.models import Job
from carrefour.orchestration.preview_tasks import source_preview_run
from tests.orchestration.preview_helpers import (
    _partners_may_reach_the_simulator,
    as_text,
    harvested,
    live_rows,
    simulator_definition,
)
from tests.simulator import World
from tests.worker import tasks_run

__all__ = ["_partners_may_reach_the_simulator"]
pytestmark = [pytest.mark.django_db, pytest.mark.simulator]


def test_the_worker_writes_the_report_and_progress_of_a_preview(small_world: World) -> None:
    definition = simulator_definition("observatoire-regional", small_world)
    source = harvested(definition)
    before = live_rows()
    definition["fields"]["title"] = {"column": "nom", "replace": [["^", "Projet : "]]}
    job = job_start(Job.Kind.SOURCE_PREVIEW, source_preview_run, source.pk, as_text(definition))
    tasks_run()
    job.refresh_from_db()
    state = job_state(job)
    assert state.finished and not state.error, state
    report = job.result
    assert report["counts"]["changed"] > 0 and report["counts"]["new"] == 0
    assert all(item["title"].startswith("Projet : ") for item in report["changed"])
    assert job.done == report["counts"]["records"] > 0 and job.total == 50
    assert f"{report['counts']['changed']} modifiée(s)" in job.summary
    assert live_rows() == before


def test_a_bad_definition_finishes_the_job_with_its_problems() -> None:
    job = job_start(Job.Kind.SOURCE_PREVIEW, source_preview_run, None, "slug: [")
    tasks_run()
    job.refresh_from_db()
    assert not job_state(job).error and "définition invalide" in job.summary
    assert job.result["problems"][0].startswith("ligne 1 : erreur de syntaxe YAML")


def test_a_crashed_preview_is_a_failed_job_with_its_error() -> None:
    job = job_start(Job.Kind.SOURCE_PREVIEW, source_preview_run, 999_999, "slug: x")
    tasks_run()
    job.refresh_from_db()
    state = job_state(job)
    assert state.finished and state.label == "échoué"
    assert "DoesNotExist" in state.error and job.result is None
