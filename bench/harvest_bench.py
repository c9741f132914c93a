"""Harvest benchmark: full harvest, unchanged re-harvest and evolved re-harvest of a simulated world.

    python -m bench.harvest_bench [--projects 20000] [--seed 7] [--faults SPEC] [--write-doc]

Generates a world and its evolved version (--evolve-from: ~5 % changed, 2 % deleted, 3 % added), serves
it on loopback with faults on and politeness relaxed (no Crawl-delay, no API rate limit), then runs the
documented command `carrefour harvest --all --simulator-urls FILE` three times (full, unchanged, after the
mutation), exporting and scoring with evaluate.py after the full and the evolved runs. Requests are
counted in the simulator's request log. With --write-doc the results replace the "Moissonnage" section
of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harvest_world import world_evaluate
from tests.simulator import World, world_generate, world_serve

ROOT = Path(__file__).resolve().parents[1]
CARREFOUR = [sys.executable, "-m", "carrefour.cli"]
DEFAULT_FAULTS = "error=0.05,reset=0.01,drip=0.01,ratelimit=0,crawl_delay=0"
SECTION = "## Moissonnage"


def _carrefour(args: list[str], env: dict[str, str]) -> float:
    """Run one carrefour command; its wall time."""
    started = time.monotonic()
    subprocess.run([*CARREFOUR, *args], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def _requests(world: World) -> int:
    """Requests logged so far by the simulator (control endpoints excluded)."""
    time.sleep(1.0)  # the log is flushed every 0.5 s
    return sum(1 for row in world.requests_log() if row[-1].strip() != "control")


def _phase(name: str, world: World, env: dict[str, str], urls: Path) -> dict[str, Any]:
    """One `carrefour harvest --all` run: time and requests."""
    before = _requests(world)
    seconds = _carrefour(["harvest", "--all", "--simulator-urls", str(urls)], env)
    requests = _requests(world) - before
    print(f"{name}: {requests} requests in {seconds:.1f} s", flush=True)
    return {"phase": name, "seconds": round(seconds, 1), "requests": requests}


def _coverage(world: World, env: dict[str, str], out: Path, platforms: list[str]) -> dict[str, Any]:
    """Export, then evaluate.py's summary."""
    _carrefour(["export", "--format", "jsonl", "--output", str(out)], env)
    return world_evaluate(world, out, platforms)


def bench_run(projects: int, seed: int, faults: str, workdir: Path) -> dict[str, Any]:
    """The three phases on one world; figures for the report."""
    v1 = world_generate(workdir / "v1", projects=projects, seed=seed)
    v2 = world_generate(workdir / "v2", projects=projects, seed=seed, evolve_from=v1.path)
    platforms = sorted(p["name"] for p in json.loads((v1.path / "manifest.json").read_text())["platforms"])
    data = workdir / "data"
    env = dict(
        os.environ, CARREFOUR_DATA_DIR=str(data), CARREFOUR_HARVEST_ALLOWED_HOSTS="127.0.0.1,localhost"
    )
    env.pop("DATABASE_URL", None)
    _carrefour(["migrate", "--noinput", "-v", "0"], env)
    _carrefour(["territories", "load"], env)
    spec = ",".join(item for item in (faults, f"mutate={v2.path}") if item)
    with world_serve(v1, faults=spec) as served:
        urls = workdir / "urls.json"
        urls.write_text(json.dumps(served.urls))
        phases = [_phase("full", served, env, urls)]
        full = _coverage(v1, env, workdir / "full.jsonl", platforms)
        phases.append(_phase("unchanged", served, env, urls))
        served.mutate()
        phases.append(_phase("evolved", served, env, urls))
        evolved = _coverage(v2, env, workdir / "evolved.jsonl", platforms)
    return {
        "projects": projects,
        "seed": seed,
        "faults": faults,
        "phases": phases,
        "full": full,
        "evolved": evolved,
    }


def _recall(summary: dict[str, Any]) -> dict[str, Any]:
    """Recall per platform from an evaluate.py summary (whatever its exact key layout)."""
    coverage = summary.get("coverage", summary)
    for key in ("recall_per_platform", "per_platform", "platforms"):
        if isinstance(coverage.get(key), dict):
            return dict(coverage[key])
    return {}


def report_markdown(result: dict[str, Any]) -> str:
    """The "Moissonnage" section of docs/benchmarks.md."""
    full = next(p for p in result["phases"] if p["phase"] == "full")
    lines = [
        SECTION,
        "",
        f"`python -m bench.harvest_bench --projects {result['projects']} --seed {result['seed']} "
        "--write-doc` "
        f"— monde de {result['projects']} projets, fautes `{result['faults'] or 'aucune'}`, "
        "commande `carrefour harvest --all --simulator-urls FICHIER` (moisson + pipeline).",
        "",
        "| passage | requêtes | durée (s) | requêtes / moisson complète | pages/s |",
        "|---|---|---|---|---|",
    ]
    for phase in result["phases"]:
        share = phase["requests"] / full["requests"] if full["requests"] else 0
        rate = phase["requests"] / phase["seconds"] if phase["seconds"] else 0
        lines.append(
            f"| {phase['phase']} | {phase['requests']} | {phase['seconds']} | {share:.1%} | {rate:.0f} |"
        )
    for name in ("full", "evolved"):
        summary = result[name]
        lines += ["", f"Couverture ({name}) : `{json.dumps(summary.get('coverage', summary))[:600]}`"]
        recall = _recall(summary)
        if recall:
            lines.append(
                "Rappel par plateforme : " + ", ".join(f"{k} {v}" for k, v in sorted(recall.items()))
            )
    return "\n".join(lines) + "\n"


def doc_write(section: str, path: Path = ROOT / "docs" / "benchmarks.md") -> None:
    """Replace (or add) the "Moissonnage" section of docs/benchmarks.md, leaving other sections alone."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Mesures de performance\n\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    text = pattern.sub(lambda _m: section + "\n", text) if pattern.search(text) else text + "\n" + section
    path.write_text(text, encoding="utf-8")


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--faults", default=DEFAULT_FAULTS, help="simulator --faults spec ('' for none)")
    parser.add_argument("--write-doc", action="store_true", help="write the results in docs/benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="carrefour-harvest-bench-") as tmp:
        result = bench_run(args.projects, args.seed, args.faults, Path(tmp))
    section = report_markdown(result)
    print(section)
    if args.write_doc:
        doc_write(section)


if __name__ == "__main__":
    main()
