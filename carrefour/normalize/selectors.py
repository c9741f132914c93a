"""Read access to normalized records: the review list of source values no mapping covers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from carrefour.normalize.models import Record


@dataclass(frozen=True)
class UnmappedValue:
    """One source term that no vocabulary mapping covers, and how many records use it."""

    source: str
    field: str
    value: str
    count: int


def unmapped_values(source: str | None = None) -> list[UnmappedValue]:
    """Unmapped source terms per source and field, most frequent first."""
    records = Record.objects.exclude(unmapped={})
    if source:
        records = records.filter(raw__source__slug=source)
    counts: Counter[tuple[str, str, str]] = Counter()
    for slug, unmapped in records.values_list("raw__source__slug", "unmapped").iterator(chunk_size=2000):
        for field_name, values in (unmapped or {}).items():
            counts.update((slug, field_name, value) for value in set(values))
    return [
        UnmappedValue(source=slug, field=field_name, value=value, count=count)
        for (slug, field_name, value), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
