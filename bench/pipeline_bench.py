"""Benchmark of the stages after fetching: normalize + geocode + dedup + merge + index on N stored records.

    python -m bench.pipeline_bench --from var/eval/data3k --records 100000 [--data-dir DIR]

Raw records harvested once from a simulated world (`bench.harvest_world --keep-data DIR`) are
replicated into a fresh database until N records are stored. Copy k of the corpus is a "parallel
world": every word of four letters or more in titles, texts and organization names gets the suffix
of k, so each copy holds new projects whose cross-platform duplicates are still duplicates of each
other (dedup does the same work as on a real corpus of that size). Then the pipeline runs on all
of them (timed), and a vocabulary mapping change is re-applied without harvest (timed, with the
number of records it actually rewrote).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_WORD = re.compile(r"\b([^\W\d_]{4,})\b")
_TAG = re.compile(r"(<[^>]*>)")
_TEXT_FIELDS = ("title", "summary", "description", "organization")


def _suffix(k: int) -> str:
    letters = ""
    while k:
        k, rest = divmod(k - 1, 26)
        letters = chr(97 + rest) + letters
    return letters


def _mangle(text: str, suffix: str) -> str:
    """Suffix every long word outside HTML tags."""
    parts = _TAG.split(text)
    return "".join(p if p.startswith("<") else _WORD.sub(rf"\1{suffix}", p) for p in parts)


def payload_copy(payload: dict[str, Any], k: int) -> dict[str, Any]:
    """Payload of copy k (copy 0 is the original)."""
    if k == 0:
        return payload
    suffix = _suffix(k)
    copy = dict(payload)
    for name in _TEXT_FIELDS:
        if isinstance(copy.get(name), str):
            copy[name] = _mangle(copy[name], suffix)
    if isinstance(copy.get("website"), str):
        copy["website"] = re.sub(r"^(https?://)?(www\.)?", rf"\1\2{suffix}-", copy["website"])
    return copy


def corpus_replicate(source_db: Path, records: int) -> tuple[int, int]:
    """Store `records` raw records copied from source_db's sources and raw records; (copies, stored)."""
    from django.utils import timezone

    from carrefour.harvest.models import RawRecord
    from carrefour.sources.models import Source

    db = sqlite3.connect(source_db)
    sources = {}
    columns = "id, slug, name, kind, website, licence, attribution, fictional, definition"
    for row in db.execute(f"select {columns} from sources_source"):
        pk, slug, name, kind, website, licence, attribution, fictional, definition = row
        sources[pk] = Source.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "website": website,
                "licence": licence,
                "attribution": attribution,
                "fictional": bool(fictional),
                "definition": json.loads(definition),
            },
        )[0]
    raws = list(db.execute("select source_id, source_record_id, url, payload from harvest_rawrecord"))
    now = timezone.now()
    stored, k = 0, 0
    while stored < records:
        batch = []
        for source_id, record_id, url, payload in raws[: records - stored]:
            data = payload_copy(json.loads(payload), k)
            batch.append(
                RawRecord(
                    source=sources[source_id],
                    source_record_id=f"{record_id}~{k}" if k else record_id,
                    url=f"{url}#{k}" if k else url,
                    payload=data,
                    content_hash=hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest(),
                    fetched_at=now,
                    first_seen_at=now,
                    last_seen_at=now,
                )
            )
        RawRecord.objects.bulk_create(batch, batch_size=2000)
        stored += len(batch)
        k += 1
    return k, stored


def vocabulary_change(slug: str) -> tuple[str, str]:
    """Map one more source term of `slug` (its most frequent unmapped theme, else remap one term)."""
    from carrefour.normalize.selectors import unmapped_values
    from carrefour.sources.models import Source

    source = Source.objects.get(slug=slug)
    definition = dict(source.definition)
    vocabularies = {k: dict(v or {}) for k, v in (definition.get("vocabularies") or {}).items()}
    themes = vocabularies.setdefault("themes", {})
    unmapped = [row for row in unmapped_values(source=slug) if row.field == "themes"]
    term = unmapped[0].value if unmapped else sorted(themes)[0]
    themes[term] = "lien-social"
    definition["vocabularies"] = vocabularies
    Source.objects.filter(pk=source.pk).update(definition=definition)
    return term, "lien-social"


def _stages_time(stages: dict[str, float]) -> None:
    """Accumulate the wall time of the de-duplication and merge stages into `stages`."""
    import carrefour.orchestration.pipeline as pipeline

    for name, label in (("clusters_update", "dedup"), ("projects_sync", "merge into projects")):
        function = getattr(pipeline, name)

        def timed(*args: Any, _function: Any = function, _label: str = label, **kwargs: Any) -> Any:
            started = time.monotonic()
            try:
                return _function(*args, **kwargs)
            finally:
                stages[_label] = stages.get(_label, 0.0) + time.monotonic() - started

        setattr(pipeline, name, timed)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--from", dest="source", type=Path, required=True, help="kept harvest data dir")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, help="database directory (default: temporary)")
    parser.add_argument("--vocabulary-source", default="regards-solidaires")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="carrefour-bench-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        os.environ["CARREFOUR_DATA_DIR"] = str(data_dir)
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from carrefour.harvest.models import RawRecord
        from carrefour.orchestration.pipeline import pipeline_process
        from carrefour.projects.models import Project
        from carrefour.search.services import index_update
        from carrefour.territories.gazetteer import gazetteer_get

        call_command("migrate", verbosity=0, skip_checks=True)
        call_command("territories", "load", stdout=open(os.devnull, "w"), skip_checks=True)  # noqa: SIM115
        copies, stored = corpus_replicate(args.source / "carrefour.sqlite3", args.records)
        gazetteer_get()
        ids = list(RawRecord.objects.values_list("pk", flat=True))
        stages: dict[str, float] = {}
        _stages_time(stages)
        started = time.monotonic()
        summary = pipeline_process(ids, update_index=False)
        stages["index (rebuild)"] = -time.monotonic()
        index_update(list(Project.objects.values_list("pk", flat=True)))
        stages["index (rebuild)"] += time.monotonic()
        full = time.monotonic() - started
        stages["normalize + geocode + write (batches)"] = full - sum(
            v for k, v in stages.items() if not k.startswith("normalize")
        )
        full_stages = {k: round(v, 1) for k, v in stages.items()}  # the rerun below adds to `stages`
        term, code = vocabulary_change(args.vocabulary_source)
        started = time.monotonic()
        source_ids = list(
            RawRecord.objects.filter(source__slug=args.vocabulary_source).values_list("pk", flat=True)
        )
        rerun = pipeline_process(source_ids, force=True)
        report = {
            "records": stored,
            "copies": copies,
            "full_seconds": round(full, 1),
            "full": summary.as_text(),
            "stages_seconds": full_stages,
            "load_average": [round(x, 1) for x in os.getloadavg()],
            "vocabulary_change": f"{args.vocabulary_source}: {term!r} → {code}",
            "rerun_records": len(source_ids),
            "rerun_rewritten": rerun.records - rerun.unchanged,
            "rerun_projects": rerun.projects_changed,
            "rerun_seconds": round(rerun.seconds, 1),
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
