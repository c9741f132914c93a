"""A mapping changed outside the vocabulary page (editor save, revert, validation) is re-applied too."""

from __future__ import annotations

from typing import Any

from carrefour.orchestration.models import Job
from carrefour.sources.models import Source, SourceVersion
from tests.accounts.conftest import signed_in
from tests.partners.conftest import DEFINITION, theme_count
from tests.partners.editor_data import definition_post
from tests.worker import tasks_run

BASE = "/espace-partenaire/sources/regards-solidaires"
MAPPED = "    Mobilité: mobilite\n"
GARDENS = MAPPED + "    Jardins partagés: environnement\n"


def _text(*, gardens: bool, host: str = "127.0.0.1") -> str:
    """The source's file, "Jardins partagés" mapped to environnement or not, its site on `host`."""
    text = DEFINITION.read_text(encoding="utf-8").replace("127.0.0.1", host)
    assert MAPPED in text
    return text.replace(MAPPED, GARDENS) if gardens else text


def test_an_editor_save_then_a_revert_reapply_the_mapping(partner_source: Source, make_user: Any) -> None:
    client = signed_in(make_user("org_member"))
    before = theme_count("environnement")
    response = definition_post(
        client, f"{BASE}/definition", {"text": _text(gardens=True), "comment": "jardins"}
    )
    assert response.status_code == 302 and Job.objects.filter(kind=Job.Kind.MAPPING_REAPPLY).count() == 1
    assert theme_count("environnement") == before  # the worker has not run yet
    tasks_run()
    # Only the records using the term are processed again (the invalid one included).
    assert "Correspondances appliquées : 4 fiches traitées" in Job.objects.get().summary
    assert theme_count("environnement") == before + 3
    assert client.post(f"{BASE}/versions/1").status_code == 302
    assert Job.objects.count() == 2
    tasks_run()
    assert theme_count("environnement") == before
    assert "4 fiches traitées" in Job.objects.order_by("pk").last().summary  # type: ignore[union-attr]


def test_an_edit_leaving_the_vocabularies_alone_queues_nothing(
    partner_source: Source, make_user: Any
) -> None:
    client = signed_in(make_user("org_member"))
    text = _text(gardens=False).replace("frequency: weekly", "frequency: daily")
    assert (
        definition_post(client, f"{BASE}/definition", {"text": text, "comment": "quotidien"}).status_code
        == 302
    )
    assert partner_source.versions.count() == 2 and not Job.objects.exists()


def test_a_validated_version_reapplies_its_mapping(
    partner_source: Source, make_user: Any, settings: Any
) -> None:
    settings.PARTNER_ALLOWED_HOSTS = ["127.0.0.1", "127.0.0.2"]
    before = theme_count("environnement")
    # A change of hosts waits for the administrators: nothing is re-applied before their decision.
    definition_post(
        signed_in(make_user("org_member")),
        f"{BASE}/definition",
        {"text": _text(gardens=True, host="127.0.0.2"), "comment": "déménagement"},
    )
    version = partner_source.versions.get(number=2)
    assert version.status == SourceVersion.Status.PENDING and not Job.objects.exists()
    admin = signed_in(make_user("administrator"))
    assert (
        admin.post(f"/espace-partenaire/validation/{version.pk}", {"decision": "valider"}).status_code == 302
    )
    job = Job.objects.get(kind=Job.Kind.MAPPING_REAPPLY)
    tasks_run()
    job.refresh_from_db()
    assert "4 fiches traitées" in job.summary and theme_count("environnement") == before + 3
