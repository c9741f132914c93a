"""The document an extractor reads: a page, a JSON object or a CSV row, plus its URL."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parsel import Selector


@dataclass
class Document:
    """One record-bearing document; only the part matching the source kind is set."""

    url: str
    selector: Selector | None = None
    data: Any = None
    row: dict[str, str | None] | None = None
    row_number: int | None = None
    # Fields already extracted for this record (read by the `field` extractor).
    fields: dict[str, Any] = field(default_factory=dict)


class ExtractionError(ValueError):
    """An extractor that cannot be applied to a document (wrong kind, bad path)."""
