"""Chaos benchmark: imports and harvests killed at random points, each followed by a normal re-run.

    python -m bench.chaos --kills 20 --import-projects 3200 --world-projects 300 --seed 3

Each round starts from a fresh installation (own data directory and database), starts `carrefour
import` (a slice of the demo corpus) or `carrefour harvest` (a simulated world on loopback), waits for
the stage it targets to show in the command's progress output (storage, normalize, dedup, merge,
index; crawl for a harvest), waits a random moment more, then sends SIGKILL (to the whole process
group, like a crash) or SIGTERM (to the main process, like `kill PID`). The same command is then run
again normally, and the installation is compared with a clean, uninterrupted run: records lost
(stored records missing or still pending; must be 0), published projects and index documents.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import signal
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.harvest_world import sources_for_platforms
from tests.instance import ROOT, Instance, instance_create, kill_at
from tests.simulator import world_generate, world_serve

PLATFORMS = ["portraits", "api", "opendata"]
# Stage → the progress line that shows it has begun (stderr of the commands).
MARKERS = {
    "crawl": "crawl:",
    "storage": "stockage :",
    "store": "store:",
    "normalize": "traitement :",
    "dedup": "étape : dédoublonnage",
    "merge": "étape : fusion des projets",
    "index": "étape : index",
}
IMPORT_STAGES = ["storage", "normalize", "dedup", "merge", "index"]
HARVEST_STAGES = ["crawl", "store", "normalize", "dedup", "index"]


@dataclass
class Round:
    """One kill and its re-run."""

    command: str
    stage: str
    signal: str
    reached: str
    exit_code: int
    rerun_seconds: float
    lost: int
    published: int
    documents: int
    interrupted_runs: int
    equal: bool


def _reached(output: str) -> str:
    """The last stage the killed command's output showed."""
    last, where = "", -1
    for stage, marker in MARKERS.items():
        position = output.rfind(marker)
        if position > where:
            last, where = stage, position
    return last


def _round(
    instance: Instance, command: list[str], stage: str, signum: int, clean: dict[str, Any], rng: random.Random
) -> Round:
    """Kill the command once `stage` shows (plus a random delay), run it again, compare with `clean`."""
    process = instance.start(*command)
    delay = rng.uniform(0, 0.5)
    output = kill_at(process, MARKERS[stage], signum, delay=delay)
    started = time.monotonic()
    instance.run(*command)
    seconds = time.monotonic() - started
    counts = instance.counts()
    lost = clean["records"] - counts["records"] + counts["pending"]
    equal = (counts["raw"], counts["published"], counts["documents"]) == (
        clean["raw"],
        clean["published"],
        clean["documents"],
    )
    return Round(
        command=command[0],
        stage=stage,
        signal=signal.Signals(signum).name,
        reached=_reached(output),
        exit_code=process.returncode,
        rerun_seconds=round(seconds, 1),
        lost=lost,
        published=counts["published"],
        documents=counts["documents"],
        interrupted_runs=counts["runs"].count("interrupted"),
        equal=equal and "running" not in counts["runs"],
    )


def corpus_slice(out: Path, projects: int) -> Path:
    """The first `projects` projects of the demo corpus."""
    with gzip.open(ROOT / "demo" / "corpus.jsonl.gz", "rt", encoding="utf-8") as source:
        lines = [line for _, line in zip(range(projects), source, strict=False)]
    with gzip.open(out, "wt", encoding="utf-8") as target:
        target.writelines(lines)
    return out


def _clean(root: Path, command: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Counts after one uninterrupted run in a fresh installation."""
    with instance_create(root, **env) as instance:
        instance.run(*command)
        return instance.counts()


def chaos_run(args: argparse.Namespace) -> dict[str, Any]:
    """Every round, imports then harvests; the report."""
    rng = random.Random(args.seed)
    rounds: list[Round] = []
    signals = [signal.SIGKILL, signal.SIGTERM]
    loopback = {"CARREFOUR_HARVEST_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    with tempfile.TemporaryDirectory(prefix="carrefour-chaos-") as tmp:
        root = Path(tmp)
        corpus = corpus_slice(root / "corpus.jsonl.gz", args.import_projects)
        harvests = args.kills * args.harvest_share // 100
        imports = args.kills - harvests
        command = ["import", str(corpus)]
        clean = _clean(root / "clean-import", command, {})
        print(f"clean import: {json.dumps(clean)}", flush=True)
        for n in range(imports):
            stage, signum = IMPORT_STAGES[n % len(IMPORT_STAGES)], signals[n // len(IMPORT_STAGES) % 2]
            with instance_create(root / f"import-{n}") as instance:
                rounds.append(_round(instance, command, stage, signum, clean, rng))
            print(json.dumps(asdict(rounds[-1]), ensure_ascii=False), flush=True)
        world = world_generate(
            root / "world", projects=args.world_projects, seed=args.seed, platforms=PLATFORMS
        )
        with world_serve(world, faults="api.ratelimit=0") as served:
            urls = root / "urls.json"
            urls.write_text(json.dumps(served.urls))
            command = ["harvest", *sources_for_platforms(PLATFORMS), "--simulator-urls", str(urls)]
            clean_harvest = _clean(root / "clean-harvest", command, loopback)
            print(f"clean harvest: {json.dumps(clean_harvest)}", flush=True)
            for n in range(harvests):
                stage, signum = HARVEST_STAGES[n % len(HARVEST_STAGES)], signals[n // len(HARVEST_STAGES) % 2]
                with instance_create(root / f"harvest-{n}", **loopback) as instance:
                    rounds.append(_round(instance, command, stage, signum, clean_harvest, rng))
                print(json.dumps(asdict(rounds[-1]), ensure_ascii=False), flush=True)
    return {
        "clean_import": clean,
        "clean_harvest": clean_harvest,
        "rounds": [asdict(r) for r in rounds],
        "lost": sum(r.lost for r in rounds),
        "unequal": sum(not r.equal for r in rounds),
        "load": os.getloadavg(),
    }


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=20, help="rounds (one kill each)")
    parser.add_argument("--harvest-share", type=int, default=30, help="share of harvest rounds (%%)")
    parser.add_argument("--import-projects", type=int, default=3200, help="demo-corpus projects imported")
    parser.add_argument("--world-projects", type=int, default=300, help="projects of the harvested world")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--out", type=Path, help="JSON report to write")
    args = parser.parse_args()
    report = chaos_run(args)
    print(f"records lost: {report['lost']}, rounds unlike a clean run: {report['unequal']}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
