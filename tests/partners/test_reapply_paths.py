"""Every way a source's vocabularies change re-applies them; a re-apply that did not happen is not lost."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from carrefour.harvest.models import RawRecord
from carrefour.normalize.selectors import source_raw_ids_remapped
from carrefour.orchestration.jobs import job_start
from carrefour.orchestration.models import Job
from carrefour.orchestration.partner_tasks import source_mapping_reapply
from carrefour.orchestration.pipeline import pipeline_process
from carrefour.partners.editor import starter_text
from carrefour.partners.kinds import form_initial
from carrefour.partners.mapping import source_mapping_save
from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.versions import source_version_refuse, source_version_save
from tests.accounts.conftest import signed_in
from tests.partners.conftest import DEFINITION, NOW, theme_count
from tests.partners.editor_data import source_versioned
from tests.worker import tasks_run

MAPPING_URL = "/espace-partenaire/sources/regards-solidaires/vocabulaire"


def _reapply_jobs(source: Source) -> int:
    """The source's mapping re-applications queued or run."""
    return Job.objects.filter(source=source, kind=Job.Kind.MAPPING_REAPPLY).count()


def _mapping_save(source: Source, term: str, code: str, *, seen: int) -> None:
    """A theme mapped from the mapping page, as saved by its form."""
    source.refresh_from_db()
    source_mapping_save(source, {"themes": {term: code}}, author=None, version_seen=seen)


def _gardens_mapped() -> str:
    """The source's definition file with "Jardins partagés" (three valid records) mapped."""
    return DEFINITION.read_text(encoding="utf-8").replace(
        "    Environnement: environnement\n",
        "    Environnement: environnement\n    Jardins partagés: environnement\n",
    )


def _worker_crashed() -> None:
    """The queued tasks end as a worker killed in their middle leaves them: failed, their work undone."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(status=TaskResultStatus.FAILED)


def test_a_form_save_over_a_refused_version_applies_its_vocabularies_to_the_stored_records(
    make_user: Any, world: dict[str, Any], territories_loaded: Any
) -> None:
    source = world["own_source"]
    text = starter_text("csv").replace("slug: ma-source", f"slug: {source.slug}")
    source_versioned(source, text)
    raws = [
        RawRecord.objects.create(
            source=source,
            source_record_id=f"jardin-{i}",
            url=f"https://www.example.org/projets/jardin-{i}",
            payload={"title": f"Jardin {i}", "themes": ["Jardins"], "location_text": "Lyon (69)"},
            content_hash=f"jardin-{i}",
            fetched_at=NOW,
            first_seen_at=NOW,
            last_seen_at=NOW,
        )
        for i in range(2)
    ]
    pipeline_process([raw.pk for raw in raws])
    food = theme_count("alimentation")
    # Version 2 moved to another host and mapped "Jardins": refused for its host.
    moved = text.replace("www.example.org/export", "ailleurs.example.org/export")
    pending = source_version_save(
        moved + "vocabularies:\n  themes: {Jardins: alimentation}\n",
        author=None,
        source=source,
        origin=Source.Origin.PARTNER,
    )
    assert pending.status == SourceVersion.Status.PENDING
    source_version_refuse(pending, reviewer=make_user("admin"), reason="hôte inconnu")
    # The form starts from version 2; the partner puts the host back and saves.
    client = signed_in(make_user("org_member"))
    url = f"/espace-partenaire/sources/{source.slug}/formulaire"
    data = {key: value for key, value in form_initial(pending.definition).items() if key != "slug"}
    data["start_urls"] = "https://www.example.org/export/projets.csv"
    response = client.post(url, {**data, "version": "2", "comment": "Hôte d'origine"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.definition["vocabularies"] == {"themes": {"Jardins": "alimentation"}}
    assert _reapply_jobs(source) == 1
    tasks_run()
    assert theme_count("alimentation") == food + 2


def test_a_crashed_reapplication_is_done_by_the_next_save(partner_source: Source, make_user: Any) -> None:
    environment, social = theme_count("environnement"), theme_count("lien-social")
    source_mapping_save(
        partner_source, {"themes": {"Jardins partagés": "environnement"}}, author=None, version_seen=1
    )
    _worker_crashed()
    source_mapping_save(
        partner_source, {"themes": {"Tiers-lieux": "lien-social"}}, author=None, version_seen=2
    )
    tasks_run()
    # The second re-application also did the first one's work.
    assert theme_count("environnement") == environment + 3 and theme_count("lien-social") == social + 2
    partner_source.refresh_from_db()
    assert partner_source.vocabularies_applied == partner_source.definition["vocabularies"]


def test_a_crashed_reapplication_is_queued_again_by_the_next_pipeline_run(partner_source: Source) -> None:
    environment = theme_count("environnement")
    _mapping_save(partner_source, "Jardins partagés", "environnement", seen=1)
    _worker_crashed()
    call_command("pipeline", "resume")
    assert _reapply_jobs(partner_source) == 2
    tasks_run()
    assert theme_count("environnement") == environment + 3
    call_command("pipeline", "resume")
    assert _reapply_jobs(partner_source) == 2  # applied: nothing more to queue


def test_importing_a_file_that_changes_the_vocabularies_reapplies_them(
    partner_source: Source, tmp_path: Path
) -> None:
    environment = theme_count("environnement")
    path = tmp_path / "regards-solidaires.yml"
    path.write_text(_gardens_mapped(), encoding="utf-8")
    output = _command_output("sources", "import", str(path))
    assert "1 updated" in output and "1 mapping re-applications queued: regards-solidaires" in output
    tasks_run()
    assert theme_count("environnement") == environment + 3
    # The same file again changes nothing and queues nothing.
    assert "0 mapping re-applications queued" in _command_output("sources", "import", str(path))


@pytest.mark.parametrize("legacy", [{"themes": ["Jardins partagés"]}, None])
def test_a_task_queued_by_the_previous_version_reprocesses_every_record(
    partner_source: Source, legacy: Any
) -> None:
    environment = theme_count("environnement")
    text = DEFINITION.read_text(encoding="utf-8").replace(
        "    Environnement: environnement\n",
        "    Environnement: environnement\n    Jardins partagés: environnement\n",
    )
    source_version_save(text, author=None, source=partner_source, origin=Source.Origin.FILE)
    job_start(
        Job.Kind.MAPPING_REAPPLY, source_mapping_reapply, partner_source.pk, legacy, source=partner_source
    )
    tasks_run()
    assert "6 fiches traitées" in Job.objects.get().summary
    assert theme_count("environnement") == environment + 3


def test_terms_that_look_like_json_are_selected_as_the_text_they_are(partner_source: Source) -> None:
    raws = {
        term: RawRecord.objects.create(
            source=partner_source,
            source_record_id=f"json-{term}",
            url=f"https://regards.example/portraits/json-{term}",
            payload={"title": f"Terme {term}", "themes": term},
            content_hash=term,
            fetched_at=NOW,
            first_seen_at=NOW,
            last_seen_at=NOW,
        )
        for term in ("1e3", "NaN", "1.50")
    }
    before = partner_source.definition["vocabularies"]
    after = {**before, "themes": {**before["themes"], **dict.fromkeys(raws, "culture")}}
    assert set(source_raw_ids_remapped(partner_source.pk, before, after)) == {raw.pk for raw in raws.values()}


def _command_output(*args: str) -> str:
    """What a management command writes to its standard output."""
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
