"""`carrefour import` checks every line against the open-data schema: a bad line is rejected, never stored."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from carrefour.harvest.models import HarvestRun, RawRecord
from carrefour.projects.models import Project, ProjectSource
from carrefour.search.services import index_rebuild
from carrefour.sources.models import Source
from tests.projects.conftest import corpus_project, corpus_write

pytestmark = pytest.mark.django_db


def _publication(source_id: str, **fields: object) -> dict[str, object]:
    return {
        "platform": "demo-platform",
        "source_id": source_id,
        "url": f"https://demo.example.org/{source_id}",
    } | (fields)


def test_bad_lines_are_rejected_with_their_number_and_reason_and_the_rest_imported(
    tmp_path: Path, corpus: Path
) -> None:
    bad = {
        2: _publication("2", url=123),
        3: _publication("3", platform={"x": 1}),
        4: _publication("4", platform="<script>"),
        5: _publication("5", url="javascript:alert(1)"),
        6: _publication("6", url="file:///home/dev/ffe-laureats.csv#7"),
    }
    lines = [json.dumps(corpus_project("1", "Épicerie solidaire Le Panier"))]
    lines += [json.dumps(corpus_project(str(n), f"Projet {n}", publications=[p])) for n, p in bad.items()]
    lines.append(json.dumps(corpus_project("7", "Sans thèmes", themes="alimentation")))
    lines.append(json.dumps(corpus_project("8", "Atelier vélo")))
    out = io.StringIO()
    call_command(
        "import", str(corpus_write(tmp_path / "mixed.jsonl.gz", lines)), stdout=out, stderr=io.StringIO()
    )
    report = out.getvalue()
    assert "6 lignes rejetées" in report, report
    for number, field in [
        (2, "publications[0].url"),
        (3, "publications[0].platform"),
        (4, "publications[0].platform"),
        (5, "publications[0].url"),
        (6, "publications[0].url"),
        (7, "themes"),
    ]:
        assert f"rejet — ligne {number} : {field}" in report, (number, report)
    assert set(Project.objects.values_list("title", flat=True)) == {
        "Épicerie solidaire Le Panier",
        "Atelier vélo",
    }
    assert set(RawRecord.objects.values_list("source_record_id", flat=True)) == {"1", "8"}
    assert set(Source.objects.values_list("slug", flat=True)) == {"demo-platform"}
    assert not HarvestRun.objects.exclude(status=HarvestRun.Status.SUCCESS).exists()


def test_api_and_page_never_serve_a_stored_non_http_publication_url(client: Client, corpus: Path) -> None:
    call_command("import", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    # Stored before import validation existed: output must still refuse it.
    ProjectSource.objects.update(url="javascript:alert(1)")
    index_rebuild()
    project = Project.objects.first()
    assert project is not None
    data = client.get(f"/api/v1/projects/{project.pk}").json()
    assert [p["url"] for p in data["publications"]] == [None] * len(data["publications"])
    assert "javascript:" not in client.get("/api/v1/projects").content.decode()
    assert "javascript:" not in client.get(f"/projets/{project.pk}", follow=True).content.decode()


def test_a_pending_partner_source_declaring_the_platform_never_receives_the_import(corpus: Path) -> None:
    # Saved before the platform check existed, or created meanwhile: never validated.
    Source.objects.create(
        slug="usurpatrice",
        name="Usurpatrice",
        kind="html",
        origin=Source.Origin.PARTNER,
        review_status=Source.Review.PENDING,
        definition={"slug": "usurpatrice", "platform": "demo-platform"},
    )
    call_command("import", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    assert set(RawRecord.objects.values_list("source__slug", flat=True)) == {"demo-platform"}
    # A pending source holding the platform's very slug: the import is refused, nothing stored.
    RawRecord.objects.all().delete()
    Source.objects.filter(slug="demo-platform").update(review_status=Source.Review.PENDING)
    with pytest.raises(CommandError, match="refusé : la plateforme 'demo-platform' est le nom d'une source"):
        call_command("import", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    assert not RawRecord.objects.exists()
