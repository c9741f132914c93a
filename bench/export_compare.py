"""Same raw records through two revisions' pipelines, every export compared byte for byte.

    python -m bench.export_compare --baseline REV [--world-size 20000] [--seed 77] [--work var/compare]

1. The baseline revision gets its own detached worktree (`--baseline-dir`, default beside this
   checkout), virtual environment and node packages (territory data); the candidate is this checkout.
2. A simulated world is generated once and harvested once over loopback HTTP by the baseline's
   `bench.harvest_world` (kept in the work directory and reused by later runs: same inputs).
3. Each side, in its own fresh CARREFOUR_DATA_DIR: `migrate`, `territories load`, the harvested
   sources and raw records copied in, `pipeline rerun --all`, every project's `updated_at` set to
   UPDATED_AT (the only generation time in the exports) and `index rebuild`, then every export:
   `carrefour export` in JSON Lines, CSV and GeoJSON, the search downloads (CSV, GeoJSON), the API
   list, the map data and the Observatoire CSVs, unfiltered and filtered (theme, région, both, text).
4. Files compared byte for byte, then again with the INTENDED changes undone (those the candidate has
   and the baseline predates): a summary table, the first differing line of each file that still
   differs, and the JSON summary in the work directory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

from tests.simulator import world_generate

ROOT = Path(__file__).resolve().parents[1]
PLATFORMS = "portraits,laureats,api,flux,opendata,reseau,ajax,wiki"
FAULTS = "api.ratelimit=0,reseau.crawl_delay=0"
OBSERVATOIRE = ("themes", "regions", "departements", "annees", "sources", "porteurs")
# Harvest bookkeeping that the pipeline does not read; its table moved between apps in issue #12.
SKIPPED_COLUMNS = {"last_run_id", "changed_run_id"}
# Every project written by a run gets that moment as updated_at, and searches without words list the
# newest first at one-second precision: the order of a download would follow where each run's second
# boundaries fell. Both sides get this one value instead, then their own index rebuild.
UPDATED_AT = "2026-01-01 00:00:00"


class Intended(NamedTuple):
    """A difference made on purpose by a commit: rewritten on one side (0 baseline, 1 candidate)."""

    commit: str
    what: str
    side: int
    pattern: re.Pattern[str]
    replacement: str


# Changes that landed between the issue #12 baseline and main on purpose, each undone before comparing
# when the baseline predates its commit and the candidate has it.
INTENDED = (
    Intended(
        "5f0d603",
        "non-http(s) publication URLs (the FFE file's file://) no longer published: JSON null",
        0,
        re.compile(r'"file:///[^"]*"'),
        "null",
    ),
    Intended("5f0d603", "same, CSV cells left empty", 0, re.compile(r'file:///[^\s,|"]*'), ""),
    Intended("e9adc87", "EPCI facet added to the API", 1, re.compile(r'"epci":\[[^\]]*\],'), ""),
)


class Side(NamedTuple):
    """One compared revision: its name, checkout, interpreter and commit."""

    name: str
    checkout: Path
    python: Path
    commit: str


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def baseline_prepare(rev: str, checkout: Path) -> Side:
    """The baseline worktree at rev with its virtual environment, created when missing."""
    commit = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    if not (checkout / ".git").exists():
        _git("worktree", "add", "--detach", str(checkout), commit)
    elif _git("rev-parse", "HEAD", cwd=checkout) != commit:
        sys.exit(f"{checkout} is not at {rev} ({commit[:10]}): choose another --baseline-dir")
    subprocess.run(
        ["make", "-s", ".venv/.runtime", "node_modules/.package-lock.json"], cwd=checkout, check=True
    )
    return Side("baseline", checkout, checkout / ".venv" / "bin" / "python", commit)


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ, CARREFOUR_DATA_DIR=str(data_dir), CARREFOUR_HARVEST_ALLOWED_HOSTS="127.0.0.1")
    # No rate limit on the many requests of one client; SQLite in the data directory on both sides.
    env.update(CARREFOUR_RATE_SEARCH="", CARREFOUR_RATE_API="")
    env.pop("DATABASE_URL", None)
    return env


def _run(side: Side, args: list[str], data_dir: Path) -> float:
    started = time.monotonic()
    subprocess.run([str(side.python), *args], cwd=side.checkout, env=_env(data_dir), check=True)
    return round(time.monotonic() - started, 1)


def world_harvested(side: Side, *, size: int, seed: int, work: Path) -> Path:
    """The world's harvested data directory, generated and harvested by `side` on first use."""
    world = work / f"world-{size}-s{seed}"
    if not (world / "manifest.json").exists():
        world_generate(world, projects=size, seed=seed, platforms=PLATFORMS.split(","))
    data = work / f"harvest-{size}-s{seed}"
    if not (data / "harvested-by").exists():
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir(parents=True)
        args = ["-m", "bench.harvest_world", "--world", str(world), "--faults", FAULTS]
        args += ["--extra-sources", "ffe-laureats", "--keep-data", str(data)]
        seconds = _run(side, [*args, "--out", str(data / "harvest.jsonl"), "--no-evaluate"], data)
        (data / "harvested-by").write_text(f"{side.name} {side.commit} in {seconds} s\n")
    return data


def records_copy(harvest: Path, data_dir: Path) -> int:
    """Copy the harvested sources and raw records into a migrated database; returns the record count."""
    db = sqlite3.connect(data_dir / "carrefour.sqlite3")
    db.execute("attach database ? as harvest", (str(harvest / "carrefour.sqlite3"),))
    for table in ("sources_source", "harvest_rawrecord"):
        ours = {row[1] for row in db.execute(f"pragma main.table_info({table})")}
        theirs = {row[1] for row in db.execute(f"pragma harvest.table_info({table})")}
        columns = ", ".join(sorted((ours & theirs) - SKIPPED_COLUMNS))
        db.execute(f"delete from main.{table}")
        db.execute(f"insert into main.{table} ({columns}) select {columns} from harvest.{table}")
    db.commit()
    count = int(db.execute("select count(*) from main.harvest_rawrecord").fetchone()[0])
    db.close()
    return count


def fetched_paths(theme: str, region: str, query: str) -> dict[str, str]:
    """File name → site or API path of every download compared, unfiltered and filtered."""
    filters = {
        "all": "",
        "theme": f"theme={theme}",
        "region": f"region={region}",
        "theme-region": f"theme={theme}&region={region}",
        "text": f"q={query}",
    }
    paths = {}
    for key, filter_query in filters.items():
        suffix = f"?{filter_query}" if filter_query else ""
        joiner = "&" if filter_query else "?"
        for fmt in ("csv", "geojson"):
            paths[f"search-{key}.{fmt}"] = f"/recherche/export.{fmt}{suffix}"
        paths[f"api-{key}.json"] = f"/api/v1/projects{suffix}{joiner}per_page=100"
        paths[f"map-{key}.json"] = f"/carte/donnees{suffix}"
    paths["api-theme-page2.json"] = f"/api/v1/projects?theme={theme}&per_page=100&page=2"
    for slug in OBSERVATOIRE:
        paths[f"observatoire-{slug}.csv"] = f"/observatoire/{slug}.csv"
        paths[f"observatoire-{slug}-theme.csv"] = f"/observatoire/{slug}.csv?theme={theme}"
    return paths


def filters_pick(export_jsonl: Path) -> tuple[str, str]:
    """The most frequent theme and région of an export: filters that select many projects."""
    themes: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    with export_jsonl.open(encoding="utf-8") as lines:
        for line in lines:
            project = json.loads(line)
            themes.update(project["themes"])
            regions.update([project["location"].get("region_code") or ""])
    del regions[""]
    return themes.most_common(1)[0][0], regions.most_common(1)[0][0]


def side_run(
    side: Side, harvest: Path, work: Path, filters: tuple[str, str] | None, query: str
) -> dict[str, Any]:
    """Pipeline and every export for one side; its timings, record count and filters."""
    data, out = work / f"{side.name}-data", work / f"{side.name}-exports"
    for directory in (data, out):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
    seconds = {"migrate": _run(side, ["-m", "carrefour.cli", "migrate", "--noinput", "-v", "0"], data)}
    seconds["territories"] = _run(side, ["-m", "carrefour.cli", "territories", "load"], data)
    records = records_copy(harvest, data)
    seconds["pipeline"] = _run(side, ["-m", "carrefour.cli", "pipeline", "rerun", "--all"], data)
    db = sqlite3.connect(data / "carrefour.sqlite3")
    with db:
        db.execute("update projects_project set updated_at = ?", (UPDATED_AT,))
    db.close()
    seconds["index"] = _run(side, ["-m", "carrefour.cli", "index", "rebuild"], data)
    seconds["export"] = 0.0
    for fmt in ("jsonl", "csv", "geojson"):
        export = ["-m", "carrefour.cli", "export", "--format", fmt, "--output", str(out / f"export.{fmt}")]
        seconds["export"] = round(seconds["export"] + _run(side, export, data), 1)
    theme, region = filters or filters_pick(out / "export.jsonl")
    specs = [f"{name}={path}" for name, path in fetched_paths(theme, region, query).items()]
    seconds["downloads"] = _run(side, [str(ROOT / "bench" / "export_fetch.py"), str(out), *specs], data)
    return {"records": records, "seconds": seconds, "filters": (theme, region)}


def files_compare(base: Path, cand: Path, intended: tuple[Intended, ...] = ()) -> list[dict[str, Any]]:
    """Per file: sizes, identical as is or after the intended changes, else its first differing line."""
    rows = []
    for name in sorted({p.name for p in base.iterdir()} | {p.name for p in cand.iterdir()}):
        paths = (base / name, cand / name)
        texts = [path.read_bytes().decode("utf-8", "replace") if path.exists() else "" for path in paths]
        row: dict[str, Any] = {
            "file": name,
            "bytes": [path.stat().st_size if path.exists() else None for path in paths],
            "identical": texts[0] == texts[1],
            "intended": {},
        }
        if not row["identical"]:
            for change in intended:
                texts[change.side], count = change.pattern.subn(change.replacement, texts[change.side])
                if count:
                    row["intended"][change.commit] = row["intended"].get(change.commit, 0) + count
            if texts[0] != texts[1]:
                row.update(_first_difference(*texts))
        rows.append(row)
    return rows


def _first_difference(left: str, right: str) -> dict[str, Any]:
    """Line number, line counts, differing line count and the two first differing excerpts."""
    a, b = left.splitlines(), right.splitlines()
    differing = sum(x != y for x, y in zip(a, b, strict=False)) + abs(len(a) - len(b))
    line = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    x, y = (a[line] if line < len(a) else ""), (b[line] if line < len(b) else "")
    column = next((i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), min(len(x), len(y)))
    start = max(column - 100, 0)
    return {
        "lines": [len(a), len(b)],
        "differing_lines": differing,
        "first": {
            "line": line + 1,
            "column": column + 1,
            "baseline": x[start : column + 200],
            "candidate": y[start : column + 200],
        },
    }


def summary_print(report: dict[str, Any]) -> None:
    """The report as Markdown: runs, then one row per file, then the first difference of each."""
    print(f"\nbaseline {report['baseline']} · candidate {report['candidate']} · {report['machine']}")
    for name in ("baseline", "candidate"):
        run = report["runs"][name]
        print(f"- {name}: {run['records']} raw records, seconds {run['seconds']}, filters {run['filters']}")
    rows = report["files"]
    print("\n| fichier | octets base | octets candidat | identique |\n|---|---|---|---|")
    for row in rows:
        verdict = "oui" if row["identical"] else "NON"
        if not row["identical"] and "first" not in row:
            verdict = "oui après " + ", ".join(f"{commit} ({n})" for commit, n in row["intended"].items())
        print(f"| {row['file']} | {row['bytes'][0]} | {row['bytes'][1]} | {verdict} |")
    same = sum(row["identical"] for row in rows)
    explained = sum(not row["identical"] and "first" not in row for row in rows)
    total = sum(row["bytes"][0] or 0 for row in rows)
    print(
        f"\n{len(rows)} files, {total:,} bytes on the baseline side: {same} identical, {explained} identical"
    )
    print(f"once the intended changes are undone, {len(rows) - same - explained} differing (shown below)")
    for change in report["intended"]:
        print(f"- intended: {change}")
    for row in rows:
        if "first" in row:
            first = row["first"]
            print(
                f"\n{row['file']}: lines {row['lines']}, {row['differing_lines']} differ; first at line "
                f"{first['line']} column {first['column']}\n  - {first['baseline']}\n  + {first['candidate']}"
            )


def intended_between(baseline: str, candidate: str) -> tuple[Intended, ...]:
    """The intended changes that the candidate has and the baseline has not."""

    def has(commit: str, rev: str) -> bool:
        check = ["git", "merge-base", "--is-ancestor", commit, rev]
        return subprocess.run(check, cwd=ROOT, check=False).returncode == 0

    return tuple(c for c in INTENDED if has(c.commit, candidate) and not has(c.commit, baseline))


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", required=True, help="revision to compare against (e.g. cf65aa9^)")
    parser.add_argument("--baseline-dir", type=Path, help="its worktree (default: ../wt-baseline-SHA)")
    parser.add_argument("--world-size", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=77)
    parser.add_argument("--query", default="jardin", help="text of the text-filtered downloads")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "compare")
    parser.add_argument("--compare-only", action="store_true", help="compare the last run's files again")
    args = parser.parse_args()
    commit = _git("rev-parse", "--verify", f"{args.baseline}^{{commit}}")
    baseline = baseline_prepare(args.baseline, args.baseline_dir or ROOT.parent / f"wt-baseline-{commit[:7]}")
    dirty = "+changes" if _git("status", "--porcelain", "--untracked-files=no") else ""
    candidate = Side("candidate", ROOT, Path(sys.executable), _git("rev-parse", "HEAD"))
    args.work.mkdir(parents=True, exist_ok=True)
    harvest = world_harvested(baseline, size=args.world_size, seed=args.seed, work=args.work)
    load = os.getloadavg()
    summary = args.work / "export-compare.json"
    if args.compare_only:
        runs = json.loads(summary.read_text())["runs"]
    else:
        runs = {"baseline": side_run(baseline, harvest, args.work, None, args.query)}
        runs["candidate"] = side_run(candidate, harvest, args.work, runs["baseline"]["filters"], args.query)
    intended = intended_between(commit, candidate.commit)
    files = files_compare(args.work / "baseline-exports", args.work / "candidate-exports", intended)
    cpu = f"{os.cpu_count()} CPU, Python {platform.python_version()}"
    report = {
        "baseline": f"{args.baseline} = {commit[:10]}",
        "candidate": candidate.commit[:10] + dirty,
        "machine": f"{cpu}, load {load[0]:.2f} before, {os.getloadavg()[0]:.2f} after",
        "harvest": (harvest / "harvested-by").read_text().strip(),
        "runs": runs,
        "intended": [f"{c.commit}: {c.what}" for c in intended],
        "files": files,
    }
    summary.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    summary_print(report)


if __name__ == "__main__":
    main()
