"""Kind `html`: list pages (detail links + "next" link) and detail pages, read with CSS/XPath."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from parsel import Selector
from scrapy.http import Response, TextResponse

from carrefour.harvest.extract.document import Document
from carrefour.harvest.extract.record import RecordResult
from carrefour.harvest.extract.selectors import CssExtractor, XPathExtractor
from carrefour.harvest.kinds.base import GarbageError, response_text


class HtmlKind:
    """Server-rendered pages: detail pages listed on paginated list pages."""

    name = "html"
    description = "pages HTML : pages de liste paginées (lien « suivant ») et pages de détail"

    def page(self, response: Response, definition: dict[str, Any]) -> Document:
        """The page parsed as HTML."""
        if not isinstance(response, TextResponse):
            raise GarbageError(f"not a text page (Content-Type {response.headers.get('Content-Type')!r})")
        text = response_text(response, definition) if definition.get("encoding") else response.text
        if "<" not in text:
            raise GarbageError("no markup in the page")
        return Document(url=response.url, selector=Selector(text=text, type="html"))

    def records(self, page: Document, definition: dict[str, Any]) -> Iterator[Document | RecordResult]:
        """Records laid out on the list page itself (`list.records`: one node per record)."""
        spec = (definition.get("list") or {}).get("records")
        if not spec:
            return
        extractor = CssExtractor() if "css" in spec else XPathExtractor()
        for node in extractor.nodes(spec, page):
            yield Document(url=page.url, selector=node)
