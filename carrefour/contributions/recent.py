"""The public list of recent contributions (as OpenStreetMap's changesets), blocked accounts' hidden."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from carrefour.accounts.models import UserBlock
from carrefour.contributions.models import Contribution
from carrefour.projects.models import Project

PER_PAGE = 50


def blocked_user_ids() -> QuerySet[UserBlock, Any]:
    """The accounts under a block now, as a subquery."""
    now = timezone.now()
    blocks = UserBlock.objects.filter(lifted_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gt=now))
    return blocks.values("user_id")


def contributions_public(status: str = "") -> QuerySet[Contribution]:
    """Contributions anyone may see, newest first: on published projects, none by a blocked account."""
    shown = Contribution.objects.exclude(author_id__in=blocked_user_ids()).filter(
        # A subquery on the published projects: the join let SQLite walk every contribution first.
        project_id__in=Project.objects.filter(is_published=True).values("pk")
    )
    if status in Contribution.Status.values:
        shown = shown.filter(status=status)
    return shown.order_by("-created_at", "-id")


def contributions_public_page(status: str, number: str | None) -> tuple[Page[Any], list[Contribution]]:
    """A page of the public list: cut from the ids alone, then only its rows loaded (as the queue)."""
    page = Paginator(contributions_public(status).values_list("pk", flat=True), PER_PAGE).get_page(number)
    ids = list(page.object_list)
    rows = Contribution.objects.select_related("project", "author").in_bulk(ids)
    return page, [rows[pk] for pk in ids]
