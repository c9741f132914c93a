"""CSV column extractor."""

from __future__ import annotations

from typing import Any

from carrefour.harvest.extract.document import Document, ExtractionError


class ColumnExtractor:
    """`column: "code_postal"` — the cell of a CSV row under that header."""

    key = "column"

    def values(self, spec: dict[str, Any], doc: Document) -> list[Any]:
        """The cell as a one-item list (empty if blank)."""
        if doc.row is None:
            raise ExtractionError(f"`column` demande une ligne CSV, {doc.url} n'en est pas une")
        value = doc.row.get(spec["column"])
        return [] if value is None else [value]
