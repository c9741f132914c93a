"""Raw records of two partner sources, processed by the real pipeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from carrefour.harvest.models import RawRecord
from carrefour.sources.models import Source

NOW = datetime(2025, 3, 1, tzinfo=UTC)
TEXT = (
    "Les habitants du quartier manquaient d'un lieu pour se retrouver. L'association a ouvert un jardin "
    "partagé où chacun cultive sa parcelle, apprend le compostage et partage ses récoltes. Des ateliers "
    "réunissent chaque semaine les familles, les écoles voisines et les aînés de la résidence. Le jardin "
    "accueille aussi des chantiers d'insertion et une fête des récoltes chaque automne."
)

RawFactory = Callable[..., RawRecord]


@pytest.fixture
def raw(territories_loaded: Any) -> RawFactory:
    """Create (or replace) the raw record `record_id` of source `slug` with the given payload fields."""

    def make(slug: str, record_id: str, **payload: Any) -> RawRecord:
        source, _ = Source.objects.get_or_create(slug=slug, defaults={"name": slug, "kind": "html"})
        payload.setdefault("description", TEXT)
        raw, _ = RawRecord.objects.update_or_create(
            source=source,
            source_record_id=record_id,
            defaults={
                "url": f"https://{slug}.example/{record_id}",
                "payload": payload,
                "content_hash": str(hash(repr(sorted(payload.items())))),
                "fetched_at": NOW,
                "first_seen_at": NOW,
                "last_seen_at": NOW,
            },
        )
        return raw

    return make
