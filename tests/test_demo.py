"""The demonstration corpus shows visitors no machine path and no link to a simulator that is gone."""

from __future__ import annotations

import gzip
import io
import ipaddress
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from carrefour.env import BASE_DIR

DEMO = BASE_DIR / "demo" / "corpus.jsonl.gz"


def _link_problem(url: str | None) -> str | None:
    """Why a publication URL must not be shown to a visitor, or None."""
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return f"not a web page: {url}"
    if parts.hostname == "localhost" or parts.hostname.endswith(".localhost"):
        return f"loopback: {url}"
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return None
    return None if address.is_global else f"non-public address: {url}"


def test_demo_publications_link_to_public_pages_and_fictional_ones_to_nothing() -> None:
    with gzip.open(DEMO, "rt", encoding="utf-8") as handle:
        publications = [p for line in handle for p in json.loads(line)["publications"]]
    assert len(publications) > 3000
    problems = [problem for p in publications if (problem := _link_problem(p.get("url")))]
    assert not problems, problems[:5]
    assert not [p["url"] for p in publications if p.get("fictional") and p.get("url")]


@pytest.mark.django_db
def test_demo_import_serves_no_machine_path_nor_loopback(client: Client, territories_loaded: Any) -> None:
    out = io.StringIO()
    call_command("import", str(DEMO), stdout=out, stderr=io.StringIO())
    assert " 0 lignes rejetées" in out.getvalue(), out.getvalue()
    call_command("index", "rebuild", stdout=io.StringIO(), stderr=io.StringIO())
    served: list[dict[str, Any]] = []
    page = 1
    while True:
        data = client.get("/api/v1/projects", {"per_page": 100, "page": page}).json()
        served += [p for project in data["results"] for p in project["publications"]]
        if len(data["results"]) < 100:
            break
        page += 1
    assert len(served) > 3000
    problems = [problem for p in served if (problem := _link_problem(p["url"]))]
    assert not problems, problems[:5]
