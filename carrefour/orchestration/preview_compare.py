"""What a preview's records would change: diff with the source's live records, projects they would join.

Read-only: every query here reads live rows, none writes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse

from carrefour.dedup.matching import BLOCK_MAX, block_keys, pair_score
from carrefour.dedup.models import ClusterDecision, ClusterMember
from carrefour.dedup.signature import signature_build
from carrefour.harvest.models import RawRecord
from carrefour.normalize.models import Record
from carrefour.normalize.text import text_clean
from carrefour.projects.merge import Member, project_values
from carrefour.projects.models import Project
from carrefour.sources.models import Source

SHOWN_CHARS = 300  # a changed value (a long description) is shown cut to this
SAMPLES = 6
# What the project card (web/_card.html) reads of a project.
CARD_FIELDS = ("title", "summary", "themes", "fictional", "commune_name", "departement_code", "organization")


@dataclass
class Previewed:
    """One crawled record of a preview, normalized in memory (pipeline.record_values output)."""

    record_id: str
    url: str
    values: dict[str, Any]

    @property
    def title(self) -> str:
        """The normalized title (may be empty on a rejected record)."""
        return str(self.values["data"].get("title") or "")

    def entry(self) -> dict[str, str]:
        """How the report lists it."""
        return {"id": self.record_id, "url": self.url, "title": self.title}


@dataclass
class LiveDiff:
    """The previewed records sorted against the source's live records."""

    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    not_seen: list[dict[str, Any]] = field(default_factory=list)
    not_seen_total: int = 0


def value_shown(value: Any) -> str:
    """A field value as plain text, a long one cut, for the report's tables."""
    if value is None:
        return ""
    # Plain text: a description's sanitized HTML would show as tags in the table.
    text = ", ".join(map(str, value)) if isinstance(value, list) else text_clean(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _flat(data: dict[str, Any]) -> dict[str, Any]:
    """Common-schema data with the location's keys as `location.<key>`."""
    flat = {name: value for name, value in data.items() if name != "location"}
    flat.update({f"location.{name}": value for name, value in (data.get("location") or {}).items()})
    return flat


def data_diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    """Fields whose value differs between two records' data: field, before, after (as text)."""
    old, new = _flat(before), _flat(after)
    return [
        {"field": name, "before": value_shown(old.get(name)), "after": value_shown(new.get(name))}
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name) and (old.get(name) or new.get(name))
    ]


def preview_versus_live(previewed: list[Previewed], source: Source | None, *, listed: int) -> LiveDiff:
    """New, changed (field diff), unchanged and rejected records; live records the preview did not see."""
    diff = LiveDiff()
    live: dict[str, tuple[dict[str, Any], bool]] = {}
    if source is not None:
        rows = Record.objects.filter(
            raw__source=source, raw__source_record_id__in=[item.record_id for item in previewed]
        ).values_list("raw__source_record_id", "data", "is_valid")
        live = {record_id: (data, is_valid) for record_id, data, is_valid in rows}
    for item in previewed:
        values = item.values
        before = live.get(item.record_id)
        if not values["is_valid"]:
            reasons = [f"{error['field']} : {error['message']}" for error in values["errors"]]
            published = before is not None and before[1]
            diff.rejected.append(
                {**item.entry(), "stage": "normalisation", "reasons": reasons, "live": published}
            )
        elif before is None:
            diff.new.append(item.entry())
        elif changes := data_diff(before[0], values["data"]):
            diff.changed.append({**item.entry(), "fields": changes})
        else:
            diff.unchanged.append(item.entry())
    if source is not None:
        unseen = RawRecord.objects.filter(source=source, state=RawRecord.State.ACTIVE).exclude(
            source_record_id__in=[item.record_id for item in previewed]
        )
        diff.not_seen_total = unseen.count()
        listing = unseen.order_by("source_record_id").values_list(
            "source_record_id", "url", "record__data__title"
        )
        diff.not_seen = [{"id": i, "url": url, "title": title or ""} for i, url, title in listing[:listed]]
    return diff


def _candidates(
    wanted: dict[str, list[int]],
    own: int,
) -> tuple[dict[int, dict[str, Any]], dict[str, list[int]], dict[int, int]]:
    """Live signatures of other sources sharing a blocking key with a previewed record."""
    signatures: dict[int, dict[str, Any]] = {}
    members: dict[str, list[int]] = defaultdict(list)
    cluster_of: dict[int, int] = {}
    rows = ClusterMember.objects.values_list("record_id", "cluster_id", "signature")
    for record_id, cluster_id, signature in rows.iterator(chunk_size=5000):
        if not signature or signature.get("src") == own:
            continue
        keys = [key for key in block_keys(signature) if key in wanted]
        if keys:
            signatures[record_id], cluster_of[record_id] = signature, cluster_id
            for key in keys:
                members[key].append(record_id)
    return signatures, members, cluster_of


def _best(
    sig: dict[str, Any],
    keys: list[str],
    signatures: dict[int, Any],
    members: dict[str, list[int]],
    refused: set[int],
) -> int:
    """The live record matching a signature best (0 if none), blocks narrowed as de-duplication does.

    Records of `refused` (clusters an administrator declared another project) are never the answer.
    """
    ids: set[int] = set()
    for key in keys:
        block = members.get(key, [])
        if len(block) > BLOCK_MAX:
            # A key this common says nothing on its own: de-duplication keeps it within one département.
            block = [i for i in block if sig["d"] and signatures[i]["d"] == sig["d"]]
        if len(block) <= BLOCK_MAX:
            ids.update(block)
    scored = [(pair_score(sig, signatures[i]), i) for i in sorted(ids - refused)]
    score, best = max(scored, default=(0.0, 0))
    return best if score > 0 else 0


def _refused(
    previewed: list[Previewed], source: Source | None, cluster_of: dict[int, int]
) -> dict[str, set[int]]:
    """Candidate records each previewed record may not join: an administrator split them apart.

    Decisions are kept between records; the live record of the same source and id stands for the
    previewed one, and de-duplication refuses a whole cluster holding one record declared different.
    """
    if source is None:
        return {}
    live = dict(
        Record.objects.filter(
            raw__source=source, raw__source_record_id__in=[item.record_id for item in previewed]
        ).values_list("pk", "raw__source_record_id")
    )
    decisions = ClusterDecision.objects.filter(kind=ClusterDecision.Kind.DIFFERENT).filter(
        Q(record_a_id__in=live) | Q(record_b_id__in=live)
    )
    pairs = list(decisions.values_list("record_a_id", "record_b_id"))
    clusters = dict(
        ClusterMember.objects.filter(record_id__in={r for pair in pairs for r in pair}).values_list(
            "record_id", "cluster_id"
        )
    )
    apart: dict[str, set[int]] = defaultdict(set)
    for a, b in pairs:
        for mine, other in ((a, b), (b, a)):
            if mine in live and other in clusters:
                apart[live[mine]].add(clusters[other])
    return {
        record_id: {r for r, cluster_id in cluster_of.items() if cluster_id in cluster_ids}
        for record_id, cluster_ids in apart.items()
    }


def preview_matches(previewed: list[Previewed], source: Source | None) -> list[dict[str, Any]]:
    """Previewed records de-duplication would put in an existing project of another source."""
    own = source.pk if source is not None else 0
    signatures = {
        i: signature_build(item.values["data"], own)
        for i, item in enumerate(previewed)
        if item.values["is_valid"]
    }
    wanted: dict[str, list[int]] = defaultdict(list)
    for i, sig in signatures.items():
        for key in block_keys(sig):
            wanted[key].append(i)
    live, members, cluster_of = _candidates(wanted, own)
    refused = _refused(previewed, source, cluster_of)
    best = {
        i: found
        for i, sig in signatures.items()
        if (found := _best(sig, block_keys(sig), live, members, refused.get(previewed[i].record_id, set())))
    }
    if not best:
        return []
    # An unpublished project (hidden, withdrawn) is not shown: its page answers 404 to the partner.
    published = Project.objects.filter(
        cluster_id__in={cluster_of[r] for r in best.values()}, is_published=True
    )
    projects = {p.cluster_id: p for p in published}
    slugs = dict(Record.objects.filter(pk__in=best.values()).values_list("pk", "raw__source__slug"))
    own_clusters: dict[str, int] = {}
    if source is not None:
        own_clusters = dict(
            ClusterMember.objects.filter(
                record__raw__source=source,
                record__raw__source_record_id__in=[previewed[i].record_id for i in best],
            ).values_list("record__raw__source_record_id", "cluster_id")
        )
    matches = []
    for i, record_id in best.items():
        project = projects.get(cluster_of[record_id])
        if project is None:
            continue  # a cluster whose project the pipeline has not merged yet
        item = previewed[i]
        url = reverse("project", kwargs={"pk": project.pk, "slug": project.slug})
        matches.append(
            {
                **item.entry(),
                "project": {"id": project.pk, "title": project.title, "url": url},
                "other_source": slugs.get(record_id, ""),
                "already": own_clusters.get(item.record_id) == project.cluster_id,
            }
        )
    return sorted(matches, key=lambda match: match["already"])


def preview_samples(
    previewed: list[Previewed], definition: dict[str, Any], source: Source | None
) -> list[dict[str, Any]]:
    """A few valid records as the project card shows them: merged alone, as a new project would be."""
    samples = []
    for item in [item for item in previewed if item.values["is_valid"]][:SAMPLES]:
        member = Member(
            record_id=0,
            raw_id=0,
            data=item.values["data"],
            inferred=item.values["inferred"],
            source_id=source.pk if source is not None else 0,
            source_slug=definition["slug"],
            fictional=bool(definition.get("fictional", False)),
            source_record_id=item.record_id,
            url=item.url,
            state=RawRecord.State.ACTIVE,
            first_seen_at=None,
            last_seen_at=None,
        )
        values, _upstream = project_values([member], None)
        assert values is not None  # a record always makes a project
        # No pk: the card shows the title without a link (the project does not exist yet).
        samples.append({"pk": None, "slug": "", **{name: values[name] for name in CARD_FIELDS}})
    return samples
