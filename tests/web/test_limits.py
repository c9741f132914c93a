"""Rate limits per client IP and the admin login lockout, through the whole middleware stack."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from carrefour.contributions.models import Contribution
from carrefour.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits_on(settings: Any) -> Any:
    """Rate limits switched on (tests run with them off, see tests/conftest.py)."""
    settings.RATELIMIT_ENABLE = True
    return settings


def test_correction_flood_is_stopped(client: Client, corpus: dict[str, Project], limits_on: Any) -> None:
    project = corpus["epicerie"]
    url = f"/projets/{project.pk}/correction"
    statuses = [client.post(url, {"subject": "other", "reason": f"n° {i}"}).status_code for i in range(300)]
    assert statuses == [302] * 20 + [429] * 280  # CARREFOUR_RATE_FORM: 20/h
    assert Contribution.objects.count() == 20
    response = client.post(url, {"subject": "other", "reason": "encore"})
    page = response.content.decode()
    assert "Trop de requêtes" in page and "fr-header" in page
    assert 0 < int(response["Retry-After"]) <= 3600
    assert client.get(url).status_code == 200  # reading the form is not limited


def test_search_limit_is_per_client_ip(
    client: Client, corpus: dict[str, Project], limits_on: Any, caplog: pytest.LogCaptureFixture
) -> None:
    limits_on.RATE_LIMITS = {**limits_on.RATE_LIMITS, "search": "5/h"}
    # A forged X-Forwarded-For changes nothing: no header is trusted unless configured.
    codes = [
        client.get("/recherche/suggestions?q=ab", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code
        for i in range(7)
    ]
    assert codes == [200] * 5 + [429] * 2
    assert [r.getMessage() for r in caplog.records if r.name == "carrefour.web.limits"] == [
        "rate limit search (5/h) reached by 127.0.0.1"  # once, for the operator
    ]
    assert client.get("/recherche", {"q": "jardin"}).status_code == 429  # the whole search group
    assert client.get("/carte/donnees?zoom=5").status_code == 429
    assert client.get("/recherche/export.csv?q=jardin").status_code == 429  # exports too
    assert client.get("/observatoire/themes.csv").status_code == 429
    assert client.get("/recherche", {"q": "jardin"}, REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get(f"/projets/{corpus['epicerie'].pk}").status_code == 302  # project pages are not


def test_trusted_header_when_configured(client: Client, corpus: dict[str, Project], limits_on: Any) -> None:
    limits_on.RATE_LIMITS = {**limits_on.RATE_LIMITS, "api": "2/h"}
    limits_on.CLIENT_IP_HEADER = "X-Real-IP"
    for address in ("198.51.100.1", "198.51.100.2"):
        codes = [client.get("/api/v1/suggest?q=ab", HTTP_X_REAL_IP=address).status_code for _ in range(3)]
        assert codes == [200, 200, 429]


def test_admin_login_locked_after_failures(client: Client, settings: Any) -> None:
    User.objects.create_superuser("gestion", password="le-bon-mot-de-passe")
    login = f"/{settings.ADMIN_PATH}/login/?next=/{settings.ADMIN_PATH}/"
    for _ in range(100):
        client.post(login, {"username": "gestion", "password": "mauvais"})
    response = client.post(login, {"username": "gestion", "password": "le-bon-mot-de-passe"})
    assert response.status_code == 429
    assert "Connexion bloquée après 5 échecs" in response.content.decode()
    assert int(response["Retry-After"]) == 15 * 60
    assert client.get(f"/{settings.ADMIN_PATH}/").status_code == 302  # still not logged in


def test_admin_login_after_a_few_failures(client: Client, settings: Any) -> None:
    User.objects.create_superuser("gestion", password="le-bon-mot-de-passe")
    login = f"/{settings.ADMIN_PATH}/login/?next=/{settings.ADMIN_PATH}/"
    for _ in range(4):
        assert client.post(login, {"username": "gestion", "password": "mauvais"}).status_code == 200
    response = client.post(login, {"username": "gestion", "password": "le-bon-mot-de-passe"})
    assert response.status_code == 302
    assert client.get(f"/{settings.ADMIN_PATH}/").status_code == 200
