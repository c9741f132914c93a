"""Definition texts for the editor tests."""

from __future__ import annotations

from typing import Any

from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.versions import source_version_save, source_version_validate


def definition_text(slug: str, host: str = "www.example.org", *, name: str = "") -> str:
    """A valid HTML-kind definition of a source reaching one host."""
    return f"""slug: {slug}
name: {name or "Plateforme " + slug}
kind: html
start_urls: ["https://{host}/projets"]
list:
  links: {{css: "article h2 a::attr(href)"}}
record_id: {{url: last_segment}}
fields:
  title: {{css: "h1"}}
"""


def source_versioned(source: Source, text: str, *, author: Any = None, comment: str = "") -> SourceVersion:
    """Save a text for a source and put it in service (validated if its hosts made it wait)."""
    version = source_version_save(text, author=author, source=source, comment=comment)
    if version.status == SourceVersion.Status.PENDING:
        version = source_version_validate(version, reviewer=None)
    return version
