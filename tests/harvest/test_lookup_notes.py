"""What the lookup tables say (codes a table did not know, a cached copy used) reaches the partner
everywhere a crawl is reported: `carrefour sources check FILE` and the preview of a definition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.template.loader import render_to_string

from carrefour.orchestration.preview import source_preview
from carrefour.sources.models import Source
from tests.harvest.conftest import MiniSite
from tests.harvest.sites import harvest_definition
from tests.harvest.test_lookups import LAYER, LEGEND, serve_layer
from tests.orchestration.preview_helpers import _partners_may_reach_the_simulator, as_text

__all__ = ["_partners_may_reach_the_simulator"]

pytestmark = pytest.mark.django_db

MISSING = "lookup types : 1 code absent de la table (Z)"


def test_sources_check_shows_the_codes_a_lookup_table_did_not_know(
    mini_site: MiniSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_layer(mini_site, LEGEND, ["A", "Z", "M"])
    path = tmp_path / "carte.yml"
    full = {"name": "Carte", "fictional": True, "politeness": {"delay": 0}, **LAYER}
    path.write_text(yaml.safe_dump(full, allow_unicode=True), encoding="utf-8")
    call_command("sources", "check", str(path), "--base-url", mini_site.url)
    out = capsys.readouterr().out
    assert "carte: 2 pages, 3 records, 0 errors" in out
    assert f"  {MISSING}" in out


def test_the_preview_shows_a_cached_lookup_table_used_and_the_codes_it_did_not_know(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_layer(mini_site, LEGEND, ["A", "M"])
    harvest_definition(LAYER, mini_site.url, tmp_path / "s", settings, capsys)
    # The legend is now down: the preview falls back on the copy the harvest cached, as a harvest would.
    serve_layer(mini_site, LEGEND, ["A", "Z", "M"])
    mini_site.route("/legende.json", "erreur", status=500, ctype="text/plain")
    definition = {
        **LAYER,
        "name": "Carte",
        "fictional": True,
        "base_url": mini_site.url,
        "politeness": {"delay": 0, "concurrency": 1, "retries": 0},
    }
    report = source_preview(as_text(definition), source=Source.objects.get(slug="carte"))
    assert report["problems"] == [] and report["counts"]["records"] == 3
    [stale, missing] = report["crawl"]["lookup_notes"]
    assert stale.startswith("lookup types : HTTP 500") and "table en cache du " in stale
    assert missing == MISSING
    html = render_to_string("orchestration/preview_report.html", {"report": report})
    shown = html.split('id="apercu-legendes"')[1]
    assert "table en cache du " in shown and MISSING in shown
