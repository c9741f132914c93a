"""Assemble one raw record (source record id + payload) from a document and a definition."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from carrefour.harvest.extract import value_raw
from carrefour.harvest.extract.document import Document, extraction_reason
from carrefour.harvest.extract.lookup import LookupTables

MAX_ID_LENGTH = 500


@dataclass
class RecordResult:
    """An extracted record, or the reason it was rejected."""

    url: str
    record_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None


def _dedupe(values: list[Any]) -> list[Any]:
    """Values without repeats, first occurrence order kept."""
    out: list[Any] = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


class RecordBuilder:
    """Applies a definition's `fields` and `record_id` to documents of one crawl."""

    def __init__(self, definition: dict[str, Any], lookups: LookupTables | None = None) -> None:
        self.fields: dict[str, dict[str, Any]] = definition["fields"]
        self.record_id_spec: dict[str, Any] = definition["record_id"]
        self.record_url_spec: dict[str, Any] | None = definition.get("record_url")
        self.kind: str = definition["kind"]
        self.null_values: list[str] = list((definition.get("csv") or {}).get("null_values", []))
        # Occurrences of each id so far, for `number_repeats` (one CSV row per site of a network).
        self.seen_ids: Counter[str] = Counter()
        # All labels of `label` extractors: on a free-text line, the next label ends the current value.
        specs = [*self.fields.values(), self.record_id_spec]
        self.labels: list[str] = [label for spec in specs for label in spec.get("label", [])]
        # Filled by the crawl once the definition's lookup tables are read, before any record is built.
        self.lookups = lookups or LookupTables()

    def _spec(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Spec with the source-wide null markers added."""
        if self.null_values and "null_values" not in spec:
            return {**spec, "null_values": self.null_values}
        return spec

    def value(self, spec: dict[str, Any], doc: Document) -> Any:
        """Final value of one field: a list if `multiple`, else one value (joined if `join`) or default."""
        values = value_raw(self._spec(spec), doc)
        if "lookup" in spec:
            values = self.lookups.translate(spec["lookup"], values)
        if spec.get("absolute"):
            values = [urljoin(doc.url, v) if isinstance(v, str) else v for v in values]
        if spec.get("multiple"):
            return _dedupe(values)
        if "join" in spec and values:
            return spec["join"].join(str(v) for v in values)
        return values[0] if values else spec.get("default")

    def build(self, doc: Document) -> RecordResult:
        """Record of one document; rejected (with a reason) when it has no usable id."""
        result = RecordResult(url=doc.url)
        doc.labels = self.labels
        try:
            for name, spec in self.fields.items():
                doc.fields[name] = result.payload[name] = self.value(spec, doc)
            raw_id = self.value({**self.record_id_spec, "multiple": False}, doc)
            if self.record_url_spec:
                # Records held by a feed or list page have their own page (item <link>).
                own_url = self.value({**self.record_url_spec, "multiple": False}, doc)
                result.url = urljoin(doc.url, str(own_url)) if own_url else doc.url
        except ValueError as exc:  # ExtractionError, or e.g. an XPath function unknown at evaluation
            result.reason = extraction_reason(exc)
            return result
        if raw_id is None or str(raw_id).strip() == "":
            where = f" (ligne {doc.row_number})" if doc.row_number else ""
            result.reason = f"identifiant de fiche absent{where}"
            return result
        record_id = str(raw_id).strip()
        if self.record_id_spec.get("number_repeats"):
            self.seen_ids[record_id] += 1
            record_id = f"{record_id}-{self.seen_ids[record_id]}"
        if len(record_id) > MAX_ID_LENGTH:
            result.reason = f"identifiant de fiche de plus de {MAX_ID_LENGTH} caractères"
            return result
        result.record_id = record_id
        if self.kind == "csv" or (self.kind == "geojson" and not self.record_url_spec):
            # One file holds every record: the record URL is the file URL + the id as a fragment.
            result.url = f"{doc.url.split('#', 1)[0]}#{record_id}"
        return result
