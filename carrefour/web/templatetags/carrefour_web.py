"""Template filters: HTML sanitized again before display (defense in depth), safe links, labels."""

from __future__ import annotations

import json

import nh3
from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from carrefour.normalize.values import http_url
from carrefour.normalize.vocabularies import vocabulary_label as _vocabulary_label

register = template.Library()
register.filter("http_url", http_url)

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "blockquote", "h3", "h4", "h5"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


@register.filter
def sanitize_html(value: object) -> SafeString:
    """Allow-listed HTML only (scripts, handlers and styles removed), marked safe afterwards."""
    cleaned = nh3.clean(
        str(value or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow ugc",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 output is an allow-listed fragment


@register.filter
def vocabulary_label(code: object, vocabulary: str) -> str:
    """Label of a code in a common vocabulary (the code itself when unknown)."""
    return _vocabulary_label(vocabulary, str(code))


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def jsonld_script(value: object) -> SafeString:
    """A schema.org JSON-LD data block (not executable; `<`, `>`, `&` escaped as in json_script)."""
    text = json.dumps(value, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
