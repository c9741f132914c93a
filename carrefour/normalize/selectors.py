"""Read access to normalized records: the review lists of source values no mapping covers."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from carrefour.normalize.models import Record
from carrefour.normalize.text import text_key


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


@dataclass(frozen=True)
class UnmappedTerm:
    """A term of one source that no mapping of a vocabulary covers: how many valid records use it, a few."""

    field: str
    value: str
    count: int
    raw_ids: tuple[int, ...]


def source_unmapped_terms(source_id: int, *, examples: int = 3) -> list[UnmappedTerm]:
    """Unmapped terms of a source's valid records per field, most frequent first, with example raw ids."""
    # Aggregated in Python over the JSON column: the same code on SQLite and PostgreSQL, and fast enough
    # (30,000 records of one source in bench/mapping_bench.py).
    records = Record.objects.filter(raw__source_id=source_id, is_valid=True).exclude(unmapped={})
    counts: Counter[tuple[str, str]] = Counter()
    samples: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
    for raw_id, unmapped in records.order_by("raw_id").values_list("raw_id", "unmapped").iterator(2000):
        for field_name, values in (unmapped or {}).items():
            for value in set(values):
                key = (field_name, value)
                counts[key] += 1
                if len(samples[key]) < examples:
                    samples[key].append(raw_id)
    return [
        UnmappedTerm(field=field_name, value=value, count=count, raw_ids=tuple(samples[field_name, value]))
        for (field_name, value), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def source_raw_ids_unmapped(source_id: int, terms: dict[str, list[str]]) -> list[int]:
    """Raw ids of the source's records (valid or not) where one of the terms is unmapped (compared folded)."""
    keys = {field_name: {text_key(term) for term in values} for field_name, values in terms.items()}
    records = Record.objects.filter(raw__source_id=source_id).exclude(unmapped={})
    return [
        raw_id
        for raw_id, unmapped in records.order_by("raw_id").values_list("raw_id", "unmapped").iterator(2000)
        if any(text_key(v) in keys.get(name, ()) for name, values in (unmapped or {}).items() for v in values)
    ]


def source_invalid_reasons(source_id: int, limit: int = 10) -> tuple[int, list[tuple[str, int]]]:
    """How many present records of a source normalization refused, and its most frequent reasons."""
    records = Record.objects.filter(raw__source_id=source_id, is_valid=False, raw__state="active")
    reasons: Counter[str] = Counter()
    total = 0
    for errors in records.values_list("errors", flat=True).iterator(chunk_size=2000):
        total += 1
        reasons.update({f"{error.get('field', '')} : {error.get('message', '')}" for error in errors or []})
    return total, reasons.most_common(limit)
