"""Read access to normalized records: the review lists of source values no mapping covers."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models.fields.json import KT

from carrefour.harvest.models import RawRecord
from carrefour.normalize.models import Record
from carrefour.normalize.vocabularies import (
    VOCABULARY_EXTRA_FIELDS,
    VOCABULARY_FIELDS,
    vocabulary_map,
    vocabulary_mappings,
    vocabulary_terms,
)


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


def source_raw_ids_remapped(
    source_id: int, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[int]:
    """Raw ids of the source's records (valid or not) whose terms map otherwise under `after` than `before`.

    `before` and `after` are `vocabularies` blocks of the source's definition: a record none of whose
    terms changes codes or leaves or joins the unmapped ones normalizes exactly as it did.
    """
    before, after = before or {}, after or {}
    names = [name for name in VOCABULARY_FIELDS if before.get(name) != after.get(name)]
    if not names:
        return []
    old, new = vocabulary_mappings(before), vocabulary_mappings(after)
    fields = sorted({*names, *(extra for name in names for extra in VOCABULARY_EXTRA_FIELDS.get(name, ()))})
    # Only the fields the vocabularies read, not whole payloads (descriptions are most of their weight).
    rows = RawRecord.objects.filter(source_id=source_id).order_by("pk")
    raw_ids = []
    # Each field also as text (KT): on SQLite the JSON key transform decodes a string term such as
    # "null" or "1e3" into None or 1000.0, while the normalizer reads the string.
    texts = {f"text_{index}": KT(f"payload__{name}") for index, name in enumerate(fields)}
    columns = ("pk", *(f"payload__{name}" for name in fields), *texts)
    for raw_id, *values in rows.annotate(**texts).values_list(*columns).iterator(2000):
        payload = {
            name: value if isinstance(value, (str, list, dict)) else text
            for name, value, text in zip(fields, values[: len(fields)], values[len(fields) :], strict=True)
        }
        if any(
            vocabulary_map(name, terms, old[name]) != vocabulary_map(name, terms, new[name])
            for name in names
            if (terms := vocabulary_terms(payload, name))
        ):
            raw_ids.append(raw_id)
    return raw_ids


def source_invalid_reasons(source_id: int, limit: int = 10) -> tuple[int, list[tuple[str, int]]]:
    """How many present records of a source normalization refused, and its most frequent reasons."""
    records = Record.objects.filter(raw__source_id=source_id, is_valid=False, raw__state="active")
    reasons: Counter[str] = Counter()
    total = 0
    for errors in records.values_list("errors", flat=True).iterator(chunk_size=2000):
        total += 1
        reasons.update({f"{error.get('field', '')} : {error.get('message', '')}" for error in errors or []})
    return total, reasons.most_common(limit)
