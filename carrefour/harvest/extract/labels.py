"""Label/value extractor for free-text pages: `Porteur : X`, `Porté par - X`, `Où : Y. Thèmes : a, b.`"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from carrefour.harvest.extract.document import Document, ExtractionError

# Markup that starts a new line of text (so that `<b>Label</b> : value<br>` lines stay apart).
_BREAKS = re.compile(r"<br\s*/?>|</?(?:p|li|ul|ol|div|dd|dt|tr|h[1-6]|table|section)\b[^>]*>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SEPARATOR = r"[ \t\u00a0\u202f]*[:\-\u2013\u2014][ \t\u00a0\u202f]*"
_TRAILING = " \t\u00a0\u202f.;,"


def markup_lines(markup: str) -> list[str]:
    """Text lines of an HTML fragment: block elements and <br> end a line; entities decoded."""
    markup = _CONTROL.sub("", markup)  # lxml refuses NUL and other control characters outright
    if not markup.strip():
        return []
    try:
        root = lxml_html.fragment_fromstring(_BREAKS.sub("\n", markup), create_parent="div")
    except (AssertionError, etree.ParserError):
        return []  # lxml's fragment parser asserts on a document without a body: no text
    text = root.text_content()
    return [line.strip() for line in text.splitlines() if line.strip()]


def _scope_markup(spec: dict[str, Any], doc: Document) -> list[str]:
    """Markup searched: the `within` nodes (CSS, or XPath when it starts with / or ( ), else the page."""
    if doc.selector is None:
        raise ExtractionError(f"`label` demande un document HTML, {doc.url} n'en est pas un")
    within = spec.get("within")
    if not within:
        return [doc.selector.get()]
    nodes = doc.selector.xpath(within) if within.startswith(("/", "(", ".")) else doc.selector.css(within)
    return [node.get() for node in nodes]


def _pattern(labels: list[str]) -> re.Pattern[str]:
    """A label at the start of a line or of a sentence, followed by its separator."""
    names = "|".join(re.escape(label) for label in sorted(set(labels), key=len, reverse=True))
    return re.compile(rf"(?:^|(?<=[.;!?]\s))({names}){_SEPARATOR}", re.IGNORECASE)


class LabelExtractor:
    """`label: [Porteur, Porté par]` — text after one of these labels, up to the next label or line end."""

    key = "label"

    def values(self, spec: dict[str, Any], doc: Document) -> list[Any]:
        """Values of the asked labels; another known label on the same line ends the value."""
        wanted = {label.casefold() for label in spec["label"]}
        pattern = _pattern([*spec["label"], *doc.labels])
        out = []
        for markup in _scope_markup(spec, doc):
            for line in markup_lines(markup):
                matches = list(pattern.finditer(line))
                ends = [match.start() for match in matches[1:]] + [len(line)]
                for here, end in zip(matches, ends, strict=False):
                    if here.group(1).casefold() not in wanted:
                        continue
                    value = line[here.end() : end].strip(_TRAILING)
                    if value:
                        out.append(value)
        return out
