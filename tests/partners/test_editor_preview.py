"""The preview page: started from the editor, queued for the worker, refreshed until its report shows."""

from __future__ import annotations

from typing import Any

import pytest

from carrefour.orchestration.models import Job
from carrefour.sources.models import Source
from tests.accounts.conftest import signed_in
from tests.net import free_port
from tests.partners.editor_data import definition_post, definition_text, source_versioned
from tests.worker import tasks_run

pytestmark = pytest.mark.django_db


def test_a_preview_of_the_text_being_edited_runs_in_the_worker_and_shows_its_report(
    make_user: Any, world: dict[str, Any], settings: Any
) -> None:
    settings.PARTNER_ALLOWED_HOSTS = settings.HARVEST_ALLOWED_HOSTS = ["127.0.0.1"]
    source = world["own_source"]
    source_versioned(source, definition_text(source.slug))
    member = signed_in(make_user("org_member"))
    # A site that is down: the preview reports it, and nothing of the source changes.
    edited = definition_text(source.slug, name="Essai").replace(
        "https://www.example.org", f"http://127.0.0.1:{free_port()}"
    )
    base = f"/espace-partenaire/sources/{source.slug}"
    response = definition_post(
        member, f"{base}/definition", {"text": edited, "comment": "", "previsualiser": "1"}
    )
    assert response.status_code == 302 and response["Location"] == f"{base}/apercu"
    page = member.get(f"{base}/apercu").content.decode()
    assert "en attente du worker" in page and '<meta http-equiv="refresh" content="2">' in page
    # Another member's session has no preview to show: the job is the one of this session only.
    colleague = signed_in(make_user("org_admin"))
    assert "Aperçu n°" not in colleague.get(f"{base}/apercu").content.decode()

    tasks_run()
    page = member.get(f"{base}/apercu").content.decode()
    assert "http-equiv" not in page and "terminé" in page
    assert 'id="apercu-rapport"' in page and "Aperçu de « Essai »" in page
    assert Job.objects.get().kind == Job.Kind.SOURCE_PREVIEW
    source.refresh_from_db()
    assert source.name == "Plateforme source-own" and source.versions.count() == 1


def test_a_new_source_is_previewed_before_it_exists_and_its_text_is_kept(
    make_user: Any, world: dict[str, Any], settings: Any
) -> None:
    settings.PARTNER_ALLOWED_HOSTS = settings.HARVEST_ALLOWED_HOSTS = ["127.0.0.1"]
    member = signed_in(make_user("org_member"))
    text = definition_text("pas-encore", name="Pas encore").replace(
        "https://www.example.org", f"http://127.0.0.1:{free_port()}"
    )
    data = {"organisation": world["own_org"].pk, "text": text, "comment": "", "previsualiser": "1"}
    response = member.post("/espace-partenaire/sources/nouvelle", data)
    assert response["Location"] == "/espace-partenaire/sources/nouvelle/apercu"
    assert "en attente du worker" in member.get(response["Location"]).content.decode()
    tasks_run()
    page = member.get("/espace-partenaire/sources/nouvelle/apercu").content.decode()
    assert "Aperçu de « Pas encore »" in page and not Source.objects.filter(slug="pas-encore").exists()
    editor = member.get("/espace-partenaire/sources/nouvelle?reprendre=1").content.decode()
    assert "name: Pas encore" in editor
    # Only accounts that may create a source see it.
    assert (
        signed_in(make_user("contributor")).get("/espace-partenaire/sources/nouvelle/apercu").status_code
        == 403
    )
