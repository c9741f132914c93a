"""What the public may know of each partner source: what is harvested, how often, how well, its licence."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet

from carrefour.harvest.models import HarvestRun
from carrefour.normalize.vocabularies import vocabularies
from carrefour.orchestration.contributed import SOURCE_SLUG as CONTRIBUTIONS_SLUG
from carrefour.projects.models import ProjectSource
from carrefour.search.labels import territory_names
from carrefour.sources.models import Source

# Runs the public error rate is computed over.
ERROR_RATE_RUNS = 20
_FAULTY = (HarvestRun.Status.FAILED, HarvestRun.Status.SUSPICIOUS)
# The facts scan every publication (tens of thousands of rows) and change with harvests, hourly at most:
# each process keeps them a few minutes, so that anonymous hits cost a cache read. The key carries a
# stamp of the sources and runs, so that a source validated, refused or disabled shows at once.
FACTS_KEY = "partners:facts"
FACTS_TTL = 300


def sources_public() -> QuerySet[Source]:
    """Validated sources in service (harvested, or the built-in one of contributed projects), by name."""
    shown = Q(enabled=True) | Q(slug=CONTRIBUTIONS_SLUG)
    return Source.objects.filter(shown, review_status=Source.Review.VALIDATED).order_by("name")


def _iso(moment: datetime | None) -> str | None:
    """A date for the JSON (ISO 8601), or None."""
    return moment.isoformat() if moment else None


def _runs_facts(source: Source) -> dict[str, Any]:
    """Last success and error rate (failed or suspicious share) over the source's last finished runs."""
    runs = HarvestRun.objects.filter(source=source).exclude(status=HarvestRun.Status.RUNNING)
    recent = list(runs.order_by("-started_at").values_list("status", flat=True)[:ERROR_RATE_RUNS])
    success = runs.filter(status=HarvestRun.Status.SUCCESS).order_by("-started_at").first()
    faulty = sum(status in _FAULTY for status in recent)
    return {
        "last_success": _iso(success.finished_at or success.started_at) if success else None,
        "runs_counted": len(recent),
        "error_rate": round(faulty / len(recent), 3) if recent else None,
    }


def _counts(source_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per source: published projects, and their counts by theme and by région (codes and names)."""
    links = ProjectSource.objects.filter(source_id__in=source_ids, gone=False, project__is_published=True)
    themes: dict[int, Counter[str]] = defaultdict(Counter)
    totals: Counter[int] = Counter()
    # Themes are JSON lists: counted here, the same way on SQLite and PostgreSQL.
    for source_id, project_themes in links.values_list("source_id", "project__themes").iterator():
        totals[source_id] += 1
        themes[source_id].update(project_themes or [])
    regions: dict[int, Counter[str]] = defaultdict(Counter)
    grouped = links.values("source_id", "project__region_code").annotate(n=Count("project_id"))
    for row in grouped:
        regions[row["source_id"]][row["project__region_code"] or ""] = row["n"]
    theme_names = vocabularies()["themes"]
    region_names = territory_names("region")
    return {
        source_id: {
            "projects": totals[source_id],
            "themes": [
                {"code": code, "label": theme_names.get(code, code), "projects": n}
                for code, n in themes[source_id].most_common()
            ],
            "regions": [
                {
                    "code": code,
                    "label": region_names.get(code, code) if code else "Non localisé",
                    "projects": n,
                }
                for code, n in regions[source_id].most_common()
            ],
        }
        for source_id in source_ids
    }


def source_facts_public() -> list[dict[str, Any]]:
    """The facts of every source in service, computed at most once every FACTS_TTL seconds per process."""
    sources = Source.objects.aggregate(changed=Max("updated_at"), count=Count("pk"))
    runs = HarvestRun.objects.aggregate(last=Max("pk"), finished=Max("finished_at"))
    stamps = (sources["count"], sources["changed"], runs["last"], runs["finished"])
    # Hashed: a datetime's text has spaces, which memcached refuses in a key.
    key = f"{FACTS_KEY}:{hashlib.sha256(repr(stamps).encode()).hexdigest()[:32]}"
    facts: list[dict[str, Any]] | None = cache.get(key)
    if facts is None:
        facts = source_facts(list(sources_public()))
        cache.set(key, facts, FACTS_TTL)
    return facts


def source_facts(sources: list[Source]) -> list[dict[str, Any]]:
    """The public facts of each source, with stable keys (documented in docs/api.md, sources.json)."""
    counts = _counts([source.pk for source in sources])
    return [
        {
            "slug": source.slug,
            "name": source.name,
            "builtin": source.slug == CONTRIBUTIONS_SLUG,
            "fictional": source.fictional,
            "kind": source.kind,
            "website": source.website,
            "frequency_hours": None if source.slug == CONTRIBUTIONS_SLUG else source.frequency_hours,
            "licence": source.licence,
            "attribution": source.attribution,
            **_runs_facts(source),
            **counts[source.pk],
        }
        for source in sources
    ]
