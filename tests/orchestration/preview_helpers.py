"""Helpers of the preview tests: simulator definitions as partners would write them, live rows snapshot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings

from carrefour.dedup.models import Cluster, ClusterMember
from carrefour.harvest.models import HarvestRun, RawRecord
from carrefour.harvest.services import harvest_changed_raw_ids, harvest_run
from carrefour.normalize.models import Record
from carrefour.orchestration.pipeline import pipeline_process
from carrefour.projects.models import Project, ProjectSource
from carrefour.sources.models import Source
from carrefour.sources.services import source_upsert_from_definition
from tests.simulator import World

PLATFORMS = {
    "regards-solidaires": "portraits",
    "initiatives-data": "api",
    "observatoire-regional": "opendata",
}


def simulator_definition(slug: str, world: World) -> dict[str, Any]:
    """The repository definition of a simulator source, pointed at the served world, without delays."""
    definition = yaml.safe_load((Path(settings.SOURCES_DIR) / f"{slug}.yml").read_text(encoding="utf-8"))
    definition["base_url"] = world.urls[PLATFORMS[slug]]
    definition["politeness"] = {**definition["politeness"], "delay": 0}
    return dict(definition)


def as_text(definition: dict[str, Any]) -> str:
    """A definition as the YAML text a partner submits."""
    return yaml.safe_dump(definition, allow_unicode=True, sort_keys=False)


def harvested(definition: dict[str, Any]) -> Source:
    """A source harvested and processed by the real pipeline (its live records, clusters and projects)."""
    source = source_upsert_from_definition(definition)
    run = harvest_run(source)
    assert run.status == HarvestRun.Status.SUCCESS, run.message
    pipeline_process(harvest_changed_raw_ids(run))
    return source


def live_rows() -> dict[str, Any]:
    """Every live row a preview must not create, change or delete, as comparable content."""
    return {
        "sources": list(
            Source.objects.order_by("pk").values_list("pk", "slug", "definition", "review_status")
        ),
        "runs": list(HarvestRun.objects.order_by("pk").values_list("pk", "status", "records_seen")),
        "raw": list(
            RawRecord.objects.order_by("pk").values_list("pk", "content_hash", "state", "missed_runs")
        ),
        "records": [
            json.dumps(row, sort_keys=True, default=str)
            for row in Record.objects.order_by("pk").values_list(
                "pk", "data", "is_valid", "unmapped", "raw_hash"
            )
        ],
        "clusters": list(Cluster.objects.order_by("pk").values_list("pk", flat=True)),
        "members": list(ClusterMember.objects.order_by("pk").values_list("record_id", "cluster_id")),
        "projects": list(Project.objects.order_by("pk").values_list("pk", "content_hash", "is_published")),
        "publications": list(ProjectSource.objects.order_by("pk").values_list("pk", "project_id", "gone")),
    }


@pytest.fixture(autouse=True)
def _partners_may_reach_the_simulator(settings: Any) -> None:
    """A preview is bounded as a partner's: the loopback simulator is allow-listed for partners."""
    settings.PARTNER_ALLOWED_HOSTS = ["127.0.0.1"]
