"""What a source kind provides to the generic spider: parse a response, list its inline records."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Protocol

from scrapy.http import Response

from carrefour.harvest.extract.document import Document
from carrefour.harvest.extract.record import RecordResult


class GarbageError(ValueError):
    """A response that is not what the source kind promises (HTML instead of JSON, no CSV header…)."""


# Partners read rejection reasons in French: one prefix for a response that cannot be read.
GARBAGE_PREFIX = "illisible : "


def garbage_reason(problem: object) -> str:
    """The reason shown for an unreadable response (a GarbageError or what else made it so)."""
    return f"{GARBAGE_PREFIX}{problem}"


class Kind(Protocol):
    """One kind of source (html, json_api, csv)."""

    name: str
    description: str

    def page(self, response: Response, definition: dict[str, Any]) -> Document:
        """The response as a document; raises GarbageError when it cannot be parsed."""
        ...

    def nodes(self, spec: dict[str, Any], page: Document) -> list[Document]:
        """Sub-documents selected by an extractor spec (list entries, inline records)."""
        ...

    def records(self, page: Document, definition: dict[str, Any]) -> Iterator[Document | RecordResult]:
        """Records held by the page itself (rows, list items); RecordResult = a rejected item."""
        ...


def response_text(response: Response, definition: dict[str, Any], default: str = "utf-8") -> str:
    """Body decoded with the definition's encoding override, else the declared one, else default."""
    encoding = definition.get("encoding") or getattr(response, "encoding", None) or default
    # Python's utf-8 codec keeps a BOM; sources exporting for Excel start their files with one.
    if encoding.lower().replace("_", "-") in {"utf-8", "utf8"}:
        encoding = "utf-8-sig"
    try:
        return response.body.decode(encoding, errors="replace")
    except LookupError as exc:
        raise GarbageError(f"encodage inconnu {encoding!r}") from exc


def response_json(response: Response, definition: dict[str, Any]) -> Any:
    """Body parsed as JSON; GarbageError for broken JSON or nesting too deep for the parser."""
    try:
        return json.loads(response_text(response, definition))
    except json.JSONDecodeError as exc:
        raise GarbageError(f"JSON invalide : {exc}") from exc
    except RecursionError as exc:
        raise GarbageError("JSON invalide : tableaux ou objets imbriqués trop profondément") from exc
