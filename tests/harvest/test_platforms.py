"""Every simulator platform harvested through its YAML definition: coverage, politeness, incrementality."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from carrefour.harvest.models import HarvestRun, RawRecord
from carrefour.harvest.selectors import harvest_run_last
from carrefour.harvest.services import harvest_run
from carrefour.sources.models import Source
from carrefour.sources.services import source_load_all
from tests.harvest.conftest import closed_port_url
from tests.simulator import World, world_generate, world_serve

pytestmark = [pytest.mark.django_db, pytest.mark.simulator]

# Platforms of the simulator -> slug of the repo's definition.
PLATFORM_SOURCES = {
    "portraits": "regards-solidaires",
    "laureats": "elan-commun",
    "api": "initiatives-data",
    "flux": "fil-des-initiatives",
    "opendata": "observatoire-regional",
    "reseau": "passerelles",
    "ajax": "pres-de-chez-vous",
    "wiki": "wikisolidaire",
}
FAULTS = "error=0.05,reset=0.01,drip=0.02,drip_bps=20000,api.ratelimit=10"


def valid_ids(world: World, platform: str) -> set[str]:
    """Source ids of the valid publications of one platform in the world's truth."""
    ids = set()
    for line in world.truth.read_text(encoding="utf-8").splitlines():
        for pub in json.loads(line)["publications"]:
            if pub["platform"] == platform and not pub["invalid"]:
                ids.add(pub["source_id"])
    return ids


def harvest(slug: str, world: World) -> HarvestRun:
    """Harvest one repo source against a served world."""
    source_load_all()
    source = Source.objects.get(slug=slug)
    return harvest_run(source, base_url=world.urls[source.definition["platform"]])


def stored_ids(slug: str) -> set[str]:
    """Ids of a source's active raw records."""
    records = RawRecord.objects.filter(source__slug=slug, state=RawRecord.State.ACTIVE)
    return set(records.values_list("source_record_id", flat=True))


@pytest.fixture(scope="module")
def world_all(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A 120-project world of all eight platforms (no Crawl-delay, no rate limit: fast)."""
    world = world_generate(Path(tmp_path_factory.mktemp("all")), projects=120, seed=21)
    with world_serve(world, faults="api.ratelimit=0,reseau.crawl_delay=0") as served:
        yield served


@pytest.mark.parametrize("platform", ["laureats", "flux", "reseau", "ajax", "wiki"])
def test_every_platform_covered(world_all: World, platform: str) -> None:
    slug = PLATFORM_SOURCES[platform]
    run = harvest(slug, world_all)
    assert run.status == HarvestRun.Status.SUCCESS, run.message
    valid = valid_ids(world_all, platform)
    assert valid and valid <= stored_ids(slug), sorted(valid - stored_ids(slug))[:5]
    payloads = [r.payload for r in RawRecord.objects.filter(source__slug=slug)]
    assert sum(1 for p in payloads if p.get("title")) >= len(valid) * 0.95
    # Sitemaps/indexes link to /admin/ and edit pages: robots.txt forbids them, none was requested.
    assert not [r for r in world_all.requests_log() if r[-1].strip() == "robots-disallowed"]


def test_reharvest_skips_unchanged_detail_pages(world_all: World) -> None:
    first = harvest("passerelles", world_all)
    second = harvest("passerelles", world_all)
    assert second.status == HarvestRun.Status.SUCCESS, second.message
    assert (second.records_created, second.records_updated) == (0, 0)
    assert second.records_unchanged == first.records_seen
    # Only the sitemaps (and robots.txt) are fetched again, not the project pages.
    assert second.requests_made <= 6 < first.requests_made


def test_unchanged_csv_answers_304(world_all: World) -> None:
    harvest("observatoire-regional", world_all)
    again = harvest("observatoire-regional", world_all)
    assert again.not_modified == 1 and again.records_unchanged == again.records_seen > 0


def test_harvest_completes_under_faults(tmp_path: Path) -> None:
    platforms = ["portraits", "ajax", "wiki", "api"]
    world = world_generate(tmp_path / "w", projects=80, seed=4, platforms=platforms)
    with world_serve(world, faults=FAULTS) as served:
        for platform in platforms:
            slug = PLATFORM_SOURCES[platform]
            run = harvest(slug, served)
            assert run.status != HarvestRun.Status.FAILED, run.message
            valid = valid_ids(served, platform)
            assert len(valid & stored_ids(slug)) >= 0.99 * len(valid), (platform, run.errors[:3])


def test_evolved_world_updates_and_marks_gone_after_two_runs(tmp_path: Path) -> None:
    v1 = world_generate(tmp_path / "v1", projects=100, seed=8, platforms=["reseau", "api"])
    v2 = world_generate(tmp_path / "v2", projects=100, seed=8, evolve_from=v1.path)
    changes = json.loads((v2.path / "changes.json").read_text())
    assert changes["deleted"] or changes["changed"]
    with world_serve(v1, faults=f"mutate={v2.path},api.ratelimit=0,reseau.crawl_delay=0") as served:
        before = {slug: harvest(slug, served) for slug in ("passerelles", "initiatives-data")}
        served.mutate()
        for slug, platform in (("passerelles", "reseau"), ("initiatives-data", "api")):
            run = harvest(slug, served)
            assert run.status == HarvestRun.Status.SUCCESS, run.message
            # Deleted upstream is not deleted here: one missing run is not enough to mark gone.
            assert run.records_gone == 0
            assert valid_ids(v2, platform) <= stored_ids(slug)
            assert run.requests_made < before[slug].requests_made / 2
            again = harvest(slug, served)
            gone = RawRecord.objects.filter(source__slug=slug, state=RawRecord.State.GONE)
            assert again.records_gone == gone.count()
            assert set(gone.values_list("source_record_id", flat=True)).isdisjoint(valid_ids(v2, platform))
            assert stored_ids(slug) == valid_ids(v2, platform) & stored_ids(slug)


def test_concurrent_command_covers_every_platform_and_isolates_a_failure(
    world_all: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`harvest --jobs 4`: same coverage as one source at a time; a source whose host is down fails alone."""
    urls = tmp_path / "urls.json"
    urls.write_text(json.dumps(world_all.urls))
    with pytest.raises(CommandError, match="at least one harvest failed"):
        call_command(
            "harvest",
            *PLATFORM_SOURCES.values(),
            "--simulator-urls",
            str(urls),
            "--base-url",
            f"elan-commun={closed_port_url()}",
            "--jobs",
            "4",
            "--no-pipeline",
        )
    out, err = capsys.readouterr()
    for platform, slug in PLATFORM_SOURCES.items():
        run = harvest_run_last(Source.objects.get(slug=slug))
        assert run is not None and f"\n{slug} " in out and f"[{slug}] " in err
        if slug == "elan-commun":
            assert run.status == HarvestRun.Status.FAILED and not stored_ids(slug)
            continue
        assert run.status == HarvestRun.Status.SUCCESS, (slug, run.message)
        valid = valid_ids(world_all, platform)
        assert valid <= stored_ids(slug), (slug, sorted(valid - stored_ids(slug))[:5])


def test_robots_txt_and_crawl_delay_obeyed(tmp_path: Path) -> None:
    """reseau served with its real robots.txt (Disallow: /admin/, Crawl-delay: 1); its pages link /admin/."""
    world = world_generate(tmp_path / "w", projects=8, seed=3, platforms=["reseau"])
    with world_serve(world) as served:
        run = harvest("passerelles", served)
    assert run.status == HarvestRun.Status.SUCCESS, run.message
    assert valid_ids(world, "reseau") <= stored_ids("passerelles")
    log = world.requests_log()
    paths = [row[3] for row in log]
    assert "/robots.txt" in paths and any(path.startswith("/projets/") for path in paths)
    # The simulator marks hits on disallowed paths and requests closer than the announced delay.
    notes = {row[-1].strip() for row in log}
    assert not notes & {"robots-disallowed", "crawl-delay"}, notes
    assert not [path for path in paths if path.startswith("/admin")]
