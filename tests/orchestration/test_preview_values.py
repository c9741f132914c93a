"""Preview report: each record's values as read, and would-merge honouring administrators' decisions."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string

from carrefour.dedup.models import Cluster
from carrefour.dedup.services import cluster_split
from carrefour.normalize.models import Record
from carrefour.orchestration.preview import source_preview
from carrefour.projects.models import Project
from tests.harvest.conftest import MiniSite, mini_site
from tests.orchestration.preview_helpers import (
    _partners_may_reach_the_simulator,
    as_text,
    harvested,
    simulator_definition,
)
from tests.simulator import World

__all__ = ["_partners_may_reach_the_simulator", "mini_site"]

pytestmark = [pytest.mark.django_db]

CSV = (
    "id,titre,texte,themes,annee,site\n"
    "b1,Jardin des Lilas,Un jardin partagé au cœur du quartier,Jardins,2019,https://lilas.example.org/\n"
    'b2,"<b>Atelier</b> vélo",Réparer ensemble,Troc,,\n'
)


def definition(site: MiniSite) -> dict[str, Any]:
    """A CSV source whose start year and website are read from columns."""
    return {
        "slug": "tableur-annees",
        "name": "Tableur des années",
        "kind": "csv",
        "start_urls": [f"{site.url}/export.csv"],
        "politeness": {"delay": 0},
        "record_id": {"column": "id"},
        "fields": {
            "title": {"column": "titre"},
            "description": {"column": "texte"},
            "themes": {"column": "themes"},
            "start_year": {"column": "annee"},
            "website": {"column": "site"},
        },
        "vocabularies": {"themes": {"Jardins": "environnement"}},
    }


def test_each_record_shows_every_field_as_read(mini_site: MiniSite) -> None:
    mini_site.route("/export.csv", CSV, ctype="text/csv; charset=utf-8")
    report = source_preview(as_text(definition(mini_site)))
    records = {record["id"]: record for record in report["records"]}
    lilas = {row["field"]: row["value"] for row in records["b1"]["rows"]}
    assert lilas["start_year"] == "2019" and lilas["title"] == "Jardin des Lilas"
    assert lilas["themes"] == "Environnement et biodiversité (environnement)"
    assert lilas["website"] == "https://lilas.example.org/"
    assert "Un jardin partagé" in lilas["description"]
    velo = records["b2"]
    # Nothing read is still a line of the table: the partner sees the year is missing.
    assert {row["field"]: row["value"] for row in velo["rows"]}["start_year"] == ""
    assert any("Troc" in problem for problem in velo["problems"])
    html = render_to_string("orchestration/preview_report.html", {"report": report})
    assert "Valeurs lues, fiche par fiche" in html and "<details" in html
    assert "Année de début" in html and "2019" in html and "(vide)" in html
    assert "<b>Atelier</b>" not in html and "Atelier" in html


@pytest.mark.simulator
def test_would_merge_honours_a_split_and_hides_unpublished_projects(small_world: World) -> None:
    harvested(simulator_definition("initiatives-data", small_world))
    text = as_text(simulator_definition("regards-solidaires", small_world))
    source = harvested(simulator_definition("regards-solidaires", small_world))
    already = [item for item in source_preview(text, source=source)["would_merge"] if item["already"]]
    assert len(already) >= 2, "the harvest merged records of both platforms"
    split, hidden = already[0], already[1]
    # An administrator says the first record is not the same project as the one it was merged with.
    record = Record.objects.get(raw__source=source, raw__source_record_id=split["id"])
    cluster_split(Cluster.objects.get(members__record=record), [record.pk])
    # The second project is withdrawn from the site.
    Project.objects.filter(pk=hidden["project"]["id"]).update(is_published=False)
    report = source_preview(text, source=source)
    listed = {(item["id"], item["project"]["id"]) for item in report["would_merge"]}
    assert (split["id"], split["project"]["id"]) not in listed
    assert all(project != hidden["project"]["id"] for _, project in listed)
    html = render_to_string("orchestration/preview_report.html", {"report": report})
    assert f'href="{hidden["project"]["url"]}"' not in html
