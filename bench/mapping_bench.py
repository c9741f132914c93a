"""Benchmark of a vocabulary mapping saved from the partner space and re-applied to 30,000 stored records.

    python -m bench.mapping_bench [--records 30000] [--share 0.2] [--data-dir DIR]

One source (sources/regards-solidaires.yml, saved as version 1) gets N synthetic raw records, processed
once by the pipeline. A share of them carry a term no mapping covers. Then, timed: the unmapped terms the
mapping page lists, saving their mapping (a new version of the definition), and the re-apply task the
worker runs (the records where the term was unmapped normalized again, written, merged, re-indexed);
then a change of a mapping already there (the records using the term normalized again).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEFINITION = Path("sources/regards-solidaires.yml")
TERM = "Jardins partagés"  # the unmapped term the partner maps
CHANGED = "Mobilité"  # a term the definition maps already, mapped elsewhere
MAPPED = ["Alimentation durable", "Culture", "Emploi / Insertion", "Logement", "Mobilité", "Santé"]
PLACES = ["Lyon (69)", "Villeurbanne (69)", "Marseille (13)", "Lille (59)", "Nantes (44)", "Rennes (35)"]
WORDS = [
    "atelier",
    "jardin",
    "cantine",
    "réseau",
    "maison",
    "collectif",
    "repair",
    "café",
    "épicerie",
    "tiers",
    "lieu",
    "ferme",
    "école",
]


def payload_build(index: int, rng: random.Random, share: float) -> dict[str, Any]:
    """A synthetic record as the partner's site would give it: distinct title, mapped themes, a place."""
    themes = rng.sample(MAPPED, 2) + ([TERM] if rng.random() < share else [])
    title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} n° {index}"
    return {"title": title, "themes": themes, "location_text": rng.choice(PLACES)}


def records_store(source: Any, count: int, share: float) -> list[int]:
    """Store `count` raw records of the source; their ids."""
    from django.utils import timezone

    from carrefour.harvest.models import RawRecord

    rng = random.Random(14)
    now = timezone.now()
    batch = []
    for index in range(count):
        payload = payload_build(index, rng, share)
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        batch.append(
            RawRecord(
                source=source,
                source_record_id=str(index),
                url=f"https://regards.example/portraits/{index}",
                payload=payload,
                content_hash=digest,
                fetched_at=now,
                first_seen_at=now,
                last_seen_at=now,
            )
        )
    RawRecord.objects.bulk_create(batch, batch_size=2000)
    return list(RawRecord.objects.filter(source=source).values_list("pk", flat=True))


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=30_000)
    parser.add_argument("--share", type=float, default=0.2, help="share of records using the unmapped term")
    parser.add_argument("--data-dir", type=Path, help="database directory (default: temporary)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="carrefour-bench-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        os.environ["CARREFOUR_DATA_DIR"] = str(data_dir)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.settings")
        # The simulator's address, on loopback, allowed as a deployment would a test host: the mapping
        # page's save makes the source a partner's, whose hosts are checked.
        os.environ.setdefault("CARREFOUR_PARTNER_ALLOWED_HOSTS", "127.0.0.1")
        import django

        django.setup()
        from django.core.management import call_command
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from carrefour.normalize.selectors import source_unmapped_terms
        from carrefour.orchestration.partner_tasks import source_mapping_reapply
        from carrefour.orchestration.pipeline import pipeline_process
        from carrefour.partners.mapping import source_mapping_save
        from carrefour.sources.definitions import definition_read
        from carrefour.sources.models import Source
        from carrefour.sources.services import source_upsert_from_definition
        from carrefour.sources.versions import source_version_save

        call_command("migrate", verbosity=0, skip_checks=True)
        call_command("territories", "load", stdout=open(os.devnull, "w"), skip_checks=True)  # noqa: SIM115
        source = source_upsert_from_definition(definition_read(DEFINITION))
        text = DEFINITION.read_text(encoding="utf-8")
        source_version_save(text, author=None, source=source, origin=Source.Origin.FILE)
        ids = records_store(source, args.records, args.share)
        started = time.monotonic()
        first = pipeline_process(ids)
        first_seconds = time.monotonic() - started

        started = time.monotonic()
        terms = source_unmapped_terms(source.pk)
        list_seconds = time.monotonic() - started
        source.refresh_from_db()
        started = time.monotonic()
        version, job = source_mapping_save(
            source, {"themes": {TERM: "environnement"}}, author=None, version_seen=1
        )
        save_seconds = time.monotonic() - started
        started = time.monotonic()
        summary = source_mapping_reapply.call(job.pk, source.pk)
        reapply_seconds = time.monotonic() - started
        # Run in this process (`call`), not by the worker: marked done as the worker would, or the next
        # save would join it as a task still queued.
        DBTaskResult.objects.filter(pk=job.task_id).update(status=TaskResultStatus.SUCCESSFUL)
        source.refresh_from_db()
        changed, job = source_mapping_save(
            source, {"themes": {CHANGED: "lien-social"}}, author=None, version_seen=2
        )
        started = time.monotonic()
        changed_summary = source_mapping_reapply.call(job.pk, source.pk)
        changed_seconds = time.monotonic() - started
        report = {
            "records": len(ids),
            "first_pass_seconds": round(first_seconds, 1),
            "first_pass": first.as_text(),
            "unmapped_terms": [(t.field, t.value, t.count) for t in terms],
            "unmapped_list_seconds": round(list_seconds, 2),
            "mapping_save_seconds": round(save_seconds, 2),
            "version": version.number,
            "reapply_seconds": round(reapply_seconds, 1),
            "reapply": summary,
            "unmapped_after": len(source_unmapped_terms(source.pk)),
            "changed_mapping": f"{CHANGED!r} → lien-social (version {changed.number})",
            "changed_reapply_seconds": round(changed_seconds, 1),
            "changed_reapply": changed_summary,
            "load_average": [round(x, 1) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
            "database": django.db.connection.vendor,
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
