"""Structured data embedded in HTML pages: schema.org JSON-LD and microdata, read with JSON paths."""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree

from carrefour.harvest.extract.document import Document, ExtractionError
from carrefour.harvest.extract.jsonpath import json_path_find

_SPACES = re.compile(r"\s+")
# Elements whose microdata value is an attribute rather than their text (WHATWG microdata).
_ATTRIBUTE_VALUES = {
    "meta": "content",
    "a": "href",
    "link": "href",
    "area": "href",
    "img": "src",
    "audio": "src",
    "video": "src",
    "source": "src",
    "iframe": "src",
    "object": "data",
    "data": "value",
    "meter": "value",
    "time": "datetime",
}


def _type_name(value: Any) -> list[str]:
    """Short type names of a node (`https://schema.org/Project` -> `Project`)."""
    values = value if isinstance(value, list) else [value]
    return [str(v).rstrip("/").rsplit("/", 1)[-1] for v in values if v]


def _of_types(nodes: list[dict[str, Any]], types: list[str] | None) -> list[dict[str, Any]]:
    """Nodes whose @type is one of `types` (all nodes when no type is asked)."""
    if not types:
        return nodes
    return [n for n in nodes if set(_type_name(n.get("@type"))) & set(types)]


def _selector_root(doc: Document, key: str) -> Any:
    """The lxml root of an HTML document, or a clear error."""
    if doc.selector is None:
        raise ExtractionError(f"`{key}` demande un document HTML, {doc.url} n'en est pas un")
    return doc.selector


def jsonld_nodes(doc: Document) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page: top-level lists and `@graph` flattened, in page order."""
    if "jsonld" in doc.cache:
        return list(doc.cache["jsonld"])
    nodes: list[dict[str, Any]] = []
    selector = _selector_root(doc, "jsonld")
    for script in selector.xpath('//script[@type="application/ld+json"]/text()').getall():
        try:
            data = json.loads(script)
        except json.JSONDecodeError:
            continue  # one broken block must not hide the others
        pending = data if isinstance(data, list) else [data]
        while pending:
            node = pending.pop(0)
            if not isinstance(node, dict):
                continue
            if isinstance(node.get("@graph"), list):
                pending = node["@graph"] + pending
                continue
            nodes.append(node)
    doc.cache["jsonld"] = nodes
    return list(nodes)


class JsonLdExtractor:
    """`jsonld: "address.postalCode"` — JSON path in the page's schema.org JSON-LD objects."""

    key = "jsonld"

    def values(self, spec: dict[str, Any], doc: Document) -> list[Any]:
        """Values at the path in every JSON-LD object of the asked types."""
        out: list[Any] = []
        for node in _of_types(jsonld_nodes(doc), spec.get("types")):
            out.extend(json_path_find(node, spec["jsonld"]))
        return out


def _text(element: Any) -> str:
    """Text of an element with layout whitespace collapsed."""
    return _SPACES.sub(" ", "".join(element.itertext())).strip()


def _item(element: Any) -> dict[str, Any]:
    """One microdata item: {"@type": …, property: [values…]} (nested items are dicts)."""
    item: dict[str, Any] = {"@type": _type_name(element.get("itemtype", "").split())}
    pending = list(element)
    while pending:
        child = pending.pop(0)
        if not isinstance(child.tag, str):
            continue
        names = (child.get("itemprop") or "").split()
        if names:
            value: Any
            if child.get("itemscope") is not None:
                value = _item(child)
            else:
                attribute = _ATTRIBUTE_VALUES.get(child.tag.lower())
                value = child.get(attribute) if attribute and child.get(attribute) else _text(child)
            for name in names:
                item.setdefault(name, []).append(value)
        if child.get("itemscope") is None:
            pending = list(child) + pending
    return item


def microdata_items(doc: Document) -> list[dict[str, Any]]:
    """Top-level microdata items of the page (itemscope elements that are not a property)."""
    if "microdata" not in doc.cache:
        root = _selector_root(doc, "microdata").root
        tops = root.xpath("//*[@itemscope][not(@itemprop)]") if isinstance(root, etree._Element) else []
        doc.cache["microdata"] = [_item(element) for element in tops]
    return list(doc.cache["microdata"])


class MicrodataExtractor:
    """`microdata: "address.postalCode"` — JSON path in the page's schema.org microdata items."""

    key = "microdata"

    def values(self, spec: dict[str, Any], doc: Document) -> list[Any]:
        """Values at the path in every top-level item of the asked types."""
        out: list[Any] = []
        for item in _of_types(microdata_items(doc), spec.get("types")):
            out.extend(json_path_find(item, spec["microdata"]))
        return out
