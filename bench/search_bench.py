"""Search benchmark at 100,000 projects: index build, raw Tantivy floor, API latency, server throughput.

    python -m bench.search_bench [--projects 100000] [--world DIR] [--seconds 20] [--clients 8]

Builds a world with the partner-sites simulator, loads its truth straight into Projects (bench code,
bench/relevance/loader.py) in a throwaway SQLite database (or DATABASE_URL), then measures in one run:
index rebuild, raw Tantivy query time, the full API request in process (query + facets + JSON),
requests/s through gunicorn with concurrent clients, incremental update visibility, and searches
answered during a rebuild.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
# The realistic mix: single words, multi-word, typos, prefixes, facets only, territory only, combined.
MIX: list[dict[str, Any]] = [
    *({"q": w} for w in ["épicerie", "ressourcerie", "vélo", "jardin", "numérique", "insertion", "santé"]),
    *({"q": w} for w in ["jardin partagé", "épicerie solidaire quartier", "habitat inclusif", "tiers lieu"]),
    *({"q": w} for w in ["ressourcerei", "epicrie solidaire", "ludotèque", "covoiturrage"]),
    *({"q": w, "prefix": "1"} for w in ["épic", "jardin part", "ressour", "mobil"]),
    {"theme": "alimentation"},
    {"theme": ["emploi", "mobilite"], "region": "84"},
    {"public": "jeunes", "actor_type": "association"},
    {"status": "en-cours", "scale": "commune"},
    {"territory": "Lyon"},
    {"territory": "region:53"},
    {"territory": "13"},
    {"near": "Toulouse", "radius": "20"},
    {"q": "épicerie", "territory": "Rhône", "theme": "alimentation"},
    {"q": "emploi en Occitanie"},
    {},
]


def _percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99 in milliseconds."""
    ordered = sorted(samples)
    pick = lambda p: ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000  # noqa: E731
    return {"p50_ms": round(pick(0.50), 2), "p95_ms": round(pick(0.95), 2), "p99_ms": round(pick(0.99), 2)}


def _query_string(params: dict[str, Any]) -> str:
    """URL of a mix entry."""
    return "/api/v1/projects?" + urlencode(params, doseq=True)


def raw_tantivy(rounds: int) -> dict[str, float]:
    """The floor: only the Tantivy search (top 20 + count) of each mix entry's full query."""
    from carrefour.search import selectors
    from carrefour.search.storage import index_open

    index = index_open()
    assert index is not None
    searcher = index.searcher()
    captured: list[Any] = []
    original = selectors._hits

    def capture(searcher_: Any, index_: Any, plan: Any, *args: Any) -> Any:
        captured.append(plan.query())
        return original(searcher_, index_, plan, *args)

    selectors._hits = capture  # type: ignore[assignment]  # bench only: grab the query project_search builds
    try:
        for entry in MIX:
            from django.http import QueryDict

            from carrefour.search.params import search_params_parse

            params = search_params_parse(QueryDict(_query_string(entry).split("?", 1)[1]))
            selectors.project_search(**params.as_kwargs(), with_points=False, with_facets=False)
    finally:
        selectors._hits = original  # type: ignore[assignment]
    samples = []
    for _ in range(rounds):
        for query in captured:
            start = time.perf_counter()
            searcher.search(query, limit=20)
            samples.append(time.perf_counter() - start)
    return _percentiles(samples)


def api_in_process(rounds: int) -> dict[str, float]:
    """Full API request (parsing, query, all facets, territory, JSON) through Django, no network."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    for entry in MIX:  # warm caches (labels, gazetteer) as a running server has them
        assert client.get(_query_string(entry)).status_code == 200
    samples = []
    for _ in range(rounds):
        for entry in MIX:
            start = time.perf_counter()
            response = client.get(_query_string(entry))
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, response.content[:200]
    return _percentiles(samples)


def _client_loop(
    port: int, stop: threading.Event, samples: list[float], errors: list[str], offset: int
) -> None:
    """One keep-alive client walking through the mix until told to stop."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    n = offset
    while not stop.is_set():
        url = _query_string(MIX[n % len(MIX)])
        n += 1
        start = time.perf_counter()
        try:
            connection.request("GET", url)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{response.status} {url}")
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"{type(error).__name__} {url}")
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        samples.append(time.perf_counter() - start)


def load(port: int, seconds: float, clients: int, during: Any = None) -> dict[str, Any]:
    """Concurrent clients for `seconds` (or while `during()` runs): requests/s, latency, errors."""
    stop = threading.Event()
    samples: list[float] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=_client_loop, args=(port, stop, samples, errors, n * 3))
        for n in range(clients)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    if during is not None:
        during()
    else:
        time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return {
        "requests": len(samples),
        "rps": round(len(samples) / elapsed, 1),
        "errors": len(errors),
        **_percentiles(samples),
    }


def _get(port: int, url: str) -> dict[str, Any]:
    """One GET through the server, decoded."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", url)
    return json.loads(connection.getresponse().read())


def incremental(port: int) -> float:
    """Seconds from an index update of 100 changed projects until the server shows the change."""
    from django.utils import timezone

    from carrefour.projects.models import Project
    from carrefour.search.services import index_update

    ids = list(Project.objects.order_by("id").values_list("id", flat=True)[:100])
    Project.objects.filter(id__in=ids).update(title="Zorglubothèque bench", updated_at=timezone.now())
    start = time.perf_counter()
    index_update(ids)
    while _get(port, "/api/v1/projects?q=zorglubotheque&per_page=1")["count"] < len(ids):
        if time.perf_counter() - start > 60:
            return float("inf")
        time.sleep(0.05)
    return round(time.perf_counter() - start, 2)


def _progress(report: dict[str, Any]) -> None:
    """Figures so far, on stderr (a run takes minutes)."""
    print(json.dumps(report), file=sys.stderr, flush=True)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--world", type=Path, help="world directory to reuse (generated there if missing)")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="as `carrefour serve` runs it")
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--data-dir", type=Path, help="data directory to keep and reuse (loaded once)")
    args = parser.parse_args()
    tmp = str(args.data_dir or tempfile.mkdtemp(prefix="carrefour-search-bench-"))
    Path(tmp).mkdir(parents=True, exist_ok=True)
    os.environ["CARREFOUR_DATA_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from bench.relevance.loader import truth_load, world_generate
    from carrefour.projects.models import Project
    from carrefour.search.services import index_rebuild
    from carrefour.territories.loader import territories_load

    report: dict[str, Any] = {"projects": args.projects}
    world = args.world or Path(tmp) / "world"
    started = time.perf_counter()
    truth = world_generate(world, projects=args.projects, seed=args.seed)
    report["world_s"] = round(time.perf_counter() - started, 1)
    call_command("migrate", verbosity=0)
    territories_load(log=lambda _line: None)
    if not Project.objects.exists():
        started = time.perf_counter()
        report["loaded"] = len(truth_load(truth))
        report["load_s"] = round(time.perf_counter() - started, 1)
    _progress(report)
    started = time.perf_counter()
    report["indexed"] = index_rebuild()
    report["rebuild_s"] = round(time.perf_counter() - started, 1)
    _progress(report)
    report["raw_tantivy"] = raw_tantivy(args.rounds)
    report["api_in_process"] = api_in_process(args.rounds)
    _progress(report)
    env = dict(os.environ, CARREFOUR_DATA_DIR=tmp)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "carrefour.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                _get(args.port, "/api/v1/projects?per_page=1")
                break
            except OSError:
                time.sleep(0.2)
        load(args.port, 3, args.clients)  # warm-up: every worker opens the index and its caches
        report["server"] = load(args.port, args.seconds, args.clients)
        _progress(report)
        report["server_single_client"] = load(args.port, args.seconds / 2, 1)
        report["incremental_visible_s"] = incremental(args.port)
        report["during_rebuild"] = load(args.port, 0, args.clients, during=index_rebuild)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
