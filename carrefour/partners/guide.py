"""The guide to writing a source (docs/sources.md), rendered as sanitised HTML for the partner space."""

from __future__ import annotations

import re
from functools import cache

import nh3
from django.conf import settings
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

GUIDE_PATH = settings.BASE_DIR / "docs" / "sources.md"
# What a guide may contain: text, headings, lists, tables, code; no script, style, form or image.
GUIDE_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "p", "br", "hr", "a", "ul", "ol", "li", "strong", "em", "code", "pre",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
GUIDE_ATTRIBUTES = {
    "a": {"href", "title"}, "th": {"style"}, "td": {"style"},
    **{f"h{level}": {"id"} for level in range(2, 6)},
}  # fmt: skip
# A link to another file of docs/ (deploiement.md) has no page in the partner space: its text stays.
RELATIVE_DOC = re.compile(r"^(?![a-z][a-z0-9+.-]*:|#|/)[^#]*\.md(#.*)?$", re.IGNORECASE)


def heading_slug(text: str) -> str:
    """The anchor of a heading as GitHub writes it, which the guide's own links use."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def _anchors_and_links(state: StateCore) -> None:
    """Give each heading its anchor and drop the links to the other files of docs/, keeping their text."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag != "h1":  # the page's title: never a link target
            inline = tokens[index + 1]
            token.attrSet("id", heading_slug("".join(c.content for c in inline.children or [])))
        if token.type == "inline" and token.children:
            opened: list[bool] = []
            kept = []
            for child in token.children:
                if child.type == "link_open":
                    opened.append(bool(RELATIVE_DOC.match(str(child.attrGet("href") or ""))))
                    if opened[-1]:
                        continue
                elif child.type == "link_close" and opened.pop():
                    continue
                kept.append(child)
            token.children = kept


@cache
def guide_html() -> str:
    """docs/sources.md as HTML, sanitised (read once per process: the file ships with the code)."""
    text = GUIDE_PATH.read_text(encoding="utf-8")
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    parser.core.ruler.push("guide_anchors", _anchors_and_links)
    rendered = parser.render(text)
    return nh3.clean(
        rendered,
        tags=GUIDE_TAGS,
        attributes=GUIDE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
        filter_style_properties={"text-align"},
    )
