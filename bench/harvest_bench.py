"""Harvest benchmark: full harvest, then unchanged, evolved and next-week re-harvests of a simulated world.

    python -m bench.harvest_bench [--projects 20000] [--seed 7] [--faults SPEC] [--write-doc]

Generates a world and its evolved version (--evolve-from: ~5 % changed, 2 % deleted, 3 % added), serves
it on loopback with faults on and politeness relaxed (no Crawl-delay, no API rate limit), then runs the
documented command `carrefour harvest --all --simulator-urls FILE` four times: full, unchanged, after
the mutation, and again as the next weekly run (stored fetch dates moved 8 days back, so pages without
a change signal are due again). It exports and scores with evaluate.py after the full and the evolved
runs. Requests are counted in the simulator's request log; pages and records come from the recorded
harvest runs, and the stored records are listed before and after each re-harvest (none may disappear).
A last pass harvests a fresh world (--clean-projects, same seed) without faults into a new database and
scores it. With --write-doc the results replace the "Moissonnage" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
RELAXED = "ratelimit=0,crawl_delay=0"
DEFAULT_FAULTS = f"error=0.05,reset=0.01,drip=0.01,{RELAXED}"
SECTION = "## Moissonnage"
STATS = "from bench.harvest_bench import db_stats; db_stats({after})"
WEEK_DAYS = 8


def _carrefour(args: list[str], env: dict[str, str]) -> float:
    """Run one carrefour command; its wall time."""
    started = time.monotonic()
    subprocess.run([*CARREFOUR, *args], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def _requests(world: World) -> int:
    """Requests logged so far by the simulator (control endpoints excluded)."""
    time.sleep(1.0)  # the log is flushed every 0.5 s
    return sum(1 for row in world.requests_log() if row[-1].strip() != "control")


def db_stats(after_run: int) -> None:
    """Print (JSON) the harvest runs after `after_run` and the stored record keys; run inside Django."""
    from django.db.models import Max, Min, Sum

    from carrefour.harvest.models import HarvestRun, RawRecord

    runs = HarvestRun.objects.filter(pk__gt=after_run)
    totals = runs.aggregate(
        start=Min("started_at"),
        end=Max("finished_at"),
        pages=Sum("pages_fetched"),
        records=Sum("records_seen"),
        created=Sum("records_created"),
        updated=Sum("records_updated"),
    )
    span = (totals["end"] - totals["start"]).total_seconds() if totals["end"] and totals["start"] else 0.0
    records = RawRecord.objects.values_list("source__slug", "source_record_id", "state")
    print(
        json.dumps(
            {
                "last_run": HarvestRun.objects.aggregate(last=Max("pk"))["last"] or 0,
                "harvest_seconds": round(span, 1),
                "pages": totals["pages"] or 0,
                "records": totals["records"] or 0,
                "created": totals["created"] or 0,
                "updated": totals["updated"] or 0,
                "statuses": sorted(f"{r.source.slug}:{r.status}" for r in runs.select_related("source")),
                "stored": [list(row) for row in records.iterator()],
            }
        )
    )


def db_age(days: int) -> None:
    """Date every stored record's last fetch `days` earlier (the next scheduled run); inside Django."""
    from datetime import timedelta

    from django.db.models import F

    from carrefour.harvest.models import RawRecord

    RawRecord.objects.update(fetched_at=F("fetched_at") - timedelta(days=days))


def _shell(env: dict[str, str], script: str) -> str:
    """Run Python code inside Django in the bench's data directory; its output."""
    result = subprocess.run(
        [*CARREFOUR, "shell", "-c", script], check=True, env=env, cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout


def _db_stats(env: dict[str, str], after_run: int) -> dict[str, Any]:
    """db_stats run in the bench's data directory."""
    return dict(json.loads(_shell(env, STATS.format(after=after_run)).strip().splitlines()[-1]))


def _phase(name: str, world: World, env: dict[str, str], urls: Path) -> dict[str, Any]:
    """One `carrefour harvest --all` run: requests, times (harvest alone, with the pipeline), records lost."""
    before_db = _db_stats(env, 0)
    before = _requests(world)
    seconds = _carrefour(["harvest", "--all", "--simulator-urls", str(urls)], env)
    requests = _requests(world) - before
    after_db = _db_stats(env, before_db["last_run"])
    kept = {(slug, rid) for slug, rid, _state in after_db["stored"]}
    lost = [key for *key, _state in before_db["stored"] if tuple(key) not in kept]
    harvest = after_db["harvest_seconds"] or seconds
    phase = {
        "phase": name,
        "seconds": round(seconds, 1),
        "harvest_seconds": harvest,
        "requests": requests,
        "pages": after_db["pages"],
        "records": after_db["records"],
        "pages_per_s": round(after_db["pages"] / harvest, 1) if harvest else 0,
        "records_per_s": round(after_db["records"] / harvest, 1) if harvest else 0,
        "created": after_db["created"],
        "updated": after_db["updated"],
        "stored_before": len(before_db["stored"]),
        "stored_after": len(after_db["stored"]),
        "gone_after": sum(1 for *_key, state in after_db["stored"] if state == "gone"),
        "lost": len(lost),
        "statuses": after_db["statuses"],
        "load": os.getloadavg()[0],
    }
    print(json.dumps(phase), flush=True)
    return phase


def _coverage(world: World, env: dict[str, str], out: Path, platforms: list[str]) -> dict[str, Any]:
    """Export, then evaluate.py's summary."""
    _carrefour(["export", "--format", "jsonl", "--output", str(out)], env)
    return world_evaluate(world, out, platforms)


def _data_env(data: Path) -> dict[str, str]:
    """Environment of the carrefour commands: a fresh SQLite data directory, loopback allowed."""
    env = dict(
        os.environ, CARREFOUR_DATA_DIR=str(data), CARREFOUR_HARVEST_ALLOWED_HOSTS="127.0.0.1,localhost"
    )
    env.pop("DATABASE_URL", None)
    _carrefour(["migrate", "--noinput", "-v", "0"], env)
    _carrefour(["territories", "load"], env)
    return env


def _platforms(world: World) -> list[str]:
    """Platforms of a generated world."""
    return sorted(p["name"] for p in json.loads((world.path / "manifest.json").read_text())["platforms"])


def bench_run(projects: int, seed: int, faults: str, workdir: Path, clean_projects: int) -> dict[str, Any]:
    """Full, unchanged, evolved and a week later on one world with faults, then a full one without."""
    v1 = world_generate(workdir / "v1", projects=projects, seed=seed)
    v2 = world_generate(workdir / "v2", projects=projects, seed=seed, evolve_from=v1.path)
    platforms = _platforms(v1)
    env = _data_env(workdir / "data")
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
        # The next weekly run: pages without a change signal are due again (revisit_after = 168 h).
        _shell(env, f"from bench.harvest_bench import db_age; db_age({WEEK_DAYS})")
        phases.append(_phase(f"evolved, +{WEEK_DAYS} jours", served, env, urls))
    result = {
        "projects": projects,
        "seed": seed,
        "faults": faults,
        "phases": phases,
        "full": full,
        "evolved": evolved,
        "clean_projects": clean_projects,
    }
    if clean_projects:
        clean = (
            v1
            if clean_projects == projects
            else world_generate(workdir / "clean", projects=clean_projects, seed=seed)
        )
        clean_env = _data_env(workdir / "clean-data")
        with world_serve(clean, faults=RELAXED) as served:
            urls = workdir / "clean-urls.json"
            urls.write_text(json.dumps(served.urls))
            result["clean_phase"] = _phase("sans fautes", served, clean_env, urls)
        result["clean"] = _coverage(clean, clean_env, workdir / "clean.jsonl", _platforms(clean))
    return result


def _recall(summary: dict[str, Any]) -> dict[str, Any]:
    """Recall per platform from an evaluate.py summary (whatever its exact key layout)."""
    coverage = summary.get("coverage", summary)
    for key in ("recall_per_platform", "per_platform", "platforms"):
        if isinstance(coverage.get(key), dict):
            return dict(coverage[key])
    return {}


def _coverage_lines(title: str, summary: dict[str, Any]) -> list[str]:
    """Recall of one evaluate.py summary, overall and per platform."""
    coverage = summary.get("coverage", summary)
    lines = ["", f"{title} : `{json.dumps(coverage)[:700]}`"]
    recall = _recall(summary)
    if recall:
        lines.append("Rappel par plateforme : " + ", ".join(f"{k} {v}" for k, v in sorted(recall.items())))
    return lines


def report_markdown(result: dict[str, Any]) -> str:
    """The "Moissonnage" section of docs/benchmarks.md."""
    full = next(p for p in result["phases"] if p["phase"] == "full")
    machine = f"{os.cpu_count()} cœurs partagés, Python {platform.python_version()}"
    lines = [
        SECTION,
        "",
        f"`python -m bench.harvest_bench --projects {result['projects']} --seed {result['seed']} "
        f"--clean-projects {result['clean_projects']} --write-doc` "
        f"— {time.strftime('%Y-%m-%d')}, machine : {machine} ; monde de {result['projects']} projets, "
        f"fautes `{result['faults'] or 'aucune'}`, commande `carrefour harvest --all --simulator-urls "
        "FICHIER` (4 sources en parallèle, puis le pipeline). « moisson » = du début de la première "
        "exploration à la fin du dernier enregistrement ; « total » inclut le pipeline.",
        "",
        "| passage | requêtes | / complète | moisson (s) | total (s) | pages | pages/s | fiches vues "
        "| fiches/s | nouvelles / modifiées | fiches stockées avant → après (gone) | perdues | charge |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    phases = [*result["phases"], *([result["clean_phase"]] if "clean_phase" in result else [])]
    for phase in phases:
        # The no-fault pass harvests another world: no share of the full harvest.
        same_world = phase in result["phases"] and full["requests"]
        share = f"{phase['requests'] / full['requests']:.1%}" if same_world else "—"
        lines.append(
            f"| {phase['phase']} | {phase['requests']} | {share} | {phase['harvest_seconds']} "
            f"| {phase['seconds']} | {phase['pages']} | {phase['pages_per_s']} | {phase['records']} "
            f"| {phase['records_per_s']} | {phase.get('created', '?')} / {phase.get('updated', '?')} "
            f"| {phase['stored_before']} → {phase['stored_after']} "
            f"({phase['gone_after']}) | {phase['lost']} | {phase['load']:.2f} |"
        )
    lines += [
        "",
        "« perdues » : fiches stockées avant le passage et absentes après (le moissonneur ne supprime "
        "jamais : une fiche disparue en amont passe « gone » après 2 moissons réussies sans elle et "
        "reste stockée ; le passage « evolved » est le premier sans elle, d'où 0 gone).",
    ]
    lines += _coverage_lines("Couverture avec fautes (moisson complète)", result["full"])
    lines += _coverage_lines("Couverture avec fautes (après évolution)", result["evolved"])
    if "clean" in result:
        lines += _coverage_lines(
            f"Couverture sans fautes (monde de {result['clean_projects']} projets, même graine, base neuve)",
            result["clean"],
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
    parser.add_argument(
        "--clean-projects",
        type=int,
        help="projects of the extra no-fault harvest (default: --projects; 0 to skip it)",
    )
    parser.add_argument("--write-doc", action="store_true", help="write the results in docs/benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="carrefour-harvest-bench-") as tmp:
        clean = args.projects if args.clean_projects is None else args.clean_projects
        result = bench_run(args.projects, args.seed, args.faults, Path(tmp), clean)
    section = report_markdown(result)
    print(section)
    if args.write_doc:
        doc_write(section)


if __name__ == "__main__":
    main()
