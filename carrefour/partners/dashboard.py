"""Reads of the partner space: a member's sources, and per source its runs, health, freshness and records."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from carrefour.accounts.models import Organisation, OrganisationSource
from carrefour.accounts.roles import Action, user_can
from carrefour.contributions.models import Contribution
from carrefour.harvest.models import HarvestRun
from carrefour.projects.models import FieldOverride, Project, ProjectChange, ProjectSource
from carrefour.projects.selectors import overrides_conflict_source_ids
from carrefour.sources.models import Source

# Runs drawn in the health chart (and counted in the public error rate).
HEALTH_RUNS = 20
# Health chart: drawing height and horizontal step of its bars (SVG units).
CHART_HEIGHT = 80
BAR_STEP = 14
# Rejection reasons shown per run, most frequent first.
TOP_REASONS = 3
# Changes made by people (not by a source) on a project: the corrections a partner wants to know about.
CORRECTIONS = (
    ProjectChange.Kind.CONTRIBUTION,
    ProjectChange.Kind.MODERATION,
    ProjectChange.Kind.OVERRIDE_KEPT,
    ProjectChange.Kind.UPSTREAM_TAKEN,
    ProjectChange.Kind.REVERT,
)


@dataclass(frozen=True)
class Freshness:
    """When a source last succeeded, last ran, and when its schedule makes it due again."""

    last_success: datetime | None
    last_run: HarvestRun | None
    next_due: datetime | None


def user_organisation_sources(user: Any) -> list[tuple[Organisation | None, list[Source]]]:
    """The account's organisations with their sources; administrators also get the sources of nobody."""
    everything = user_can(user, Action.EDIT_OWN_ORGANISATION_SOURCES)
    organisations = Organisation.objects.order_by("name")
    if not everything:
        organisations = organisations.filter(memberships__user=user)
    links = OrganisationSource.objects.filter(organisation__in=organisations).select_related("source")
    by_organisation: dict[int, list[Source]] = defaultdict(list)
    for link in links.order_by("source__name"):
        by_organisation[link.organisation_id].append(link.source)
    groups: list[tuple[Organisation | None, list[Source]]] = [
        (organisation, by_organisation[organisation.pk]) for organisation in organisations
    ]
    if everything:
        orphans = Source.objects.filter(organisation_link__isnull=True).order_by("name")
        groups.append((None, list(orphans)))
    return groups


def source_freshness(source: Source) -> Freshness:
    """Last success, last run and next due date (the last run's start plus the source's frequency)."""
    runs = HarvestRun.objects.filter(source=source).order_by("-started_at")
    last = runs.first()
    success = runs.filter(status=HarvestRun.Status.SUCCESS).values_list("finished_at", flat=True).first()
    due = last.started_at + timedelta(hours=source.frequency_hours) if last else None
    return Freshness(last_success=success, last_run=last, next_due=due)


def run_rejection_reasons(run: HarvestRun, limit: int = TOP_REASONS) -> list[tuple[str, int]]:
    """The most frequent reasons in a run's errors, with how often each occurs."""
    reasons = Counter(str(error.get("reason", "")) for error in run.errors if isinstance(error, dict))
    return reasons.most_common(limit)


def run_duration(run: HarvestRun) -> str:
    """How long a finished run took, for people ("2 min 05 s"); empty while it runs."""
    if not run.finished_at:
        return ""
    minutes, seconds = divmod(round((run.finished_at - run.started_at).total_seconds()), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def source_runs(source: Source) -> QuerySet[HarvestRun]:
    """A source's runs, newest first, without the per-field fill rates the dashboard does not show."""
    return HarvestRun.objects.filter(source=source).defer("field_fill").order_by("-started_at")


def source_health(source: Source, runs: int = HEALTH_RUNS) -> list[HarvestRun]:
    """The last runs of a source, oldest first, as the health chart draws them."""
    return list(reversed(source_runs(source).exclude(status=HarvestRun.Status.RUNNING)[:runs]))


def _project_ids(source: Source) -> QuerySet[ProjectSource, int]:
    """Ids of the projects a source feeds (its records not gone), as a subquery."""
    return ProjectSource.objects.filter(source=source, gone=False).values_list("project_id", flat=True)


def source_contributions(source: Source) -> QuerySet[Contribution]:
    """Contributions on the projects a source feeds, newest first."""
    return (
        Contribution.objects.filter(project_id__in=_project_ids(source))
        .select_related("project")
        .order_by("-created_at", "-id")
    )


def source_corrections(source: Source) -> QuerySet[ProjectChange]:
    """Changes made by people on the projects a source feeds, newest first."""
    return (
        ProjectChange.objects.filter(project_id__in=_project_ids(source), kind__in=CORRECTIONS)
        .select_related("project")
        .order_by("-at", "-id")
    )


def source_conflicts(source: Source) -> QuerySet[FieldOverride]:
    """Corrections that this source now contradicts, to keep or to give up for the source's value.

    Only those where this source gives the new value: on a merged project, a conflict with another
    source's value is for that source's organisation (or the moderators) to settle.
    """
    fed = FieldOverride.objects.filter(conflict=True, project_id__in=_project_ids(source))
    ids = [pk for pk, owners in overrides_conflict_source_ids(fed).items() if source.pk in owners]
    return (
        FieldOverride.objects.filter(pk__in=ids)
        .select_related("project")
        .order_by("project__title", "project_id", "field")
    )


def source_projects_elsewhere(source: Source) -> QuerySet[Project]:
    """Published projects a source feeds that other sources feed too (de-duplication merged them)."""
    others = ProjectSource.objects.filter(project_id__in=_project_ids(source), gone=False).exclude(
        source=source
    )
    return Project.objects.filter(is_published=True, pk__in=others.values("project_id")).order_by(
        "title", "pk"
    )


def projects_other_platforms(projects: list[Project], source: Source) -> dict[int, list[ProjectSource]]:
    """For each project, its records on the other sources (with their source), in one query."""
    links = (
        ProjectSource.objects.filter(project__in=projects, gone=False)
        .exclude(source=source)
        .select_related("source")
        .order_by("source__name")
    )
    found: dict[int, list[ProjectSource]] = defaultdict(list)
    for link in links:
        found[link.project_id].append(link)
    return found


@dataclass(frozen=True)
class Bar:
    """One run in the health chart: where it is drawn and what it says."""

    x: int
    y: int
    height: int
    status: str
    label: str


def health_bars(runs: list[HarvestRun]) -> list[Bar]:
    """Bars of the health chart: height from the records seen, a sliver for runs that found nothing."""
    top = max((run.records_seen for run in runs), default=0) or 1
    bars = []
    for index, run in enumerate(runs):
        height = max(3, round(CHART_HEIGHT * run.records_seen / top))
        label = f"{run.started_at:%d/%m/%Y %H:%M} : {run.get_status_display()}, {run.records_seen} fiches"
        bars.append(Bar(index * BAR_STEP, CHART_HEIGHT - height, height, run.status, label))
    return bars
