"""CSS and XPath extractors over HTML/XML pages (parsel selectors)."""

from __future__ import annotations

import re
from typing import Any

from parsel import Selector, SelectorList

from carrefour.harvest.extract.document import Document, ExtractionError

_SPACES = re.compile(r"[ \t\r\n]+")


def _selector(doc: Document, key: str) -> Selector:
    """The parsed page of a document, or a clear error for non-HTML documents."""
    if doc.selector is None:
        raise ExtractionError(f"`{key}` demande un document HTML ou XML, {doc.url} n'en est pas un")
    return doc.selector


def selection_values(selection: SelectorList[Selector], spec: dict[str, Any]) -> list[str]:
    """Strings of selected nodes: text/attribute values as is, elements as text (or markup if html)."""
    values = []
    for node in selection:
        if isinstance(node.root, str):
            values.append(node.root)
        elif spec.get("html"):
            values.append(node.get())
        else:
            # Element text with layout whitespace collapsed (pages indent their markup freely).
            values.append(_SPACES.sub(" ", "".join(node.xpath(".//text()").getall())))
    return values


class CssExtractor:
    """`css: "dl.fiche dd::text"` — CSS selector with parsel's ::text / ::attr(name) extensions."""

    key = "css"

    def values(self, spec: dict[str, Any], doc: Document) -> list[Any]:
        """Values selected by the CSS selector."""
        return selection_values(_selector(doc, self.key).css(spec["css"]), spec)

    def nodes(self, spec: dict[str, Any], doc: Document) -> list[Selector]:
        """Selected nodes (for list.records: one record per node)."""
        return list(_selector(doc, self.key).css(spec["css"]))


class XPathExtractor:
    """`xpath: "//h1"` — XPath 1.0 expression (elements give their text, or markup with html: true)."""

    key = "xpath"

    def values(self, spec: dict[str, Any], doc: Document) -> list[Any]:
        """Values selected by the XPath expression."""
        selected = _selector(doc, self.key).xpath(spec["xpath"])
        return selection_values(selected, spec)

    def nodes(self, spec: dict[str, Any], doc: Document) -> list[Selector]:
        """Selected nodes (for list.records: one record per node)."""
        return list(_selector(doc, self.key).xpath(spec["xpath"]))
