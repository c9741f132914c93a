"""Extractors: small building blocks turning a document into field values, in one explicit registry."""

from __future__ import annotations

from typing import Any, Protocol

from carrefour.harvest.extract.context import ConstExtractor, FieldExtractor, UrlExtractor
from carrefour.harvest.extract.document import Document, ExtractionError
from carrefour.harvest.extract.jsonpath import JsonExtractor
from carrefour.harvest.extract.labels import LabelExtractor
from carrefour.harvest.extract.selectors import CssExtractor, XPathExtractor
from carrefour.harvest.extract.structured import JsonLdExtractor, MicrodataExtractor
from carrefour.harvest.extract.tabular import ColumnExtractor
from carrefour.harvest.extract.transforms import TRANSFORMS, values_transform


class Extractor(Protocol):
    """Reads raw values for one extractor key from a document."""

    key: str

    def values(self, spec: dict[str, Any], doc: Document) -> list[Any]:
        """Raw values found (before clean-up)."""
        ...


# The registry: one extractor per definition key (docs/sources.md documents each of them).
EXTRACTORS: list[Extractor] = [
    CssExtractor(),
    XPathExtractor(),
    JsonExtractor(),
    JsonLdExtractor(),
    MicrodataExtractor(),
    LabelExtractor(),
    ColumnExtractor(),
    ConstExtractor(),
    UrlExtractor(),
    FieldExtractor(),
]
EXTRACTORS_BY_KEY: dict[str, Extractor] = {e.key: e for e in EXTRACTORS}


def extractor_for(spec: dict[str, Any]) -> Extractor:
    """The extractor named by a spec (validation guarantees there is exactly one key)."""
    for key, extractor in EXTRACTORS_BY_KEY.items():
        if key in spec:
            return extractor
    raise ExtractionError(f"aucune clé d'extraction dans {sorted(spec)}")


def value_raw(spec: dict[str, Any], doc: Document) -> list[Any]:
    """Values of an extractor spec after clean-up, always as a list."""
    return values_transform(spec, extractor_for(spec).values(spec, doc))


__all__ = [
    "EXTRACTORS",
    "TRANSFORMS",
    "Document",
    "ExtractionError",
    "Extractor",
    "extractor_for",
    "value_raw",
]
