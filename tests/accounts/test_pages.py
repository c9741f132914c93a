"""Account pages over real HTTP for every role; personal data, deletion, header, django-axes lockout."""

from __future__ import annotations

import html
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessLog
from django.contrib.auth.models import User
from django.test import Client

from carrefour.accounts.models import Profile, UserBlock
from carrefour.accounts.selectors import user_display_name
from tests.accounts.conftest import PASSWORD, ROLES, account_create

BACKEND = "django.contrib.auth.backends.ModelBackend"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _get(url: str, session: str | None) -> tuple[int, dict[str, str], str]:
    """GET over HTTP without following redirects: status, headers, body."""
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"} if session else {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.parametrize("role", ROLES)
def test_account_pages_over_http_for_each_role(
    role: str, transactional_db: None, live_server: Any, make_user: Callable[[str], Any]
) -> None:
    user = make_user(role)
    session = None
    if user.is_authenticated:
        client = Client()
        client.force_login(user, backend=BACKEND)
        session = client.cookies["sessionid"].value
    pages = {
        path: _get(f"{live_server.url}{path}", session)
        for path in ("/compte/", "/compte/mes-donnees", "/compte/mes-donnees.json", "/compte/supprimer", "/")
    }
    if role == "visitor":
        for path in ("/compte/", "/compte/mes-donnees", "/compte/mes-donnees.json", "/compte/supprimer"):
            status, headers, _ = pages[path]
            assert status == 302 and headers["Location"].startswith("/compte/login/?next=")
        home = pages["/"][2]
        assert "Se connecter" in home and "Créer un compte" in home and "Se déconnecter" not in home
        return
    status, _, home = pages["/compte/"]
    assert status == 200 and user.email in home
    assert ("Votre compte est bloqué jusqu'au" in html.unescape(home)) is role.startswith("blocked")
    assert ("Messages publicitaires répétés" in home) is role.startswith("blocked")
    status, headers, body = pages["/compte/mes-donnees.json"]
    assert status == 200 and headers["Content-Disposition"].startswith("attachment")
    assert json.loads(body)["compte"]["email"] == user.email
    assert pages["/compte/mes-donnees"][0] == 200 and pages["/compte/supprimer"][0] == 200
    header = pages["/"][2]
    assert "Mon compte" in header and 'action="/compte/logout/"' in header and "Se connecter" not in header


def test_a_visitor_home_page_kept_in_cache_never_reaches_a_signed_in_user(db: None, client: Client) -> None:
    assert "Se connecter" in client.get("/").text
    client.force_login(account_create("ana@example.org"), backend=BACKEND)
    signed_in = client.get("/").text
    assert "Mon compte" in signed_in and "Se connecter" not in signed_in
    client.logout()
    assert "Se connecter" in client.get("/").text


@pytest.mark.django_db
def test_personal_data_lists_what_we_hold(client: Client, make_user: Callable[[str], Any]) -> None:
    user = make_user("org_admin")
    client.post("/compte/login/", {"login": user.email, "password": PASSWORD})
    data = json.loads(client.get("/compte/mes-donnees.json").content)
    assert data["adresses_email"] == [{"email": user.email, "verifiee": True, "principale": True}]
    assert data["organisations"] == [
        {"organisation": "Organisation own", "role": "Administrateur de l'organisation"}
    ]
    assert len(data["connexions"]) == 1 and data["connexions"][0]["ip"] == "127.0.0.1"
    page = client.get("/compte/mes-donnees").text
    assert "Organisation own" in page and "Télécharger mes données (JSON)" in page


@pytest.mark.django_db
def test_deletion_asks_the_password_then_removes_the_personal_data(
    client: Client, make_user: Callable[[str], Any]
) -> None:
    user = make_user("blocked")
    client.post("/compte/login/", {"login": user.email, "password": PASSWORD})
    logins = AccessLog.objects.filter(username__in=[user.username, user.email])
    assert logins.exists()
    wrong = client.post("/compte/supprimer", {"password": "pas le bon"})
    assert wrong.status_code == 400 and "Mot de passe incorrect" in wrong.text
    assert User.objects.filter(pk=user.pk).exists()
    done = client.post("/compte/supprimer", {"password": PASSWORD}, follow=True)
    assert "Votre compte et vos données personnelles ont été supprimés." in done.text
    assert not User.objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(email=user.email).exists()
    assert not Profile.objects.filter(user_id=user.pk).exists()
    assert not UserBlock.objects.filter(user_id=user.pk).exists()
    assert not logins.exists()
    assert client.get("/compte/").status_code == 302
    assert user_display_name(None) == "compte supprimé"


@pytest.mark.django_db
def test_django_axes_locks_the_allauth_login_after_failures(client: Client) -> None:
    account_create("eve@example.org")
    # Five addresses: allauth's own limit (5 failures per address) would answer before django-axes.
    for attempt in range(5):
        client.post("/compte/login/", {"login": f"essai{attempt}@example.org", "password": "mauvais"})
    response = client.post("/compte/login/", {"login": "eve@example.org", "password": PASSWORD})
    assert response.status_code == 429 and "Connexion bloquée après 5 échecs" in response.text
    assert client.get("/compte/").status_code == 302


@pytest.mark.django_db
def test_sign_up_floods_from_one_address_are_refused(client: Client, settings: Any) -> None:
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "form": "3/h"}
    statuses = [
        client.post(
            "/compte/signup/",
            {"email": f"robot{i}@example.org", "password1": PASSWORD, "password2": PASSWORD},
        ).status_code
        for i in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert User.objects.filter(email__startswith="robot").count() == 3


SIGNED_IN_PAGES = ["/compte/email/", "/compte/password/change/", "/compte/logout/", "/compte/reauthenticate/"]
VISITOR_PAGES = ["/compte/login/", "/compte/signup/", "/compte/password/reset/", "/compte/login/code/"]


@pytest.mark.django_db
def test_every_allauth_page_renders_in_the_site_layout_in_french(client: Client) -> None:
    for path in VISITOR_PAGES:
        page = client.get(path)
        assert page.status_code == 200 and 'class="fr-header"' in page.text and 'lang="fr"' in page.text, path
        assert 'class="fr-input' in page.text and 'class="fr-btn' in page.text, path
    client.force_login(account_create("ines@example.org"), backend=BACKEND)
    for path in SIGNED_IN_PAGES:
        page = client.get(path)
        assert page.status_code == 200 and 'class="fr-header"' in page.text, path
        assert 'class="fr-btn' in page.text, path
    assert "Adresses e-mail" in client.get("/compte/email/").text
