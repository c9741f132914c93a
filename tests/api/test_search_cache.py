"""The search response cache is keyed on the validated search: stray parameters neither bypass nor fill it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from carrefour.projects.models import Project
from carrefour.search import cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def roomy_cache(settings: Any) -> None:
    """Room for every response of the test, so that a missing entry is never an eviction."""
    settings.SEARCH_CACHE_SIZE = 100_000


def test_api_ignores_unknown_params(client: Client, corpus: dict[str, Project], roomy_cache: None) -> None:
    first = client.get("/api/v1/projects?q=épicerie&theme=alimentation&theme=lien-social")
    kept = len(cache._entries)
    for i in range(50):
        # Any order of the same values, plus a parameter the API does not know: the kept response.
        response = client.get(f"/api/v1/projects?theme=lien-social&x{i}={i}&q=épicerie&theme=alimentation")
        assert response.status_code == 200 and response.content == first.content
    assert len(cache._entries) == kept  # every one of them was served from the cache, none added


def test_pages_ignore_unknown_params(client: Client, corpus: dict[str, Project], roomy_cache: None) -> None:
    home = client.get("/").content
    kept = len(cache._entries)
    for i in range(20):
        assert client.get(f"/?x={i}").content == home
        response = client.get(f"/recherche?q=jardin&x={i}")
        assert (response.status_code, response["Location"]) == (302, "/recherche?q=jardin")
    assert len(cache._entries) == kept
