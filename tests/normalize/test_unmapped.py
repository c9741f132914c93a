"""The review list of unmapped values, and a mapping edit applied without harvesting again."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from carrefour.harvest.models import RawRecord
from carrefour.normalize.models import Record
from carrefour.normalize.selectors import unmapped_values
from carrefour.orchestration.pipeline import pipeline_process
from carrefour.projects.models import Project
from carrefour.sources.models import Source

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 3, 1, tzinfo=UTC)


def _source_file(directory: Path, themes: dict[str, str]) -> None:
    definition = yaml.safe_load(Path("sources/regards-solidaires.yml").read_text(encoding="utf-8"))
    definition["vocabularies"]["themes"] = themes
    (directory / "regards-solidaires.yml").write_text(yaml.safe_dump(definition, allow_unicode=True))


@pytest.fixture
def stored(tmp_path: Path, settings: Any, territories_loaded: Any) -> list[RawRecord]:
    settings.SOURCES_DIR = tmp_path
    _source_file(tmp_path, {"Jardins": "environnement"})
    call_command("pipeline", "rerun", "--all", stdout=io.StringIO(), stderr=io.StringIO())  # loads sources
    source = Source.objects.get(slug="regards-solidaires")
    raws = [
        RawRecord.objects.create(
            source=source,
            source_record_id=str(i),
            payload={"title": f"Projet {i}", "themes": themes, "location_text": "Lyon (69)"},
            content_hash=str(i),
            fetched_at=NOW,
            first_seen_at=NOW,
            last_seen_at=NOW,
        )
        for i, themes in enumerate([["Jardins", "Tiers-lieux"], ["Tiers-lieux"], ["Jardins"]])
    ]
    pipeline_process([r.pk for r in raws], update_index=False)
    return raws


def test_review_list_counts_unmapped_values_per_source(stored: list[RawRecord]) -> None:
    rows = unmapped_values()
    assert [(r.source, r.field, r.value, r.count) for r in rows] == [
        ("regards-solidaires", "themes", "Tiers-lieux", 2)
    ]
    admin = User.objects.create_superuser("admin", "a@example.org", "pw")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/normalize/record/unmapped/?source=regards-solidaires")
    assert page.status_code == 200 and "Tiers-lieux" in page.content.decode()


def test_mapping_edit_is_applied_to_affected_records_only(stored: list[RawRecord], settings: Any) -> None:
    before = {p.pk: p.updated_at for p in Project.objects.all()}
    _source_file(settings.SOURCES_DIR, {"Jardins": "environnement", "Tiers-lieux": "lien-social"})
    out = io.StringIO()
    call_command("pipeline", "rerun", "--source", "regards-solidaires", stdout=out, stderr=io.StringIO())
    assert "3 fiches traitées, 1 inchangées" in out.getvalue()
    assert Record.objects.get(raw=stored[1]).data["themes"] == ["lien-social"]
    assert unmapped_values() == []
    after = {p.pk: p.updated_at for p in Project.objects.all()}
    assert set(after) == set(before)
    assert sum(after[pk] != before[pk] for pk in before) == 2
