"""Row filters: records a source flags as not to publish are skipped, counted per reason, never errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from carrefour.harvest.models import HarvestRun
from carrefour.sources.definitions import definition_check
from tests.harvest.conftest import MiniSite
from tests.harvest.sites import harvest_definition, payloads

pytestmark = pytest.mark.django_db

NOT_PUBLISHED = "non publiable selon la source"

CSV_FLAGGED = {
    "slug": "initiatives",
    "kind": "csv",
    "start_urls": ["{base_url}/initiatives.csv"],
    "csv": {"delimiter": ";"},
    "record_id": {"column": "id"},
    "fields": {"title": {"column": "nom"}, "commune": {"column": "ville"}},
    "filters": [
        {"skip_if": {"column": "publier"}, "equals": "non", "reason": NOT_PUBLISHED},
        {"keep_if": {"field": "title"}, "empty": False, "reason": "sans nom"},
    ],
}

ROWS = """id;nom;ville;publier
1;Épicerie solidaire;Lyon;oui
2;Atelier vélo;Nantes;non
3;Repair café;Lille; NON
4;;Paris;oui
5;Jardin partagé;Rennes;
6;Ressourcerie;Brest;Oui
;Sans identifiant;Metz;oui
"""


def test_rows_flagged_not_to_publish_are_skipped_and_counted_apart_from_rejections(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    mini_site.route("/initiatives.csv", ROWS, ctype="text/csv; charset=utf-8")
    run, out = harvest_definition(CSV_FLAGGED, mini_site.url, tmp_path / "sources", settings, capsys)
    # "non" in any case and spacing is skipped; an empty flag is not "non"; a nameless row is skipped too.
    assert sorted(payloads("initiatives")) == ["1", "5", "6"]
    assert run.records_skipped == [[NOT_PUBLISHED, 2], ["sans nom", 1]]
    # Skipped rows are neither errors nor rejections: the row without an id still is one.
    assert run.status == HarvestRun.Status.SUCCESS and run.records_rejected == 1
    assert [e["reason"] for e in run.errors] == ["identifiant de fiche absent (ligne 7)"]
    assert f"initiatives: 2 skipped × {NOT_PUBLISHED}" in out and "initiatives: 1 skipped × sans nom" in out


def test_a_filter_on_a_column_missing_from_the_file_publishes_nothing(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    mini_site.route("/initiatives.csv", "id;nom;ville\n1;Épicerie;Lyon\n", ctype="text/csv")
    run, _ = harvest_definition(
        CSV_FLAGGED, mini_site.url, tmp_path / "sources", settings, capsys, fails=True
    )
    assert (
        run.status == HarvestRun.Status.FAILED
        and "colonnes absentes de l'en-tête CSV : publier" in run.message
    )
    assert payloads("initiatives") == {}


API = {
    "slug": "annuaire",
    "kind": "json_api",
    "start_urls": ["{base_url}/api/fiches"],
    "list": {"records": {"json": "fiches[*]"}},
    "record_id": {"json": "id"},
    "fields": {"title": {"json": "titre"}, "status": {"json": "statut"}},
    "filters": [
        {"skip_if": {"json": "statut"}, "in": ["brouillon", "archivé"]},
        {"skip_if": {"json": "titre"}, "matches": "^(?i:test)\\b"},
        {"keep_if": {"json": "visible"}, "equals": True},
    ],
}


def test_filters_on_json_keys_that_some_records_lack(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    fiches = [
        {"id": 1, "titre": "Tiers-lieu", "statut": "actif", "visible": True},
        {"id": 2, "titre": "Brouillon", "statut": "Brouillon", "visible": True},
        # No status at all: `skip_if … in` does not hold, the record stays.
        {"id": 3, "titre": "Sans statut", "visible": True},
        {"id": 4, "titre": "Test fiche", "statut": "actif", "visible": True},
        {"id": 5, "titre": "Testament solidaire", "statut": "actif", "visible": True},
        # No `visible` key: `keep_if … equals true` does not hold, the record is skipped.
        {"id": 6, "titre": "Invisible", "statut": "actif"},
        {"id": 7, "titre": "Masquée", "statut": "actif", "visible": False},
    ]
    mini_site.route("/api/fiches", json.dumps({"fiches": fiches}), ctype="application/json")
    run, _ = harvest_definition(API, mini_site.url, tmp_path / "sources", settings, capsys)
    assert sorted(payloads("annuaire")) == ["1", "3", "5"]
    # Without `reason`, the filter itself is the reason shown.
    # Most frequent first, then in the order of the filters.
    assert run.records_skipped == [
        ["keep_if json visible equals True", 2],
        ["skip_if json statut in ['brouillon', 'archivé']", 1],
        ["skip_if json titre matches '^(?i:test)\\\\b'", 1],
    ]
    assert run.status == HarvestRun.Status.SUCCESS and run.records_rejected == 0 and run.errors == []


def test_a_filter_needs_one_action_one_test_and_a_valid_pattern() -> None:
    base = {k: v for k, v in API.items() if k != "filters"}
    problems = definition_check(
        {
            **base,
            "filters": [
                {"skip_if": {"json": "a"}, "keep_if": {"json": "b"}, "equals": "x"},
                {"skip_if": {"json": "a"}},
                {"skip_if": {"json": "a"}, "matches": "(unclosed"},
                {"skip_if": {"column": "a"}, "empty": True},
                {"drop_if": {"json": "a"}, "equals": "x"},
            ],
        }
    )
    assert (
        "filters[0]: une et une seule action parmi skip_if, keep_if (trouvé : skip_if, keep_if)" in problems
    )
    assert "filters[1]: un et un seul test parmi equals, in, matches, empty (trouvé : rien)" in problems
    assert any(p.startswith("filters[2].matches: expression régulière invalide") for p in problems)
    assert any(
        p.startswith("filters[3].skip_if: `column` ne s'emploie pas avec kind 'json_api'") for p in problems
    )
    assert any(p.startswith("filters[4]: clé inconnue « drop_if »") for p in problems)


def test_matches_reads_its_pattern_as_regex_does(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    definition = {
        "slug": "lieux",
        "kind": "json_api",
        "start_urls": ["{base_url}/api/lieux"],
        "list": {"records": {"json": "lieux[*]"}},
        "record_id": {"json": "id"},
        "fields": {"title": {"json": "titre"}, "summary": {"json": "note", "regex": "(ouvert.*soir)"}},
        "filters": [{"skip_if": {"json": "note"}, "matches": "fermé.*définitivement"}],
    }
    lieux = [
        # `.` crosses the line break, in the filter as in the extractor.
        {"id": 1, "titre": "Fermé", "note": "Lieu fermé\ndéfinitivement"},
        # Case counts in both, unless the pattern says `(?i)`.
        {"id": 2, "titre": "Capitales", "note": "FERMÉ\ndéfinitivement"},
        {"id": 3, "titre": "Soirées", "note": "ouvert\nle soir"},
    ]
    mini_site.route("/api/lieux", json.dumps({"lieux": lieux}), ctype="application/json")
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "sources", settings, capsys)
    records = payloads("lieux")
    assert sorted(records) == ["2", "3"]
    assert records["3"]["summary"] == "ouvert\nle soir" and records["2"]["summary"] is None
    assert run.records_skipped == [["skip_if json note matches 'fermé.*définitivement'", 1]]


NIVEAUX = {
    "slug": "niveaux",
    "kind": "json_api",
    "start_urls": ["{base_url}/api/niveaux"],
    "list": {"records": {"json": "lieux[*]"}},
    "record_id": {"json": "id"},
    "fields": {"title": {"json": "titre"}},
    "filters": [{"keep_if": {"json": "niveau"}, "equals": 1, "reason": "pas de niveau 1"}],
}


def serve_levels(site: MiniSite) -> None:
    """Levels written as JSON exporters do: 1, 1.0, "1", 2.0."""
    levels = [1, 1.0, "1", 2.0]
    lieux = [{"id": n, "titre": f"Lieu {n}", "niveau": level} for n, level in enumerate(levels, start=1)]
    site.route("/api/niveaux", json.dumps({"lieux": lieux}), ctype="application/json")


def test_equals_compares_a_whole_number_written_with_a_decimal_point_as_that_number(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_levels(mini_site)
    run, _ = harvest_definition(NIVEAUX, mini_site.url, tmp_path / "sources", settings, capsys)
    assert sorted(payloads("niveaux")) == ["1", "2", "3"]
    assert run.records_skipped == [["pas de niveau 1", 1]]


def test_a_run_whose_records_are_all_skipped_fails_with_a_french_reason(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_levels(mini_site)
    definition = {**NIVEAUX, "filters": [{"keep_if": {"json": "niveau"}, "equals": 3}]}
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys, fails=True)
    assert run.status == HarvestRun.Status.FAILED
    assert run.message == "0 fiche extraite (4 écartées par les filtres)" and payloads("niveaux") == {}


def test_a_dry_run_shows_what_the_filters_would_skip(
    mini_site: MiniSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mini_site.route("/initiatives.csv", ROWS, ctype="text/csv; charset=utf-8")
    path = tmp_path / "initiatives.yml"
    full = {"name": "Initiatives", "fictional": True, "politeness": {"delay": 0}, **CSV_FLAGGED}
    path.write_text(yaml.safe_dump(full, allow_unicode=True), encoding="utf-8")
    call_command("sources", "check", str(path), "--base-url", mini_site.url)
    out = capsys.readouterr().out
    assert "initiatives: 1 pages, 3 records, 1 errors" in out
    assert f"  2 skipped × {NOT_PUBLISHED}" in out and "  1 skipped × sans nom" in out
