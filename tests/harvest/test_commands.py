"""Operator commands: `sources check FILE`, `sources status`, `harvest --due` (tiny site on loopback)."""

from __future__ import annotations

import fcntl
import json
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from carrefour.harvest.models import HarvestRun, RawRecord
from carrefour.harvest.services import harvest_run
from carrefour.orchestration.runs import LOCK
from carrefour.sources.models import Source
from tests.harvest.conftest import MiniSite, make_source
from tests.harvest.test_faults import HTML_SOURCE, detail, list_page
from tests.instance import ROOT, instance_create
from tests.simulator import World

pytestmark = pytest.mark.django_db


def serve_projects(site: MiniSite, count: int) -> None:
    """A list page linking `count` project pages (titles, no themes on the last one)."""
    site.route("/list", list_page(*(f"/p/{i}" for i in range(count))))
    for i in range(count):
        site.route(f"/p/{i}", detail(f"Projet {i}"))


def write_definition(directory: Path, slug: str, **extra: object) -> Path:
    """A YAML definition file of the tiny site's HTML source under another slug."""
    definition = {**HTML_SOURCE, "slug": slug, "name": slug, "fictional": True, **extra}
    definition["fields"] = {**HTML_SOURCE["fields"], "summary": {"css": "p.resume"}}
    path = directory / f"{slug}.yml"
    path.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    return path


def row_counts() -> tuple[int, int, int]:
    """Rows a dry run must not create."""
    return Source.objects.count(), HarvestRun.objects.count(), RawRecord.objects.count()


def test_check_shows_records_and_empty_fields_and_stores_nothing(
    mini_site: MiniSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_projects(mini_site, 3)
    path = write_definition(tmp_path, "essai")
    before = row_counts()
    call_command("sources", "check", str(path), "--base-url", mini_site.url, "--records", "2")
    out = capsys.readouterr().out
    shown = [line for line in out.splitlines() if line.startswith("--- ")]
    assert len(shown) == 2 and f"{mini_site.url}/p/" in shown[0]  # only --records records in full
    assert '"title": "Projet ' in out and '"themes": [' in out
    assert "essai: 4 pages, 3 records, 0 errors" in out
    assert "fields left empty: summary (3/3)" in out
    assert row_counts() == before


def test_check_of_a_definition_matching_nothing_fails_clearly(
    mini_site: MiniSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_projects(mini_site, 2)
    path = write_definition(tmp_path, "vide", list={"links": {"css": "ul.autre a::attr(href)"}})
    with pytest.raises(CommandError, match="no record extracted"):
        call_command("sources", "check", str(path), "--base-url", mini_site.url)
    assert "illisible : ni fiche, ni lien vers une fiche" in capsys.readouterr().out
    assert row_counts() == (0, 0, 0)


def test_check_of_an_invalid_file_names_the_problem(tmp_path: Path) -> None:
    path = write_definition(tmp_path, "casse", kind="ftp")
    with pytest.raises(
        CommandError,
        match=r"casse\.yml: définition de source invalide\n  - ligne \d+ \(kind\) : valeur 'ftp'",
    ):
        call_command("sources", "check", str(path), "--base-url", "http://127.0.0.1:9")


def test_status_shows_last_success_trend_and_latest_errors(
    mini_site: MiniSite, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_projects(mini_site, 12)
    source = make_source(HTML_SOURCE)
    first = harvest_run(source, base_url=mini_site.url)
    mini_site.route("/list", "<html><body>Maintenance</body></html>")
    failed = harvest_run(source, base_url=mini_site.url)
    assert (first.status, failed.status) == (HarvestRun.Status.SUCCESS, HarvestRun.Status.FAILED)
    make_source({**HTML_SOURCE, "slug": "jamais"})
    call_command("sources", "status")
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if row.startswith("mini-html "))
    assert "failed" in line and f"{first.started_at:%Y-%m-%d %H:%M}" in line
    assert line.split()[-3:] == ["12", "→", "0!"]  # records of the last success, then the trend
    assert "mini-html: source injoignable ou inutilisable" in out
    assert f"mini-html: {mini_site.url}/list: illisible : ni fiche" in out
    assert next(row for row in out.splitlines() if row.startswith("jamais ")).split()[1] == "never"


def test_harvest_due_runs_only_the_sources_whose_frequency_has_elapsed(
    mini_site: MiniSite, tmp_path: Path, settings: object, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_projects(mini_site, 2)
    write_definition(tmp_path, "quotidienne", frequency="daily")
    write_definition(tmp_path, "hebdo", frequency="weekly")
    settings.SOURCES_DIR = tmp_path  # type: ignore[attr-defined]
    args = ["harvest", "--due", "--base-url", f"quotidienne={mini_site.url}"]
    args += ["--base-url", f"hebdo={mini_site.url}", "--no-pipeline"]

    def runs() -> dict[str, int]:
        return {s.slug: s.runs.count() for s in Source.objects.all()}

    call_command(*args)  # never harvested: both are due
    assert runs() == {"quotidienne": 1, "hebdo": 1}
    call_command(*args)  # just harvested: none is due
    assert runs() == {"quotidienne": 1, "hebdo": 1}
    HarvestRun.objects.update(
        started_at=HarvestRun.objects.get(source__slug="hebdo").started_at - timedelta(hours=25)
    )
    call_command(*args)  # a day later: only the daily source
    assert runs() == {"quotidienne": 2, "hebdo": 1}
    out = capsys.readouterr().out
    assert "quotidienne" in out.split("-\n")[-1]


@pytest.mark.simulator
def test_harvest_due_as_the_scheduler_runs_it_against_the_simulator(
    small_world: World, tmp_path: Path
) -> None:
    """`carrefour harvest --due` in its own process, as the timer or cron of docs/deploiement.md runs it."""
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(ROOT / "sources/initiatives-data.yml", sources)
    urls = tmp_path / "urls.json"
    urls.write_text(json.dumps(small_world.urls))
    due = ("harvest", "--due", "--simulator-urls", str(urls))
    env = {"CARREFOUR_HARVEST_ALLOWED_HOSTS": "127.0.0.1", "CARREFOUR_SOURCES_DIR": str(sources)}
    with instance_create(tmp_path / "data", **env) as instance:
        first = instance.run(*due).stdout
        again = instance.run(*due).stdout
        counts = instance.counts()
    assert re.search(r"^initiatives-data +\d+ +[1-9]\d* .* success$", first, re.M), first
    assert "initiatives-data" not in again  # harvested an instant ago: not due before its frequency
    assert counts["published"] > 0 and counts["runs"] == ["success"]


def test_harvest_due_while_another_run_holds_the_lock_exits_cleanly_and_harvests_next_tick(
    mini_site: MiniSite, tmp_path: Path
) -> None:
    """The hourly timer meets a partner's "moisson maintenant": exit code 0, nothing harvested, due later."""
    serve_projects(mini_site, 2)
    sources = tmp_path / "sources"
    sources.mkdir()
    write_definition(sources, "quotidienne", frequency="daily")
    due = ("harvest", "--due", "--base-url", f"quotidienne={mini_site.url}", "--no-pipeline")
    env = {"CARREFOUR_HARVEST_ALLOWED_HOSTS": "127.0.0.1", "CARREFOUR_SOURCES_DIR": str(sources)}
    with instance_create(tmp_path / "data", **env) as instance:
        with open(tmp_path / "data" / LOCK, "w") as held:
            fcntl.flock(held, fcntl.LOCK_EX)  # as a harvest in another process holds it
            busy = instance.run(*due, check=False)
            named = instance.run(
                "harvest", "quotidienne", "--base-url", f"quotidienne={mini_site.url}", check=False
            )
        assert instance.counts()["runs"] == []
        after = instance.run(*due)
        counts = instance.counts()
    assert busy.returncode == 0, busy.stderr
    assert "une autre moisson, un import ou un traitement est en cours" in busy.stderr
    assert "rien n'est moissonné ; les sources échues le seront au prochain passage" in busy.stderr
    assert named.returncode == 1 and "une autre moisson" in named.stderr  # asked by hand: an error
    assert re.search(r"^quotidienne +2 +2 .* success$", after.stdout, re.M), after.stdout
    assert counts["runs"] == ["success"]
