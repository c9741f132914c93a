"""Preview of a source definition against the simulator: the diff with live data, and no live row touched."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.template.loader import render_to_string

from carrefour.orchestration.preview import PREVIEW_MAX_PAGES, source_preview
from carrefour.projects.models import ProjectSource
from carrefour.sources.models import Source
from tests.harvest.conftest import MiniSite, mini_site
from tests.orchestration.preview_helpers import (
    _partners_may_reach_the_simulator,
    as_text,
    harvested,
    live_rows,
    simulator_definition,
)
from tests.simulator import World

__all__ = ["_partners_may_reach_the_simulator", "mini_site"]

pytestmark = [pytest.mark.django_db, pytest.mark.simulator]


def truth_projects(world: World) -> dict[tuple[str, str], str]:
    """(platform, source record id) → the real project it publishes, from the world's ground truth."""
    found = {}
    for line in world.truth.read_text(encoding="utf-8").splitlines():
        project = json.loads(line)
        for pub in project["publications"]:
            found[(pub["platform"], pub["source_id"])] = project["id"]
    return found


def test_never_harvested_source_lists_new_records(small_world: World) -> None:
    before = live_rows()
    definition = simulator_definition("regards-solidaires", small_world)
    report = source_preview(as_text(definition), max_records=12)
    assert report["problems"] == []
    assert report["counts"]["records"] == 12 and report["crawl"]["end"] == "max_records"
    assert report["counts"]["new"] + report["counts"]["rejected"] == 12
    assert {item["title"] for item in report["new"]} and all(item["title"] for item in report["new"])
    assert report["changed"] == [] and report["counts"]["not_seen"] == 0
    assert 3 <= len(report["samples"]) <= 6
    fill = {row["field"]: row["rate"] for row in report["fill"]}
    assert set(fill) == set(definition["fields"]) and 0.5 < fill["title"] <= 1
    json.dumps(report)  # what the worker stores in Job.result
    html = render_to_string("orchestration/preview_report.html", {"report": report})
    assert report["new"][0]["title"].split()[0] in html and "fr-card" in html
    assert live_rows() == before


def test_changed_selector_shows_changed_fields_and_unseen_records(small_world: World) -> None:
    definition = simulator_definition("regards-solidaires", small_world)
    source = harvested(definition)
    before = live_rows()
    same = source_preview(as_text(definition), source=source, max_records=10)
    assert same["counts"]["unchanged"] + same["counts"]["rejected"] == 10 and same["changed"] == []
    definition["fields"]["organization"] = {"const": "Structure renommée"}
    report = source_preview(as_text(definition), source=source, max_records=10)
    assert report["counts"]["new"] == 0 and report["counts"]["changed"] >= 8
    for item in report["changed"]:
        assert {"field": "organization", "after": "Structure renommée"}.items() <= next(
            change for change in item["fields"] if change["field"] == "organization"
        ).items()
    # Ten records seen out of a whole listing: the others are "not seen", never announced as deleted.
    assert not report["crawl"]["complete"] and report["counts"]["not_seen"] > 0
    html = render_to_string("orchestration/preview_report.html", {"report": report})
    assert "Structure renommée" in html and "pas été vue" in html and "disparaîtr" not in html
    assert live_rows() == before


def test_record_of_another_source_shows_the_project_it_would_join(small_world: World) -> None:
    harvested(simulator_definition("initiatives-data", small_world))
    before = live_rows()
    report = source_preview(as_text(simulator_definition("regards-solidaires", small_world)), max_records=50)
    truth = truth_projects(small_world)
    assert report["would_merge"], "the world publishes projects on both platforms"
    for item in report["would_merge"]:
        publications = ProjectSource.objects.filter(
            project_id=item["project"]["id"], source__slug="initiatives-data"
        )
        real = {truth[("api", sid)] for sid in publications.values_list("source_record_id", flat=True)}
        assert real == {truth[("portraits", item["id"])]}, item
        assert item["project"]["url"].startswith(f"/projets/{item['project']['id']}-")
        assert item["other_source"] == "initiatives-data" and not item["already"]
    assert report["counts"]["would_merge"] == len(report["would_merge"])
    assert live_rows() == before


def test_records_already_merged_are_listed_but_not_counted(small_world: World) -> None:
    harvested(simulator_definition("initiatives-data", small_world))
    definition = simulator_definition("regards-solidaires", small_world)
    source = harvested(definition)
    report = source_preview(as_text(definition), source=source, max_records=50)
    already = [item for item in report["would_merge"] if item["already"]]
    assert already, "the harvest merged records of both platforms"
    assert report["counts"]["would_merge"] == len(report["would_merge"]) - len(already)
    html = render_to_string("orchestration/preview_report.html", {"report": report})
    assert "déjà regroupées" in html


def csv_definition(site: MiniSite, **extra: Any) -> dict[str, Any]:
    """A CSV source on the mini site, themes mapped for one term only."""
    return {
        "slug": "tableur-partenaire",
        "name": "Tableur partenaire",
        "kind": "csv",
        "start_urls": [f"{site.url}/export.csv"],
        "politeness": {"delay": 0},
        "record_id": {"column": "id"},
        "fields": {
            "title": {"column": "titre"},
            "description": {"column": "texte"},
            "themes": {"column": "themes", "split": "|", "multiple": True},
        },
        "vocabularies": {"themes": {"Jardins": "environnement"}},
        **extra,
    }


def test_unmapped_terms_counted_and_hostile_values_escaped(mini_site: MiniSite) -> None:
    mini_site.route(
        "/export.csv",
        "id,titre,texte,themes\n"
        "a1,Jardin des Lilas,Un jardin partagé,Jardins|Troc\n"
        "a2,Atelier vélo,Réparer ensemble,Troc|Mobilité douce\n"
        '"<script>alert(\'id\')</script>","<img src=x onerror=alert(2)> Repair café",Un café,Troc\n'
        "a4,x,Titre trop court,Jardins\n",
        ctype="text/csv; charset=utf-8",
    )
    report = source_preview(as_text(csv_definition(mini_site)))
    assert report["crawl"]["complete"] and report["counts"]["records"] == 4
    assert report["unmapped"] == {
        "themes": [
            {"term": "Troc", "count": 3},
            {"term": "Mobilité douce", "count": 1},
        ]
    }
    assert [(item["id"], item["stage"]) for item in report["rejected"]] == [("a4", "normalisation")]
    assert "titre" in report["rejected"][0]["reasons"][0]
    html = render_to_string("orchestration/preview_report.html", {"report": report})
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#x27;id&#x27;)&lt;/script&gt;" in html and "Repair café" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("slug: [unclosed", "ligne 1 : erreur de syntaxe YAML"),
        ("- just\n- a list\n", "ligne 1 : un bloc de clés (clé: valeur) est attendu"),
        ("slug: x\nname: X\nkind: html\n", "start_urls"),
    ],
)
def test_bad_definition_gives_clear_problems_and_crawls_nothing(text: str, expected: str) -> None:
    before = live_rows()
    report = source_preview(text)
    assert any(expected in problem for problem in report["problems"]), report["problems"]
    assert report["counts"]["records"] == 0 and report["crawl"]["pages"] == 0
    html = render_to_string("orchestration/preview_report.html", {"report": report})
    assert "La définition ne peut pas être utilisée" in html
    assert live_rows() == before


def test_a_partner_text_never_reads_local_files_nor_private_hosts(mini_site: MiniSite, settings: Any) -> None:
    definition = csv_definition(mini_site, start_urls=["/etc/passwd", "file:///etc/hostname"])
    report = source_preview(as_text(definition))
    assert [problem.split(":")[0] for problem in report["problems"]] == ["start_urls[0]", "start_urls[1]"]
    assert all("seules les adresses http:// et https://" in problem for problem in report["problems"])
    assert report["crawl"]["pages"] == 0 and report["counts"]["records"] == 0
    settings.PARTNER_ALLOWED_HOSTS = []
    report = source_preview(as_text(csv_definition(mini_site)))
    assert report["problems"] and report["problems"][0].startswith("start_urls[0]")
    assert report["crawl"]["pages"] == 0 and mini_site.log == []


def test_a_partner_previewing_a_repository_source_gets_partner_bounds(mini_site: MiniSite) -> None:
    source = Source.objects.create(slug="fichier", name="Fichier", kind="csv", origin=Source.Origin.FILE)
    definition = csv_definition(mini_site, start_urls=["file:///etc/hostname"])
    report = source_preview(as_text(definition), source=source)  # from the partner space: partner bounds
    assert report["problems"] and "seules les adresses http:// et https://" in report["problems"][0]
    assert report["crawl"]["pages"] == 0 and report["counts"]["records"] == 0


def test_the_crawl_is_capped_whatever_the_definition_allows(mini_site: MiniSite) -> None:
    for n in range(1, 201):
        article = f'<article><h2 data-id="r{n}">Projet numéro {n}</h2></article>'
        mini_site.route(f"/p/{n}", f'{article}<a class="next" href="/p/{n + 1}">›</a>')
    definition = {
        "slug": "liste-sans-fin",
        "name": "Liste sans fin",
        "kind": "html",
        "start_urls": [f"{mini_site.url}/p/1"],
        "politeness": {"delay": 0, "max_pages": 5000, "max_duration": 3600},
        "pagination": {"type": "next_link", "next": {"css": "a.next::attr(href)"}},
        "list": {"records": {"css": "article"}},
        "record_id": {"css": "h2::attr(data-id)"},
        "fields": {"title": {"css": "h2::text"}},
    }
    report = source_preview(as_text(definition), max_records=500)
    # The cap counts every response (robots.txt too); requests already sent may still be answered.
    served = [path for path in mini_site.log if path.startswith("/p/")]
    assert report["counts"]["records"] == report["crawl"]["pages"] == PREVIEW_MAX_PAGES - 1
    assert len(served) < 100 and report["crawl"]["end"] == "closespider_pagecount"
    assert not report["crawl"]["complete"]
    html = render_to_string("orchestration/preview_report.html", {"report": report})
    assert "Arrêté à la limite de pages d'un aperçu." in html


def test_unreachable_site_is_reported_not_raised(mini_site: MiniSite) -> None:
    report = source_preview(csv_definition(mini_site))  # /export.csv not routed: 404
    assert report["counts"]["records"] == 0 and not report["crawl"]["complete"]
    assert report["rejected"] and report["rejected"][0]["stage"] == "collecte"
    assert "404" in report["rejected"][0]["reasons"][0]
