"""Health verdict of a harvest run, compared with the source's previous runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from carrefour.harvest.models import HarvestRun

# A run seeing less than this share of the previous successful run's records is suspicious.
SHARP_DROP_RATIO = 0.5
# A field filled in at least FILLED_BEFORE of the records of the last success, now filled in less than
# COLLAPSE_RATIO times as many, points to a layout change (its selector matches nothing any more).
FILLED_BEFORE = 0.5
COLLAPSE_RATIO = 0.5
# Below this many fetched records, fill rates say too little to judge.
MIN_RECORDS_FOR_FILL = 10


@dataclass
class FieldFill:
    """How many fetched records had each field filled."""

    records: int = 0
    filled: dict[str, int] = field(default_factory=dict)

    def add(self, payload: dict[str, Any]) -> None:
        """Count the filled fields of one record."""
        self.records += 1
        for name, value in payload.items():
            if value not in (None, "", []):
                self.filled[name] = self.filled.get(name, 0) + 1

    def rates(self, names: list[str]) -> dict[str, float]:
        """Share of records with each field of the definition filled (0-1)."""
        if not self.records:
            return {}
        return {name: round(self.filled.get(name, 0) / self.records, 4) for name in names}


def previous_success(run: HarvestRun) -> HarvestRun | None:
    """The source's last successful run before this one."""
    return (
        HarvestRun.objects.filter(source=run.source, status=HarvestRun.Status.SUCCESS)
        .exclude(pk=run.pk)
        .order_by("-started_at")
        .first()
    )


def fill_collapse(run: HarvestRun, fill: FieldFill, names: list[str]) -> str | None:
    """Why the fields look broken (layout changed), or None: compared with the last success."""
    if fill.records < MIN_RECORDS_FOR_FILL:
        return None
    rates = fill.rates(names)
    previous = previous_success(run)
    before = previous.field_fill if previous else {}
    collapsed = [
        f"{name} {rates[name]:.0%} (was {before[name]:.0%})"
        for name in names
        if before.get(name, 0) >= FILLED_BEFORE and rates.get(name, 0) < before[name] * COLLAPSE_RATIO
    ]
    if collapsed:
        return "fields suddenly empty — layout changed? " + ", ".join(collapsed)
    if "title" in rates and rates["title"] < FILLED_BEFORE:
        return f"title empty in {1 - rates['title']:.0%} of the records — selectors match nothing?"
    return None


def sharp_drop(run: HarvestRun, seen: int) -> str | None:
    """Why the number of records looks wrong compared with the last success, or None."""
    previous = previous_success(run)
    if previous and previous.records_seen and seen < previous.records_seen * SHARP_DROP_RATIO:
        return f"records dropped sharply: {seen} vs {previous.records_seen} on {previous.started_at:%Y-%m-%d}"
    return None
