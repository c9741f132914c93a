"""The moderation queue and its filters, stale fields, an author's contributions and notifications."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from carrefour.contributions.models import Contribution, Notification
from carrefour.normalize.text import html_to_text
from carrefour.normalize.vocabularies import VOCABULARY_FIELDS, vocabulary_label
from carrefour.projects.models import Project
from carrefour.projects.overrides import values_clean
from carrefour.projects.selectors import location_text

Status = Contribution.Status
OPEN = (Status.PENDING, Status.PUBLISHED)
# Age filter: "older than" in days.
AGES = {"1": "plus d'un jour", "7": "plus d'une semaine", "30": "plus d'un mois"}
TRUST = {"new": "auteurs pas encore de confiance", "trusted": "auteurs de confiance"}


def moderation_queue_page(
    filters: dict[str, str], number: str | None, per_page: int
) -> tuple[Page[Any], list[Contribution]]:
    """A page of the queue and its contributions.

    The page is cut from the ids alone (read from the (status, created_at) index), then only its rows
    are loaded with their project and author: an offset over the joined rows cost 4x at page 400.
    """
    page = Paginator(moderation_queue(filters).values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    rows = Contribution.objects.select_related("project", "author").in_bulk(ids)
    return page, [rows[pk] for pk in ids]


NEW_ACCOUNT = timedelta(days=7)
BURST = (timedelta(hours=1), 10)  # this many contributions by one author within this time
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def contributions_flags(contributions: list[Contribution]) -> dict[int, list[str]]:
    """Why each contribution deserves a closer look: new account, links in its text, a burst of them,
    and why it was held when proposed (quota, banned words, repeated text)."""
    authors = {c.author_id for c in contributions if c.author_id is not None}
    times: dict[int, list[Any]] = {}
    if authors:
        earliest = min(c.created_at for c in contributions) - BURST[0]
        latest = max(c.created_at for c in contributions)
        nearby = Contribution.objects.filter(author_id__in=authors, created_at__range=(earliest, latest))
        for author_id, at in nearby.values_list("author_id", "created_at"):
            times.setdefault(author_id, []).append(at)
    flags: dict[int, list[str]] = {}
    for c in contributions:
        found = []
        if c.author is not None and c.author.date_joined > c.created_at - NEW_ACCOUNT:
            found.append("compte créé depuis moins de 7 jours")
        texts = [c.reason] + [str(after) for name, (_, after) in c.fields.items() if name != "website"]
        if any(_LINK.search(text) for text in texts):
            found.append("liens dans le texte")
        recent = [
            at for at in times.get(c.author_id or 0, []) if c.created_at - BURST[0] <= at <= c.created_at
        ]
        if len(recent) >= BURST[1]:
            found.append(f"{len(recent)} contributions de cet auteur en moins d'une heure")
        flags[c.pk] = found + [f"retenue : {reason}" for reason in c.hold_reasons]
    return flags


@dataclass
class FieldRow:
    """One field of a contribution as shown: before, after, and now when it changed since."""

    name: str
    before: str
    after: str
    now: str | None


def fields_diff(project: Project, values: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [value now, value proposed]} of the values that change the project, cleaned as stored.

    Raises ValueError (French message) for a value project_fields_edit would refuse.
    """
    cleaned = values_clean(values)
    return {name: [getattr(project, name), v] for name, v in cleaned.items() if v != getattr(project, name)}


def diff_rows(fields: dict[str, list[Any]]) -> list[FieldRow]:
    """A proposal's {field: [before, after]} as rows to show, before it is sent."""
    return [
        FieldRow(name, value_text(name, before), value_text(name, after), None)
        for name, (before, after) in fields.items()
    ]


def contribution_title(contribution: Contribution) -> str:
    """The title of the project a contribution is about (the proposed one for a new project)."""
    if contribution.project is not None:
        return contribution.project.title
    return str(contribution.fields.get("title", [None, "projet proposé"])[1])


def contribution_stale_fields(contribution: Contribution) -> list[str]:
    """Fields whose value on the project is no longer the one the author saw when proposing."""
    project = contribution.project
    if project is None or contribution.kind == Contribution.Kind.NEW_PROJECT:
        return []  # a new project: nothing it could be stale against
    return [name for name, pair in contribution.fields.items() if getattr(project, name) != pair[0]]


def moderation_queue(filters: dict[str, str]) -> QuerySet[Contribution]:
    """Contributions waiting for a decision, oldest first, narrowed by kind, territory, theme, age, trust."""
    queue = Contribution.objects.filter(status__in=OPEN)
    if filters.get("kind") in Contribution.Kind.values:
        queue = queue.filter(kind=filters["kind"])
    if departement := filters.get("departement", "").strip()[:3]:
        # A subquery on the indexed column: a join let SQLite walk the whole queue first (2x slower).
        queue = queue.filter(project_id__in=Project.objects.filter(departement_code=departement).values("pk"))
    if theme := filters.get("theme", "").strip()[:100]:
        # A JSON list holds the code as a quoted string: the same lookup on SQLite and PostgreSQL.
        queue = queue.filter(project__themes__icontains=f'"{theme}"')
    if filters.get("age") in AGES:
        queue = queue.filter(created_at__lt=timezone.now() - timedelta(days=int(filters["age"])))
    trusted = Q(author__profile__trust_granted=True) | Q(
        author__profile__accepted_contributions__gte=settings.ACCOUNTS_TRUST_THRESHOLD
    )
    if filters.get("trust") == "trusted":
        queue = queue.filter(trusted)
    elif filters.get("trust") == "new":
        queue = queue.exclude(trusted)
    return queue.order_by("created_at", "id")


def value_text(name: str, value: Any) -> str:
    """A stored value as a reader sees it (vocabulary labels, description as text)."""
    if value is None or value == "" or value == []:
        return "(vide)"
    if isinstance(value, list):
        return ", ".join(vocabulary_label(name, str(item)) for item in value)
    if name in VOCABULARY_FIELDS:
        return vocabulary_label(name, str(value))
    if name == "description":
        return html_to_text(str(value))
    if isinstance(value, dict):
        return location_text(value)
    return str(value)


def contribution_rows(contribution: Contribution) -> list[FieldRow]:
    """The before/after of each field; `now` set where the project's value changed since the proposal."""
    rows = []
    new_project = contribution.kind == Contribution.Kind.NEW_PROJECT
    for name, (before, after) in contribution.fields.items():
        current = None if new_project else getattr(contribution.project, name)
        changed = not new_project and contribution.status == Status.PENDING and current != before
        now = value_text(name, current) if changed else None
        rows.append(FieldRow(name, value_text(name, before), value_text(name, after), now))
    return rows


def user_contributions(user: Any) -> QuerySet[Contribution]:
    """An account's contributions, newest first."""
    return Contribution.objects.filter(author=user).select_related("project").order_by("-created_at", "-id")


def user_notifications(user: Any) -> QuerySet[Notification]:
    """An account's notifications, newest first."""
    return Notification.objects.filter(user=user)


def notifications_unread_count(user: Any) -> int:
    """How many notifications an account has not read."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
