"""Every API error is JSON of one shape under /api/; the site keeps its French pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from carrefour.projects.models import Project
from carrefour.web.errors import URL_MAX

pytestmark = pytest.mark.django_db


def _error(response: Any, status: int, code: str) -> str:
    """The French message of a JSON error, after checking its status, shape and CORS header."""
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert set(body) == {"erreur", "code", "status"}
    assert (body["status"], body["code"]) == (status, code)
    return str(body["erreur"])


def test_400_invalid_parameter(client: Client, corpus: dict[str, Project]) -> None:
    message = _error(client.get("/api/v1/projects?page=abc"), 400, "invalid_parameter")
    assert "« page »" in message
    _error(client.get(f"/api/v1/projects/{corpus['epicerie'].pk}/similar?limit=99"), 400, "invalid_parameter")
    # "²" is a digit to str.isdigit but not a number to int(): refused, not a server error.
    _error(client.get(f"/api/v1/projects/{corpus['epicerie'].pk}/similar?limit=²"), 400, "invalid_parameter")


def test_400_bad_request(client: Client) -> None:
    _error(client.get("/api/v1/projects", HTTP_HOST="ailleurs.example"), 400, "bad_request")


@pytest.mark.urls("tests.api.error_urls")
def test_403_and_csrf_failure(client: Client) -> None:
    _error(client.get("/api/v1/test/forbidden"), 403, "forbidden")
    strict = Client(enforce_csrf_checks=True)
    message = _error(strict.post("/api/v1/test/write"), 403, "csrf_failed")
    assert "rechargez la page" in message


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_405_even_without_csrf_token(corpus: dict[str, Project], method: str) -> None:
    response = getattr(Client(enforce_csrf_checks=True), method)("/api/v1/projects")
    assert "GET" in _error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize("path", ["/api/v1/nulle-part", "/api/v2/projects", "/api/", "/api/v1/projects/9999"])
def test_404(client: Client, corpus: dict[str, Project], path: str) -> None:
    _error(client.get(path), 404, "not_found")


def test_414(client: Client) -> None:
    message = _error(client.get("/api/v1/projects", {"q": "x" * URL_MAX}), 414, "uri_too_long")
    assert str(URL_MAX) in message


def test_429(client: Client, settings: Any) -> None:
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "3/h"}
    assert [client.get("/api/v1/suggest?q=ab").status_code for _ in range(3)] == [200] * 3
    response = client.get("/api/v1/suggest?q=ab")
    assert "trop de requêtes" in _error(response, 429, "rate_limited")
    assert 0 < int(response["Retry-After"]) <= 3600


@pytest.mark.urls("tests.api.error_urls")
def test_500() -> None:
    response = Client(raise_request_exception=False).get("/api/v1/test/crash")
    assert "problème" in _error(response, 500, "server_error")


def test_site_keeps_french_pages(corpus: dict[str, Project]) -> None:
    response = Client().get("/nulle-part")
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()
    project = corpus["epicerie"]
    response = Client(enforce_csrf_checks=True).post(
        f"/projets/{project.pk}/correction", {"subject": "other", "reason": "x"}
    )
    page = response.content.decode()
    assert response.status_code == 403 and "fr-header" in page and "rechargez la page" in page
    response = Client().get("/recherche", {"q": "x" * URL_MAX})
    assert response.status_code == 414 and "Adresse trop longue" in response.content.decode()
