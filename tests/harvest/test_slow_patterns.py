"""Partners' regular expressions are bounded in time: a pattern that backtracks without end on a hostile
value rejects that record with a clear reason, and the harvest goes on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from carrefour.harvest.extract.patterns import pattern_search, pattern_sub
from carrefour.harvest.models import HarvestRun
from tests.harvest.conftest import MiniSite
from tests.harvest.sites import harvest_definition, payloads

pytestmark = pytest.mark.django_db

# Nested quantifiers: on "aaaa…b" the engine tries every way of splitting the a's before failing.
CATASTROPHIC = "(a+)+$"
HOSTILE = "a" * 5000 + "b"

SOURCE = {
    "slug": "motifs",
    "kind": "csv",
    "start_urls": ["{base_url}/fiches.csv"],
    "csv": {"delimiter": ";"},
    "record_id": {"column": "id"},
    "fields": {
        "title": {"column": "nom"},
        "summary": {"column": "texte", "regex": CATASTROPHIC},
        "description": {"column": "details", "replace": [[CATASTROPHIC, ""]]},
    },
    "filters": [{"skip_if": {"column": "etat"}, "matches": CATASTROPHIC, "reason": "brouillon"}],
}

ROWS = f"""id;nom;texte;details;etat
1;Épicerie solidaire;Une pizza;Ouverte le samedi;publié
2;Atelier vélo;{HOSTILE};Réparations;publié
3;Repair café;Un café;{HOSTILE};publié
4;Jardin partagé;Un jardin;Potager;{HOSTILE}
5;Ressourcerie;Une ressourcerie;Dons;aaa
6;Tiers-lieu;Un tiers-lieu;Ateliers;publié
7;Cantine;Une cantine;Repas;publié
8;Friperie;Une friperie;Vêtements;publié
"""

SLOW = "expression régulière trop lente"


def test_a_catastrophic_pattern_rejects_the_hostile_records_and_keeps_the_others(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    mini_site.route("/fiches.csv", ROWS, ctype="text/csv; charset=utf-8")
    run, _ = harvest_definition(SOURCE, mini_site.url, tmp_path / "sources", settings, capsys)
    stored = payloads("motifs")
    # The extractor `regex`, the extractor `replace` and the filter `matches` each gave up on one row;
    # the same patterns still work on ordinary values (row 5, "aaa", is skipped by the filter).
    assert sorted(stored) == ["1", "6", "7", "8"]
    assert stored["1"]["summary"] == "a" and stored["1"]["description"] == "Ouverte le samedi"
    assert run.status == HarvestRun.Status.SUCCESS and run.records_rejected == 3
    assert run.records_skipped == [["brouillon", 1]]
    reasons = [error["reason"] for error in run.errors]
    assert len(reasons) == 3 and all(SLOW in reason and CATASTROPHIC in reason for reason in reasons)


def test_patterns_keep_their_documented_semantics() -> None:
    # `.` crosses line breaks, the search is anywhere in the value, case counts unless (?i).
    assert pattern_search("début(.+)fin", "x début\nmilieu\nfin y").group(1) == "\nmilieu\n"  # type: ignore[union-attr]
    assert pattern_search("Lyon", "à lyon") is None
    assert pattern_search("(?i)Lyon", "à lyon") is not None
    assert pattern_sub(r"(\d{2})/(\d{2})", r"\2-\1", "le 05/11") == "le 11-05"
