"""Reporting a duplicate or distinct projects: the report, its errors, the moderator's decision applied to
dedup (merge or split, history, search), and decisions that survive the next harvest."""

from __future__ import annotations

import html
from typing import Any

import pytest

from carrefour.accounts.models import ProjectClaim
from carrefour.contributions.duplicates import duplicate_report, not_duplicate_report, project_records
from carrefour.contributions.models import Contribution
from carrefour.contributions.services import contribution_accept
from carrefour.dedup.models import ClusterDecision
from carrefour.orchestration.edits import project_fields_edit_indexed
from carrefour.orchestration.pipeline import pipeline_process
from carrefour.projects.models import Project, ProjectChange
from carrefour.search.params import search_params
from carrefour.search.selectors import project_search
from tests.accounts.conftest import signed_in
from tests.dedup.conftest import RawFactory
from tests.mail import Mailbox
from tests.search.factories import project_create
from tests.worker import tasks_run

pytestmark = pytest.mark.django_db
Kind = ProjectChange.Kind


def _harvested(raw: RawFactory, *records: tuple[str, str, str, str]) -> list[Project]:
    """Raw records (source, id, title, place) through the real pipeline; their projects, in order."""
    raws = [raw(slug, rid, title=title, location_text=place) for slug, rid, title, place in records]
    pipeline_process([r.pk for r in raws])
    return [Project.objects.get(sources__raw=r) for r in raws]


def _published() -> set[int]:
    """The published projects the harvested records built (not those of the accounts' world)."""
    built = Project.objects.filter(is_published=True, sources__source__slug__in=["alpha", "beta"])
    return set(built.values_list("pk", flat=True))


def _found(words: str) -> set[int]:
    return {hit.project_id for hit in project_search(params=search_params(q=words)).hits}


@pytest.fixture
def two(raw: RawFactory) -> list[Project]:
    """Two projects the matching kept apart (different names), one real project in fact."""
    return _harvested(
        raw,
        ("alpha", "1", "Jardin partagé des Lilas", "93100 Montreuil"),
        ("beta", "x", "Potager collectif rue de Paris", "93100 Montreuil"),
    )


@pytest.fixture
def mixed(raw: RawFactory) -> Project:
    """One project built from two records the matching took for one, two real projects in fact."""
    first, second = _harvested(
        raw,
        ("alpha", "1", "Jardin des Lilas", "93100 Montreuil"),
        ("beta", "x", "Jardin des Lilas", "Montreuil (93)"),
    )
    assert first == second
    return first


def test_a_duplicate_is_reported_accepted_merged_recorded_and_searchable_as_one(
    two: list[Project], make_user: Any, mailbox: Mailbox
) -> None:
    older, newer = two
    author, moderator = make_user("contributor"), make_user("moderator")
    assert _found("potager") == {newer.pk}
    page = signed_in(author).post(
        f"/projets/{newer.pk}/doublon",
        {
            "other": f"https://carrefour.example/projets/{older.pk}-jardin",
            "reason": "Même adresse, même équipe",
        },
    )
    assert page.status_code == 302
    mine = signed_in(author).get(page["Location"]).content.decode()
    assert "Signalement de doublon : même projet que" in mine and "Jardin partagé des Lilas" in mine
    report = Contribution.objects.get(kind=Contribution.Kind.DUPLICATE)
    assert (report.project, report.other_project, report.status) == (newer, older, "pending")
    queue = signed_in(moderator).get("/moderation", {"kind": "duplicate"}).content.decode()
    assert (
        "Signalement de doublon" in queue
        and "Jardin partagé des Lilas" in queue
        and "Potager collectif" in queue
    )
    holder = make_user("holder")
    claim = ProjectClaim.objects.create(project=newer, user=holder, message="m", status="confirmed")
    signed_in(moderator).post("/moderation/decider", {"ids": [report.pk], "decision": "accept"})
    claim.refresh_from_db()
    assert claim.project == older  # the holder of the emptied project holds the merged one
    older.refresh_from_db()
    newer.refresh_from_db()
    # The older project keeps its number and both publications; the other is no longer published.
    assert older.is_published and not newer.is_published
    assert set(older.sources.values_list("source__slug", flat=True)) == {"alpha", "beta"}
    merge = ProjectChange.objects.get(project=older, kind=Kind.MERGE)
    assert merge.actor == moderator and f"signalement n° {report.pk} accepté" in merge.reason
    # Search shows one project: the emptied one is gone from the index.
    assert _found("potager") == set() and _found("lilas") == {older.pk}
    assert ClusterDecision.objects.filter(kind="same").exists()
    tasks_run()
    assert "a été acceptée" in mailbox.last_body("contributor@example.org")
    # A later harvest respects the decision: the records stay together.
    pipeline_process(list(older.sources.values_list("raw_id", flat=True)), force=True)
    assert _published() == {older.pk}


def test_distinct_projects_are_reported_split_recorded_and_searchable_apart(
    mixed: Project, make_user: Any
) -> None:
    author, moderator = make_user("contributor"), make_user("moderator")
    page = signed_in(author).get(f"/projets/{mixed.pk}-{mixed.slug}").content.decode()
    assert "Ce ne sont pas les mêmes projets" in page and "Signaler un doublon" in page
    form = signed_in(author).get(f"/projets/{mixed.pk}/distincts").content.decode()
    assert "Plateforme" not in form and "beta : Jardin des Lilas" in form
    beta = next(record for record, p in project_records(mixed) if p is not None and p.source.slug == "beta")
    signed_in(author).post(f"/projets/{mixed.pk}/distincts", {"records": [beta], "reason": "Deux quartiers"})
    report = Contribution.objects.get(kind=Contribution.Kind.NOT_DUPLICATE)
    queue = signed_in(moderator).get("/moderation", {"kind": "not_duplicate"}).content.decode()
    assert "Fiches qui formeraient un autre projet" in queue
    signed_in(moderator).post("/moderation/decider", {"ids": [report.pk], "decision": "accept"})
    assert len(_published()) == 2 and _found("lilas") == _published()
    split = ProjectChange.objects.filter(kind=Kind.SPLIT)
    assert split.count() == 2 and {c.actor for c in split} == {moderator}
    before = _published()
    pipeline_process(
        list(Project.objects.filter(pk__in=before).values_list("sources__raw_id", flat=True)), force=True
    )
    assert _published() == before


def test_a_rejected_report_changes_nothing(two: list[Project], make_user: Any, mailbox: Mailbox) -> None:
    older, newer = two
    report = duplicate_report(newer, make_user("contributor"), str(older.pk), "Je crois")
    response = signed_in(make_user("moderator")).post(
        "/moderation/decider", {"ids": [report.pk], "decision": "reject", "reason": "Deux jardins différents"}
    )
    assert response.status_code == 302
    assert _published() == {older.pk, newer.pk}
    assert not ClusterDecision.objects.exists()
    assert not ProjectChange.objects.filter(kind__in=[Kind.MERGE, Kind.SPLIT]).exists()
    tasks_run()
    assert "Motif : Deux jardins différents" in mailbox.last_body("contributor@example.org")


def test_bad_reports_get_a_clear_error_and_nothing_is_recorded(two: list[Project], make_user: Any) -> None:
    older, newer = two
    client = signed_in(make_user("contributor"))
    hidden = project_create("Caché", is_published=False)
    cases = {
        str(newer.pk): "ne peut pas être le doublon de lui-même",
        f"/projets/{hidden.pk}-cache": f"Le projet n° {hidden.pk} n'existe pas ou n'est pas publié",
        "999999": "Le projet n° 999999 n'existe pas",
        "le jardin": "Indiquez le numéro ou l'adresse de l'autre projet",
    }
    for other, error in cases.items():
        response = client.post(f"/projets/{newer.pk}/doublon", {"other": other, "reason": "Même projet"})
        assert response.status_code == 400 and error in html.unescape(response.content.decode()), other
    assert not Contribution.objects.exists()
    missing = client.post(f"/projets/{newer.pk}/doublon", {"other": str(older.pk), "reason": ""})
    assert missing.status_code == 400 and not Contribution.objects.exists()
    assert (
        client.post(f"/projets/{newer.pk}/doublon", {"other": str(older.pk), "reason": "Oui"}).status_code
        == 302
    )
    # Twice while pending, from either side: refused.
    again = client.post(f"/projets/{older.pk}/doublon", {"other": str(newer.pk), "reason": "Oui"})
    assert again.status_code == 400 and "déjà été signalé" in again.content.decode()
    assert Contribution.objects.count() == 1


def test_bad_distinct_reports_get_a_clear_error(
    mixed: Project, make_user: Any, world: dict[str, Any]
) -> None:
    author = make_user("contributor")
    records = [record for record, _ in project_records(mixed)]
    with pytest.raises(ValueError, match="Laissez au moins une fiche"):
        not_duplicate_report(mixed, author, records, "Tout")
    with pytest.raises(ValueError, match="Choisissez la ou les fiches"):
        not_duplicate_report(mixed, author, [records[0] + 100000], "Aucune des siennes")
    not_duplicate_report(mixed, author, records[:1], "Deux quartiers")
    with pytest.raises(ValueError, match="déjà été signalées"):
        not_duplicate_report(mixed, author, records[:1], "Encore")
    single = signed_in(author).get(f"/projets/{world['own_project'].pk}/distincts").content.decode()
    assert "rien à séparer" in single


def test_the_other_project_is_found_by_a_search_and_chosen(two: list[Project], make_user: Any) -> None:
    older, newer = two
    client = signed_in(make_user("contributor"))
    page = client.get(f"/projets/{newer.pk}/doublon", {"q": "lilas"}).content.decode()
    assert f'value="{older.pk}"' in page and "Jardin partagé des Lilas" in page
    assert f'value="{newer.pk}"' not in page  # the project itself is not offered
    client.post(f"/projets/{newer.pk}/doublon", {"other": str(older.pk), "reason": "Même équipe"})
    assert Contribution.objects.get().other_project == older


def test_a_report_that_no_longer_applies_is_refused_at_acceptance(two: list[Project], make_user: Any) -> None:
    older, newer = two
    report = duplicate_report(newer, make_user("contributor"), str(older.pk), "Même équipe")
    Project.objects.filter(pk=older.pk).update(is_published=False)
    page = signed_in(make_user("moderator")).post(
        "/moderation/decider", {"ids": [report.pk], "decision": "accept"}, follow=True
    )
    assert "L'un des deux projets n'est plus publié" in html.unescape(page.content.decode())
    report.refresh_from_db()
    assert report.status == "pending"


def test_a_merge_carries_the_emptied_projects_corrections_to_the_merged_project(
    two: list[Project], make_user: Any
) -> None:
    older, newer = two
    moderator = make_user("moderator")
    project_fields_edit_indexed(
        newer, {"summary": "Potager tenu par les habitants"}, moderator, "Site du porteur", Kind.CONTRIBUTION
    )
    project_fields_edit_indexed(
        older, {"website": "https://lilas.example"}, moderator, "Mairie", Kind.CONTRIBUTION
    )
    report = duplicate_report(newer, make_user("contributor"), f"{older.pk}", "Même équipe")
    contribution_accept(report, moderator)
    older.refresh_from_db()
    newer.refresh_from_db()
    assert not newer.is_published
    # Both corrections show on the merged project and still answer to the next harvests.
    assert older.summary == "Potager tenu par les habitants" and older.website == "https://lilas.example"
    assert set(older.overrides.values_list("field", flat=True)) == {"summary", "website"}
    assert _found("habitants") == {older.pk}


def test_when_the_matching_merges_two_projects_their_holders_and_corrections_follow(
    two: list[Project], raw: RawFactory, make_user: Any
) -> None:
    moderator, first, second = make_user("moderator"), make_user("contributor"), make_user("trusted_granted")
    for project, holder, values in (
        (two[0], first, {"website": "https://lilas.example"}),
        (two[1], second, {"summary": "Potager tenu par les habitants"}),
    ):
        ProjectClaim.objects.create(project=project, user=holder, message="m", status="confirmed")
        project_fields_edit_indexed(project, values, moderator, "Site du porteur", Kind.CONTRIBUTION)
    # The partner renames its record: the automatic matching now takes both for one project.
    _harvested(raw, ("beta", "x", "Jardin partagé des Lilas", "93100 Montreuil"))
    merged = Project.objects.get(is_published=True, sources__source__slug="beta")
    assert set(merged.sources.values_list("source__slug", flat=True)) == {"alpha", "beta"}
    assert merged.summary == "Potager tenu par les habitants" and merged.website == "https://lilas.example"
    holders = ProjectClaim.objects.filter(project=merged, status="confirmed").values_list("user", flat=True)
    assert set(holders) == {first.pk, second.pk}
    assert "porteur du projet" in html.unescape(
        signed_in(first).get(f"/projets/{merged.pk}", follow=True).content.decode()
    )
