"""The guide to writing a source (docs/sources.md), rendered as sanitised HTML for the partner space."""

from __future__ import annotations

from functools import cache

import nh3
from django.conf import settings
from markdown_it import MarkdownIt

GUIDE_PATH = settings.BASE_DIR / "docs" / "sources.md"
# What a guide may contain: text, headings, lists, tables, code; no script, style, form or image.
GUIDE_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "p", "br", "hr", "a", "ul", "ol", "li", "strong", "em", "code", "pre",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
GUIDE_ATTRIBUTES = {"a": {"href", "title"}, "th": {"style"}, "td": {"style"}}


@cache
def guide_html() -> str:
    """docs/sources.md as HTML, sanitised (read once per process: the file ships with the code)."""
    text = GUIDE_PATH.read_text(encoding="utf-8")
    rendered = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return nh3.clean(
        rendered,
        tags=GUIDE_TAGS,
        attributes=GUIDE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
        filter_style_properties={"text-align"},
    )
