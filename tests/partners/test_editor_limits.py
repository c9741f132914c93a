"""What one partner account can make the server do: rate ceilings, start URLs, DNS checks' deadline."""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest

from carrefour.sources import bounds
from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.versions import DefinitionTextError, source_version_save
from tests.accounts.conftest import signed_in
from tests.partners.editor_data import definition_post, definition_text, source_versioned

pytestmark = pytest.mark.django_db
NEW = "/espace-partenaire/sources/nouvelle"


def test_new_sources_saves_and_previews_have_each_their_ceiling_per_account(
    make_user: Any, world: dict[str, Any], settings: Any
) -> None:
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "partner_source_new": "1/h",
        "partner_definition": "2/h",
        "partner_preview": "1/h",
    }
    source = world["own_source"]
    source_versioned(source, definition_text(source.slug))
    member = signed_in(make_user("org_member"))
    url = f"/espace-partenaire/sources/{source.slug}/definition"
    preview = {"text": definition_text(source.slug, name="Aperçu"), "comment": "", "previsualiser": "1"}
    assert definition_post(member, url, preview).status_code == 302
    # A second preview, from the editor or from the preview page, is one too many.
    refused = definition_post(member, url, preview)
    assert refused.status_code == 429
    assert "plafond d&#x27;aperçus de votre compte (1/h) : aucun aperçu n&#x27;a été lancé" in (
        refused.content.decode()
    )
    assert member.post(f"/espace-partenaire/sources/{source.slug}/apercu").status_code == 429
    # Saves count apart from previews.
    for name in ("Un", "Deux"):
        saved = definition_post(member, url, {"text": definition_text(source.slug, name=name), "comment": ""})
        assert saved.status_code == 302
    refused = definition_post(
        member, url, {"text": definition_text(source.slug, name="Trois"), "comment": ""}
    )
    assert (
        refused.status_code == 429
        and "plafond d&#x27;enregistrements de définition" in refused.content.decode()
    )
    assert member.post(f"/espace-partenaire/sources/{source.slug}/versions/1").status_code == 429
    source.refresh_from_db()
    assert source.name == "Deux"
    data = {"organisation": world["own_org"].pk, "comment": ""}
    assert member.post(NEW, {**data, "text": definition_text("premiere")}).status_code == 302
    refused = member.post(NEW, {**data, "text": definition_text("seconde")})
    assert refused.status_code == 429 and "plafond de créations de source" in refused.content.decode()
    assert not Source.objects.filter(slug="seconde").exists()
    # Another account of the organisation keeps its own ceilings.
    assert (
        signed_in(make_user("org_admin")).post(NEW, {**data, "text": definition_text("seconde")}).status_code
        == 302
    )


def test_a_partner_s_source_has_at_most_twenty_start_urls_none_of_them_looked_up(
    make_user: Any, world: dict[str, Any], monkeypatch: Any
) -> None:
    looked_up: list[str] = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *args, **kwargs: looked_up.append(host) or [])
    urls = ", ".join(f'"https://h{i}.example.org/"' for i in range(5000))
    text = definition_text("tres-longue").replace(
        'start_urls: ["https://www.example.org/projets"]', f"start_urls: [{urls}]"
    )
    data = {"organisation": world["own_org"].pk, "text": text, "comment": ""}
    response = signed_in(make_user("org_member")).post(NEW, data)
    assert response.status_code == 400
    assert "au plus 20 adresses de départ pour une source partenaire (5000 ici)" in response.content.decode()
    assert looked_up == [] and not Source.objects.filter(slug="tres-longue").exists()


def test_the_dns_checks_of_a_definition_end_at_their_deadline(
    make_user: Any, world: dict[str, Any], monkeypatch: Any
) -> None:
    slow = threading.Event()
    real = socket.getaddrinfo

    def resolver(host: str, *args: Any, **kwargs: Any) -> Any:
        """A DNS zone that never answers for lent.example.org, a private address for prive.example.org."""
        if host == "lent.example.org":
            slow.wait(60)
            return []
        if host == "prive.example.org":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 0))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(bounds, "DNS_DEADLINE_SECONDS", 0.5)
    member = make_user("org_member")
    try:
        text = definition_text("lente").replace(
            '["https://www.example.org/projets"]',
            '["https://lent.example.org/", "https://prive.example.org/"]',
        )
        with pytest.raises(DefinitionTextError) as refused:
            source_version_save(text, author=member)
        [problem] = refused.value.problems
        assert problem.path == "start_urls[1]" and "prive.example.org/' : hôte refusé" in problem.message
        # The host still resolving is let through, as an unresolved one: each fetch checks it again.
        text = definition_text("lente", host="lent.example.org")
        version = source_version_save(text, author=member)
        assert version.status == SourceVersion.Status.PENDING
    finally:
        slow.set()


def test_a_revert_carrying_the_preview_button_counts_as_a_definition_save(
    make_user: Any, world: dict[str, Any], settings: Any
) -> None:
    # The revert writes a version on any POST: the preview button's name does not move it to the previews.
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "partner_definition": "1/h", "partner_preview": "5/h"}
    source = world["own_source"]
    source_versioned(source, definition_text(source.slug))
    member = signed_in(make_user("org_member"))
    url = f"/espace-partenaire/sources/{source.slug}/versions/1"
    assert member.post(url, {"previsualiser": "1"}).status_code == 302
    versions = SourceVersion.objects.filter(source=source).count()
    refused = member.post(url, {"previsualiser": "1"})
    assert refused.status_code == 429
    assert "plafond d&#x27;enregistrements de définition" in refused.content.decode()
    assert SourceVersion.objects.filter(source=source).count() == versions
