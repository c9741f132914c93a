"""Cost of finding the pending raw records (`raw_records_pending`), run before every pipeline pass.

    python -m bench.pending_bench --records 100000 [--pending-percent 3]

A fresh installation (SQLite, or a fresh database on DATABASE_URL's server) gets N raw records and
their records, some without a record and some built from an older content, then the selector is
timed three times.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from tests.instance import instance_create

_SCRIPT = """
import time
from django.db import connection
from carrefour.orchestration.pipeline import raw_records_pending
from carrefour.sources.models import Source
source = Source.objects.create(slug="bench", name="bench", kind="import")
with connection.cursor() as cursor:
    cursor.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %(records)d) "
        "INSERT INTO harvest_rawrecord (source_id, source_record_id, url, payload, content_hash, fetched_at, "
        "first_seen_at, last_seen_at, listed_url, state, missed_runs) SELECT %%s, 'r' || i, '', '{}', "
        "'h' || i, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '', 'active', 0 FROM n",
        [source.pk],
    )
    # One record in `every` has no Record yet, one in `every` was built from an older content.
    cursor.execute(
        "INSERT INTO normalize_record (raw_id, data, inferred, errors, is_valid, warnings, unmapped, "
        "raw_hash, raw_state, updated_at) SELECT id, '{}', '[]', '[]', TRUE, '[]', '{}', "
        "CASE WHEN id %% %(every)d = 0 THEN 'old' ELSE content_hash END, 'active', CURRENT_TIMESTAMP "
        "FROM harvest_rawrecord WHERE id %% %(every)d != 1"
    )
    cursor.execute("ANALYZE")
for _ in range(3):
    started = time.perf_counter()
    pending = raw_records_pending()
    print(f"{len(pending)} pending of %(records)d: {time.perf_counter() - started:.3f} s")
"""


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--pending-percent", type=float, default=3.0, help="share of pending records")
    args = parser.parse_args()
    every = max(2, round(200 / args.pending_percent))
    script = _SCRIPT % {"records": args.records, "every": every}
    with tempfile.TemporaryDirectory(prefix="carrefour-pending-") as tmp, instance_create(Path(tmp)) as run:
        result = run.run("shell", "-c", script)
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"{database}, load average {os.getloadavg()[0]:.2f}")
    print(result.stdout.strip())


if __name__ == "__main__":
    main()
