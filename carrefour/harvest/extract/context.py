"""Extractors that do not read the document body: constants, the URL, another field."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from carrefour.harvest.extract.document import Document


class ConstExtractor:
    """`const: value` — the same value for every record (e.g. a scale all records share)."""

    key = "const"

    def values(self, spec: dict[str, Any], doc: Document) -> list[Any]:
        """The constant (lists give several values)."""
        value = spec["const"]
        return list(value) if isinstance(value, list) else [] if value is None else [value]


class UrlExtractor:
    """`url: full | path | last_segment` — part of the document URL (often the record id)."""

    key = "url"

    def values(self, spec: dict[str, Any], doc: Document) -> list[Any]:
        """The requested part of the URL, percent-decoded for path parts."""
        part = spec["url"]
        if part == "full":
            return [doc.url]
        path = unquote(urlsplit(doc.url).path)
        if part == "path":
            return [path]
        segment = path.rstrip("/").rsplit("/", 1)[-1]
        return [segment] if segment else []


class FieldExtractor:
    """`field: title` — the value already extracted for another field of the same record."""

    key = "field"

    def values(self, spec: dict[str, Any], doc: Document) -> list[Any]:
        """Value(s) of that field."""
        value = doc.fields.get(spec["field"])
        return list(value) if isinstance(value, list) else [] if value is None else [value]
