"""Template tag: a duplicate / distinct-projects report shown in the queue with both sides."""

from __future__ import annotations

from typing import Any

from django import template

from carrefour.contributions.duplicates import project_records
from carrefour.contributions.models import Contribution

register = template.Library()


@register.inclusion_tag("contributions/reports/_queue_item.html")
def dedup_report(contribution: Contribution) -> dict[str, Any]:
    """The two projects side by side, or the project's records split between kept and reported."""
    if contribution.kind == Contribution.Kind.DUPLICATE:
        return {"contribution": contribution, "sides": [contribution.project, contribution.other_project]}
    reported = set(contribution.records)
    records = project_records(contribution.project_required())
    return {
        "contribution": contribution,
        "kept": [p for record, p in records if record not in reported and p is not None],
        "moved": [p for record, p in records if record in reported and p is not None],
        "sides": None,
        "gone": not reported & {record for record, _ in records},
    }
