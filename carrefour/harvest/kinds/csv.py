"""Kind `csv`: one downloadable file (HTTP or local), one record per row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from carrefour.harvest.extract.document import Document
from carrefour.harvest.extract.record import RecordResult
from carrefour.harvest.kinds.base import GarbageError, response_text


def _columns_used(definition: dict[str, Any]) -> set[str]:
    """CSV columns the definition reads (they must all exist in the header)."""
    filters = [
        item[action] for item in definition.get("filters") or [] for action in item if action.endswith("_if")
    ]
    specs = [definition["record_id"], *definition["fields"].values(), *filters]
    return {spec["column"] for spec in specs if "column" in spec}


class CsvKind:
    """A CSV export: delimiter, quoting, encoding (BOM tolerated), multi-valued cells."""

    name = "csv"
    description = "fichier CSV (HTTP ou local) : une ligne par fiche"

    def page(self, response: Response, definition: dict[str, Any]) -> Document:
        """The file decoded to text (kept in `data`; rows are read by records())."""
        return Document(url=response.url, data=response_text(response, definition))

    def nodes(self, spec: dict[str, Any], page: Document) -> list[Document]:
        """No list entries in a CSV file (validation forbids `list` for this kind)."""
        return []

    def records(self, page: Document, definition: dict[str, Any]) -> Iterator[Document | RecordResult]:
        """One document per row; rows with a wrong number of cells are rejected with a reason."""
        options = definition.get("csv") or {}
        reader = csv.reader(
            io.StringIO(page.data, newline=""),
            delimiter=options.get("delimiter", ","),
            quotechar=options.get("quotechar", '"'),
        )
        try:
            header = [h.strip() for h in next(reader)]
        except (StopIteration, csv.Error) as exc:
            raise GarbageError(f"pas de ligne d'en-tête CSV : {exc}") from exc
        missing = sorted(_columns_used(definition) - set(header))
        if missing:
            raise GarbageError(
                f"colonnes absentes de l'en-tête CSV : {', '.join(missing)} (lues : {', '.join(header[:8])}…)"
            )
        number = 0
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RecordResult(
                    url=f"{page.url}#row={number}", reason=f"ligne {number} : illisible ({exc})"
                )
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                yield RecordResult(
                    url=f"{page.url}#row={number}",
                    reason=f"ligne {number} : {len(cells)} cellules, {len(header)} attendues",
                )
                continue
            yield Document(url=page.url, row=dict(zip(header, cells, strict=True)), row_number=number)
