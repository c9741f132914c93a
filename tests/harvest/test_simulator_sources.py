"""Harvest of the simulator sources through their YAML definitions, against the world's truth."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from carrefour.harvest.models import HarvestRun, RawRecord
from carrefour.harvest.services import harvest_changed_raw_ids, harvest_run
from carrefour.sources.models import Source
from carrefour.sources.services import source_load_all
from tests.harvest.conftest import closed_port_url
from tests.simulator import World

pytestmark = [pytest.mark.django_db, pytest.mark.simulator]

SIMULATOR_SOURCES = {
    "regards-solidaires": "portraits",
    "initiatives-data": "api",
    "observatoire-regional": "opendata",
}


def truth_publications(world: World, platform: str) -> dict[str, dict]:
    """Publications of one platform in the truth file, by source id."""
    found = {}
    for line in world.truth.read_text(encoding="utf-8").splitlines():
        for pub in json.loads(line)["publications"]:
            if pub["platform"] == platform:
                found[pub["source_id"]] = pub
    return found


def source(slug: str) -> Source:
    """Load the YAML definitions and return one source."""
    source_load_all()
    return Source.objects.get(slug=slug)


@pytest.mark.parametrize(("slug", "platform"), SIMULATOR_SOURCES.items())
def test_harvest_covers_every_valid_publication(small_world: World, slug: str, platform: str) -> None:
    run = harvest_run(source(slug), base_url=small_world.urls[platform])
    assert run.status == HarvestRun.Status.SUCCESS, run.message
    truth = truth_publications(small_world, platform)
    stored = {r.source_record_id: r for r in RawRecord.objects.filter(source__slug=slug)}
    valid = {sid for sid, pub in truth.items() if not pub["invalid"]}
    assert valid, "the world has publications on this platform"
    assert valid <= set(stored), f"missing: {sorted(valid - set(stored))[:5]}"
    assert set(stored) <= set(truth)
    assert run.records_seen == len(stored) and run.records_created == len(stored)
    assert run.records_rejected == 0
    for sid in valid:
        payload = stored[sid].payload
        assert payload["title"], sid
        assert set(payload) <= {
            "title",
            "summary",
            "description",
            "themes",
            "publics",
            "actor_type",
            "legal_form",
            "organization",
            "scale",
            "status",
            "start_year",
            "website",
            "email",
            "address",
            "postal_code",
            "commune",
            "commune_code",
            "departement",
            "region",
            "location_text",
            "latitude",
            "longitude",
            "updated",
        }
    assert sorted(harvest_changed_raw_ids(run)) == sorted(r.pk for r in stored.values())


def test_every_source_term_is_mapped(small_world: World) -> None:
    """Each theme/public/actor/status term served by the simulator has a mapping in the YAML."""
    for slug, platform in SIMULATOR_SOURCES.items():
        src = source(slug)
        harvest_run(src, base_url=small_world.urls[platform])
        vocab = {k: {t.casefold() for t in v} for k, v in src.definition["vocabularies"].items()}
        for record in RawRecord.objects.filter(source=src):
            for name in ("themes", "publics", "actor_type", "scale", "status"):
                values = record.payload.get(name)
                values = values if isinstance(values, list) else [values] if values else []
                for value in values:
                    assert value.casefold() in vocab[name], f"{slug}: {name} {value!r} not mapped"


def test_reharvest_updates_in_place(small_world: World) -> None:
    src = source("regards-solidaires")
    first = harvest_run(src, base_url=small_world.urls["portraits"])
    ids = dict(RawRecord.objects.filter(source=src).values_list("source_record_id", "pk"))
    second = harvest_run(src, base_url=small_world.urls["portraits"])
    assert second.status == HarvestRun.Status.SUCCESS
    assert (second.records_created, second.records_updated) == (0, 0)
    assert second.records_unchanged == first.records_seen
    assert harvest_changed_raw_ids(second) == []
    assert dict(RawRecord.objects.filter(source=src).values_list("source_record_id", "pk")) == ids
    # A record whose stored content differs from the site is updated in place, same row.
    record = RawRecord.objects.filter(source=src).first()
    assert record is not None
    # (Its list entry is marked as changed too: otherwise the detail page is not re-fetched.)
    RawRecord.objects.filter(pk=record.pk).update(
        payload={"title": "old"}, content_hash="0" * 64, list_version="changed"
    )
    third = harvest_run(src, base_url=small_world.urls["portraits"])
    assert (third.records_created, third.records_updated) == (0, 1)
    assert harvest_changed_raw_ids(third) == [record.pk]
    record.refresh_from_db()
    assert (
        record.payload["title"] != "old"
        and record.changed_run == third
        and record.first_seen_at < third.started_at
    )


@pytest.mark.parametrize("where", ["closed-port", "404"])
def test_down_source_fails_and_keeps_records(small_world: World, where: str) -> None:
    src = source("observatoire-regional")
    assert harvest_run(src, base_url=small_world.urls["opendata"]).status == HarvestRun.Status.SUCCESS
    before = list(RawRecord.objects.filter(source=src).order_by("pk").values())
    url = closed_port_url() if where == "closed-port" else small_world.urls["opendata"] + "/gone"
    run = harvest_run(src, base_url=url)
    assert run.status == HarvestRun.Status.FAILED
    assert "source injoignable" in run.message and run.errors
    assert list(RawRecord.objects.filter(source=src).order_by("pk").values()) == before
    assert harvest_changed_raw_ids(run) == []


def test_private_address_refused_unless_allow_listed(small_world: World, settings: object) -> None:
    settings.HARVEST_ALLOWED_HOSTS = []  # type: ignore[attr-defined]
    hits_before = len([r for r in small_world.requests_log() if r[1] == "portraits"])
    run = harvest_run(source("regards-solidaires"), base_url=small_world.urls["portraits"])
    assert run.status == HarvestRun.Status.FAILED
    assert "l'adresse non publique 127.0.0.1" in run.message
    hits_after = len([r for r in small_world.requests_log() if r[1] == "portraits"])
    assert hits_after == hits_before


def test_command_harvests_and_prints_summary(small_world: World, capsys: pytest.CaptureFixture[str]) -> None:
    call_command(
        "harvest",
        "regards-solidaires",
        "--base-url",
        f"portraits={small_world.urls['portraits']}",
        "--no-pipeline",
    )
    out, err = capsys.readouterr()
    assert "regards-solidaires" in out and "success" in out
    assert "[regards-solidaires]" in err
    assert RawRecord.objects.filter(source__slug="regards-solidaires").exists()


def test_api_rate_limit_is_respected(ratelimited_world: World) -> None:
    """With the API's real 10 req/s limit, every record is still harvested (429 waited out)."""
    run = harvest_run(source("initiatives-data"), base_url=ratelimited_world.urls["api"])
    assert run.status == HarvestRun.Status.SUCCESS, run.message
    truth = truth_publications(ratelimited_world, "api")
    assert set(
        RawRecord.objects.filter(source__slug="initiatives-data").values_list("source_record_id", flat=True)
    ) == set(truth)
    assert run.records_rejected == 0
