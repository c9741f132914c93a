"""Harvest of the real FFE laureates file (local CSV under CARREFOUR_SHARED_DIR)."""

from __future__ import annotations

import pytest

from carrefour.harvest.models import HarvestRun, RawRecord
from carrefour.harvest.services import harvest_run
from carrefour.sources.models import Source
from carrefour.sources.services import source_load_all

pytestmark = pytest.mark.django_db


def test_ffe_laureates_one_record_per_row() -> None:
    source_load_all()
    src = Source.objects.get(slug="ffe-laureats")
    assert not src.fictional
    run = harvest_run(src)
    assert run.status == HarvestRun.Status.SUCCESS, run.message
    assert (run.records_seen, run.records_created, run.records_rejected) == (303, 303, 0)
    ids = list(RawRecord.objects.filter(source=src).values_list("source_record_id", flat=True))
    assert len(set(ids)) == 303
    assert len({i.rsplit("-", 1)[0] for i in ids}) == 150
    first = RawRecord.objects.get(source=src, source_record_id="1-1")
    assert first.payload["title"] == "La Cravate Solidaire"
    assert first.payload["themes"] == ["10- Réduction des inégalités"]
    assert first.payload["address"] is None  # "NR " means not provided
    assert first.payload["latitude"] == pytest.approx(48.830245)
    # Every SDG tag found in the file is mapped in the definition.
    mapped = {k.casefold() for k in src.definition["vocabularies"]["themes"]}
    tags = {t for r in RawRecord.objects.filter(source=src) for t in (r.payload.get("themes") or [])}
    assert {t.casefold() for t in tags} <= mapped
    again = harvest_run(src)
    assert (again.records_created, again.records_updated, again.records_unchanged) == (0, 0, 303)
