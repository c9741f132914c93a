"""Accounts in every role, tests/accounts' world of two organisations, raw records through the pipeline;
a partner source of the "own" organisation with stored records, some of their terms unmapped."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from carrefour.accounts.services import organisation_source_add
from carrefour.harvest.models import RawRecord
from carrefour.orchestration.pipeline import pipeline_process
from carrefour.sources.definitions import definition_read
from carrefour.sources.models import Source
from carrefour.sources.services import source_upsert_from_definition
from carrefour.sources.versions import source_version_save
from tests.accounts.conftest import _allauth_counters_fresh as _allauth_counters_fresh
from tests.accounts.conftest import make_user as make_user
from tests.accounts.conftest import world as world
from tests.dedup.conftest import raw as raw

NOW = datetime(2026, 3, 1, tzinfo=UTC)
DEFINITION = Path("sources/regards-solidaires.yml")
# Title → themes as the partner's site writes them; "Jardins partagés" and "Tiers-lieux" map nowhere.
RECORDS = {
    "Atelier vélo des Pentes": ["Jardins partagés", "Mobilité"],
    "Potager des Canuts": ["Jardins partagés"],
    "Verger du Plateau": ["Jardins partagés", "Tiers-lieux"],
    "Cantine des voisins": ["Alimentation durable"],
    "Épicerie du quartier": ["Alimentation durable", "Tiers-lieux"],
    "": ["Jardins partagés"],  # no title: an invalid record, whose terms the partner need not map
}


@pytest.fixture(autouse=True)
def _run_lock_in_tmp(settings: Any, tmp_path: Path) -> None:
    """The run guard's lock file of each test lives in its own directory."""
    settings.DATA_DIR = tmp_path / "data"


def source_stored(world: dict[str, Any]) -> Source:
    """regards-solidaires of the "own" organisation: its file saved as version 1, six records processed."""
    source = source_upsert_from_definition(definition_read(DEFINITION))
    source_version_save(
        DEFINITION.read_text(encoding="utf-8"), author=None, source=source, origin=Source.Origin.FILE
    )
    organisation_source_add(world["own_org"], source)
    raws = [
        RawRecord.objects.create(
            source=source,
            source_record_id=str(i),
            url=f"https://regards.example/portraits/{i}",
            payload={"title": title, "themes": themes, "location_text": "Lyon (69)"},
            content_hash=str(i),
            fetched_at=NOW,
            first_seen_at=NOW,
            last_seen_at=NOW,
        )
        for i, (title, themes) in enumerate(RECORDS.items())
    ]
    pipeline_process([raw.pk for raw in raws])
    source.refresh_from_db()
    return source


@pytest.fixture
def partner_source(world: dict[str, Any], territories_loaded: Any, settings: Any) -> Source:
    """source_stored, its records located; its site (the simulator's address, on loopback) allow-listed
    for partners as a deployment would a test host, since the partner space saves it as a partner's."""
    settings.PARTNER_ALLOWED_HOSTS = ["127.0.0.1"]
    return source_stored(world)


def theme_count(code: str) -> int:
    """Published projects with the theme, as the API's facet counts them."""
    facets = Client().get("/api/v1/projects").json()["facets"]["themes"]
    return next((facet["count"] for facet in facets if facet["code"] == code), 0)


def mapping_form(page: str, choices: dict[str, str]) -> dict[str, str]:
    """The mapping page's form as a browser posts it (one select a row), the given terms' choices changed."""
    data = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    }
    data.pop("csrfmiddlewaretoken", None)
    for name, options in re.findall(
        r'<select class="fr-select" id="[^"]+" name="([^"]+)">(.*?)</select>', page, re.S
    ):
        term = html.unescape(name).partition(":")[2]
        selected = re.search(r'<option value="([^"]*)" selected>', options)
        data[html.unescape(name)] = choices.get(term, html.unescape(selected.group(1)) if selected else "")
    return data
