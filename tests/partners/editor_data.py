"""Definition texts for the editor tests."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

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


def source_versioned(
    source: Source, text: str, *, author: Any = None, comment: str = "", origin: str = Source.Origin.PARTNER
) -> SourceVersion:
    """Save a text for a source and put it in service (validated if its hosts made it wait)."""
    version = source_version_save(text, author=author, source=source, comment=comment, origin=origin)
    if version.status == SourceVersion.Status.PENDING:
        version = source_version_validate(version, reviewer=None)
    return version


def version_on_page(page: str) -> str:
    """The number of the version the editor page was built from, as its form posts it back."""
    found = re.search(r'<input type="hidden" name="version" value="(\d+)"', page)
    assert found, "the editor posts the version it was built from"
    return found.group(1)


def definition_post(client: Client, url: str, data: dict[str, str], **kwargs: Any) -> Any:
    """Post the editor's form as a browser does: opened first, with the version the page was built on."""
    version = version_on_page(client.get(url).content.decode())
    return client.post(url, {"version": version, **data}, **kwargs)
