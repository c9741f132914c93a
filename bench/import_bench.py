"""Lines read and checked against the open-data schema per second by `carrefour import`.

    python -m bench.import_bench [--file demo/corpus.jsonl.gz] [--repeat 3]

Measures `corpus_projects` (decompression, JSON parsing, schema validation) against JSON parsing alone,
in a throw-away data directory; storage and the pipeline are measured by bench.pipeline_bench.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import tempfile
import time
from pathlib import Path


def main() -> None:
    """Command-line entry point: print a Markdown table row per measure."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--file", type=Path, default=Path("demo/corpus.jsonl.gz"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="carrefour-bench-") as data_dir:
        os.environ["CARREFOUR_DATA_DIR"] = data_dir
        _measure(args.file, args.repeat)


def _measure(path: Path, repeat: int) -> None:
    """Time each step `repeat` times over the file; print the best."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.settings")
    import django

    django.setup()
    from carrefour.harvest.corpus import corpus_projects

    def parse_only() -> int:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return sum(1 for line in handle if json.loads(line))

    def import_read() -> int:
        rejected: list[str] = []
        return sum(1 for _ in corpus_projects(path, rejected)) + len(rejected)

    print(f"{path}, {platform.python_version()}, {os.cpu_count()} CPU, load {os.getloadavg()[0]:.2f}")
    print("| mesure | lignes | meilleur temps (s) | lignes/s |\n|---|---|---|---|")
    for name, step in (("JSON seul", parse_only), ("lecture + schéma (import)", import_read)):
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            lines = step()
            times.append(time.perf_counter() - started)
        print(f"| {name} | {lines} | {min(times):.2f} | {lines / min(times):,.0f} |")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
