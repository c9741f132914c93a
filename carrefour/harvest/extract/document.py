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
    # Every label of the definition's `label` extractors: where one field's value ends on a line.
    labels: list[str] = field(default_factory=list)
    # Parsed structures (JSON-LD nodes, microdata items) shared by the extractors of one document.
    cache: dict[str, Any] = field(default_factory=dict)


class ExtractionError(ValueError):
    """An extractor that cannot be applied to a document (wrong kind, bad path)."""


# Partners read rejection reasons in French: one prefix for a record whose fields could not be read.
EXTRACTION_PREFIX = "erreur d'extraction : "


def extraction_reason(problem: object) -> str:
    """The reason shown for a record an extractor failed on."""
    return f"{EXTRACTION_PREFIX}{problem}"
