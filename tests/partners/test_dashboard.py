"""The dashboard of a source: runs and health, corrections and conflicts, its projects on other platforms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import localtime

from carrefour.contributions.models import Contribution
from carrefour.harvest.models import HarvestRun, RawRecord
from carrefour.orchestration.pipeline import pipeline_process
from carrefour.projects.models import FieldOverride, Project, ProjectChange
from carrefour.projects.overrides import project_fields_edit
from carrefour.sources.models import Source
from tests.accounts.conftest import ROLES, signed_in
from tests.dedup.conftest import NOW, RawFactory
from tests.search.factories import project_create, source_attach

pytestmark = pytest.mark.django_db
PLACE = {"location_text": "93100 Montreuil", "organization": "Les Lilas"}
DASHBOARD = "/espace-partenaire/sources/source-own/"


def _run(source: Source, hours: int, status: str, **counts: Any) -> HarvestRun:
    """A finished run of the source, `hours` after NOW, lasting 90 seconds."""
    start = NOW + timedelta(hours=hours)
    return HarvestRun.objects.create(
        source=source, started_at=start, finished_at=start + timedelta(seconds=90), status=status, **counts
    )


def _conflict(raw: RawFactory, slug: str = "source-own", title: str = "Jardin des Lilas") -> FieldOverride:
    """A summary corrected by hand, then contradicted by a new harvest of the source."""
    record = raw(slug, "1", title=title, summary="Un jardin.", **PLACE)
    pipeline_process([record.pk], update_index=False)
    project = Project.objects.get(sources__raw=record)
    project_fields_edit(project, {"summary": "Un jardin partagé de 300 m²."}, None, reason="Vu sur place")
    raw(slug, "1", title=title, summary="Un jardin de 200 m².", **PLACE)
    pipeline_process([record.pk], update_index=False)
    return FieldOverride.objects.get(project=project, conflict=True)


def test_records_normalization_refused_are_counted_with_their_reasons(
    make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    kept = raw("source-own", "1", title="Jardin des Lilas", **PLACE)
    untitled = [raw("source-own", str(n), title="", **PLACE) for n in (2, 3)]
    pipeline_process([kept.pk, *(record.pk for record in untitled)], update_index=False)
    page = signed_in(make_user("org_member")).get(DASHBOARD).content.decode()
    assert "écartées à la normalisation : 2" in page
    assert "title : titre absent ou inutilisable (2)" in page


def test_runs_are_listed_with_their_counts_reasons_and_a_health_chart(
    make_user: Any, world: dict[str, Any]
) -> None:
    source = world["own_source"]
    _run(source, 0, "success", requests_made=40, records_seen=120, records_created=120)
    _run(
        source,
        24,
        "suspicious",
        records_seen=30,
        records_rejected=4,
        errors=[
            {"url": "https://x.example/1", "reason": "titre manquant"},
            {"url": "https://x.example/2", "reason": "titre manquant"},
            {"url": "https://x.example/3", "reason": "page introuvable (404)"},
        ],
    )
    _run(source, 48, "success", requests_made=41, records_seen=118, records_updated=7, records_gone=2)
    page = signed_in(make_user("org_member")).get(DASHBOARD).content.decode()
    assert "Collectes (3)" in page
    assert (
        "<td>41</td>\n                <td>0</td>\n                <td>7</td>\n                <td>2</td>"
        in page
    )
    assert "titre manquant (2) ; page introuvable (404) (1)" in page
    assert "<td>1 min 30 s</td>" in page  # the duration
    assert page.count("<rect ") == 3 and 'id="sante-graphique"' in page and 'id="sante-tableau"' in page
    assert "Suspect</td><td>30</td>" in page  # the chart's table alternative
    last = localtime(NOW + timedelta(hours=48))
    assert f"Dernier succès : {(last + timedelta(seconds=90)):%d/%m/%Y %H:%M}" in page
    due = localtime(last + timedelta(hours=source.frequency_hours))
    assert f"prochaine collecte prévue : {due:%d/%m/%Y %H:%M}" in page
    assert "Licence : Licence Ouverte 2.0" in page


def test_long_run_lists_are_paginated(make_user: Any, world: dict[str, Any]) -> None:
    for hour in range(25):
        _run(world["own_source"], hour, "success", records_seen=hour)
    client = signed_in(make_user("org_member"))
    first = client.get(DASHBOARD).content.decode()
    assert "Collectes (25)" in first and "1 / 2" in first and first.count("<rect ") == 20
    second = client.get(DASHBOARD + "?executions=2#collectes").content.decode()
    assert "2 / 2" in second


@pytest.mark.parametrize("choice", ["reprendre", "garder"])
def test_the_partner_settles_a_conflict_and_the_project_page_shows_it(
    choice: str, make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    override = _conflict(raw)
    member = make_user("org_member")
    client = signed_in(member)
    page = client.get(DASHBOARD).content.decode()
    assert "Votre source contredit une correction (1)" in page and "Un jardin de 200 m²." in page
    home = client.get("/espace-partenaire/").content.decode()
    assert "1 correction contredite par vos sources" in home
    response = client.post(f"{DASHBOARD}conflits/{override.pk}/{choice}", follow=True)
    assert response.redirect_chain[-1][0] == DASHBOARD
    after = response.content.decode()
    assert "Votre source contredit une correction (0)" in after
    assert "contredite" not in client.get("/espace-partenaire/").content.decode()
    project = override.project
    shown = client.get(f"/projets/{project.pk}-{project.slug}").content.decode()
    kept = choice == "garder"
    assert ("Un jardin de 200 m²." in shown) is not kept
    assert ("Un jardin partagé de 300 m²." in shown) is kept
    kind = ProjectChange.Kind.OVERRIDE_KEPT if kept else ProjectChange.Kind.UPSTREAM_TAKEN
    assert ProjectChange.objects.filter(project=project, kind=kind, actor=member).exists()
    assert "Valeur de la source reprise" in after or kept


@pytest.mark.parametrize("role", ROLES)
def test_conflicts_are_settled_only_on_the_organisation_s_own_projects(
    role: str, make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    own, other = _conflict(raw, "source-own"), _conflict(raw, "source-other", "Ressourcerie du canal")
    client = signed_in(make_user(role))
    # Moderators settle conflicts from the moderation pages: the partner space is not theirs.
    allowed_own = {"org_member", "org_admin", "administrator", "superuser"}
    for override, allowed in ((own, allowed_own), (other, allowed_own - {"org_member", "org_admin"})):
        slug = override.project.sources.get().source.slug
        response = client.post(f"/espace-partenaire/sources/{slug}/conflits/{override.pk}/reprendre")
        override_left = FieldOverride.objects.filter(pk=override.pk).exists()
        if role in allowed:
            assert response.status_code == 302 and not override_left
        else:
            expected = 302 if role == "visitor" else 403
            assert response.status_code == expected and override_left
            assert role != "visitor" or "/compte/login" in response["Location"]


def test_a_conflict_is_settled_through_a_source_that_publishes_its_project(
    make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    override = _conflict(raw, "source-own")
    client = signed_in(make_user("administrator"))
    assert (
        client.post(f"/espace-partenaire/sources/source-other/conflits/{override.pk}/garder").status_code
        == 404
    )
    assert client.post(f"{DASHBOARD}conflits/{override.pk}/effacer").status_code == 400
    assert FieldOverride.objects.get(pk=override.pk).conflict


def test_contributions_and_corrections_on_the_source_s_projects_are_listed(
    make_user: Any, world: dict[str, Any]
) -> None:
    mine, theirs = world["own_project"], world["other_project"]
    author = make_user("contributor")
    Contribution.objects.create(project=mine, author=author, fields={"title": ["a", "b"]}, reason="r")
    Contribution.objects.create(project=theirs, author=author, fields={"website": ["a", "b"]}, reason="r")
    project_fields_edit(mine, {"summary": "Résumé corrigé."}, None, reason="Vu sur place")
    project_fields_edit(theirs, {"organization": "Autre porteur"}, None, reason="Vu sur place")
    page = signed_in(make_user("org_member")).get(DASHBOARD).content.decode()
    assert (
        "Contributions sur vos projets (1)" in page
        and "(Titre) : <strong>En attente de modération</strong>" in page
    )
    assert "Corrections appliquées (1)" in page and "Modération sur" in page and "(Résumé)" in page
    assert "Site web" not in page and "Porteur" not in page


def test_projects_also_published_elsewhere_name_the_other_platforms(
    make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    first = raw("source-own", "1", title="Jardin des Lilas", summary="Un jardin.", **PLACE)
    second = raw("source-other", "7", title="Jardin des Lilas", summary="Un jardin.", **PLACE)
    alone = raw("source-own", "2", title="Ressourcerie du canal", location_text="75010 Paris")
    pipeline_process([first.pk, second.pk, alone.pk], update_index=False)
    page = signed_in(make_user("org_member")).get(DASHBOARD).content.decode()
    section = page[page.index('id="ailleurs"') :]
    assert "Vos projets ailleurs (1)" in section and "Jardin des Lilas" in section
    assert '<a href="https://source-other.example/7" rel="noopener">Plateforme source-other</a>' in section
    assert "Ressourcerie du canal" not in section


def test_a_link_of_another_platform_is_shown_only_when_it_is_http(
    make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    first = raw("source-own", "1", title="Jardin des Lilas", summary="Un jardin.", **PLACE)
    second = raw("source-other", "7", title="Jardin des Lilas", summary="Un jardin.", **PLACE)
    RawRecord.objects.filter(pk=second.pk).update(url="javascript:alert(1)")
    pipeline_process([first.pk, second.pk], update_index=False)
    page = signed_in(make_user("org_member")).get(DASHBOARD).content.decode()
    section = page[page.index('id="ailleurs"') :]
    assert "Plateforme source-other" in section and "javascript:" not in section


def test_the_source_menu_leads_to_every_page_of_the_source(make_user: Any, world: dict[str, Any]) -> None:
    page = signed_in(make_user("org_member")).get(DASHBOARD).content.decode()
    menu = page[page.index('id="menu-source"') :]
    for path in ("definition", "versions", "apercu", "vocabulaire"):
        assert f'href="/espace-partenaire/sources/source-own/{path}"' in menu


@pytest.mark.parametrize(("role", "shown"), [("administrator", True), ("org_member", False)])
def test_administrators_find_the_validation_queue_from_the_partner_space(
    make_user: Any, world: dict[str, Any], role: str, shown: bool
) -> None:
    page = signed_in(make_user(role)).get("/espace-partenaire/").content.decode()
    assert ('href="/espace-partenaire/validation"' in page) is shown


def test_the_dashboard_reads_as_many_queries_for_a_long_history_as_for_a_short_one(
    make_user: Any, world: dict[str, Any]
) -> None:
    source, other = world["own_source"], world["other_source"]
    client = signed_in(make_user("org_member"))

    def grow(start: int, count: int) -> int:
        """Add runs, contributions and projects published elsewhere too; the queries the page then reads."""
        for index in range(start, start + count):
            _run(source, index, "success", records_seen=index, errors=[{"url": "u", "reason": "r"}])
            project = project_create(f"Projet partagé {index}")
            source_attach(project, source, f"partage-{index}")
            source_attach(project, other, f"partage-{index}")
            Contribution.objects.create(
                project=project, author=None, fields={"title": ["a", "b"]}, reason="r"
            )
            project_fields_edit(project, {"summary": f"Résumé {index}"}, None)
        client.get(DASHBOARD)  # the session and the roles, read once
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD).status_code == 200
        return len(queries)

    assert grow(0, 2) == grow(2, 30)
