"""Kind `html`: markup pages — HTML list and detail pages, and XML documents (RSS, Atom, sitemaps)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from parsel import Selector
from scrapy.http import Response, TextResponse

from carrefour.harvest.extract.document import Document
from carrefour.harvest.extract.record import RecordResult
from carrefour.harvest.extract.selectors import CssExtractor, XPathExtractor
from carrefour.harvest.kinds.base import GarbageError, response_text

XML_TYPES = ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml")


def _is_xml(response: Response) -> bool:
    """XML by Content-Type (feeds, sitemaps) or by an XML declaration at the start of the body."""
    ctype = (response.headers.get("Content-Type") or b"").decode("latin-1").split(";")[0].strip().lower()
    return ctype in XML_TYPES or response.body.lstrip()[:5] == b"<?xml"


def xml_selector(body: bytes) -> Selector:
    """An XML document parsed safely (no entity expansion, no DTD fetch), namespaces removed."""
    try:
        # defusedxml refuses entity declarations (billion laughs, external entities) before lxml parses.
        defused_fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise GarbageError(f"XML dangereux refusé : {exc!r}") from exc
    except ParseError as exc:
        raise GarbageError(f"XML invalide : {exc}") from exc
    selector = Selector(body=body, type="xml")
    # Prefix-free XPath for partners: //entry, //url/loc, //point instead of namespace bindings.
    selector.remove_namespaces()
    return selector


class HtmlKind:
    """Server-rendered pages: detail pages listed on paginated list pages, feeds or sitemaps."""

    name = "html"
    description = "pages HTML ou XML (RSS, Atom, sitemaps) : listes paginées et pages de détail"

    def page(self, response: Response, definition: dict[str, Any]) -> Document:
        """The page parsed as HTML, or as XML when it is an XML document."""
        if not isinstance(response, TextResponse):
            raise GarbageError(
                f"pas une page de texte (Content-Type {response.headers.get('Content-Type')!r})"
            )
        if _is_xml(response):
            return Document(url=response.url, selector=xml_selector(response.body))
        text = response_text(response, definition) if definition.get("encoding") else response.text
        if text.strip() and "<" not in text:
            raise GarbageError("aucune balise dans la page")
        return Document(url=response.url, selector=Selector(text=text or "<html></html>", type="html"))

    def nodes(self, spec: dict[str, Any], page: Document) -> list[Document]:
        """Nodes selected by a CSS/XPath spec, each as a document (list entries, inline records)."""
        extractor = CssExtractor() if "css" in spec else XPathExtractor()
        return [Document(url=page.url, selector=node) for node in extractor.nodes(spec, page)]

    def records(self, page: Document, definition: dict[str, Any]) -> Iterator[Document | RecordResult]:
        """Records laid out on the list page itself (`list.records`: one node per record)."""
        spec = (definition.get("list") or {}).get("records")
        if spec:
            yield from self.nodes(spec, page)
