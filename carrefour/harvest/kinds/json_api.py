"""Kind `json_api`: paged JSON lists (cursor `next` field) and per-record detail endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from carrefour.harvest.extract.document import Document
from carrefour.harvest.extract.jsonpath import JsonExtractor
from carrefour.harvest.extract.record import RecordResult
from carrefour.harvest.kinds.base import response_json


class JsonApiKind:
    """A JSON REST API: list endpoint with a `next` URL, detail endpoint per record."""

    name = "json_api"
    description = "API JSON : liste paginée par curseur (champ `next`) et point d'accès de détail"

    def page(self, response: Response, definition: dict[str, Any]) -> Document:
        """The response parsed as JSON."""
        return Document(url=response.url, data=response_json(response, definition))

    def nodes(self, spec: dict[str, Any], page: Document) -> list[Document]:
        """Objects at a JSON path, each as a document (list entries)."""
        return [Document(url=page.url, data=node) for node in JsonExtractor().nodes(spec, page)]

    def records(self, page: Document, definition: dict[str, Any]) -> Iterator[Document | RecordResult]:
        """Records embedded in the list response (`list.records`: path to the objects)."""
        spec = (definition.get("list") or {}).get("records")
        if not spec:
            return
        for node in JsonExtractor().nodes(spec, page):
            if isinstance(node, dict):
                yield Document(url=page.url, data=node)
            else:
                yield RecordResult(
                    url=page.url, reason=f"élément de liste qui n'est pas un objet : {str(node)[:80]!r}"
                )
