"""Search benchmark at 100,000 projects: index build, raw Tantivy floor, API latency, server throughput.

    python -m bench.search_bench [--projects 100000] [--world DIR] [--data-dir DIR] [--seconds 20]
        [--clients 8] [--configs 2x4,2x1,3x1]

Builds a world with the partner-sites simulator, loads its truth straight into Projects (bench code,
bench/relevance/loader.py) in a throwaway SQLite database (or DATABASE_URL), then measures in one run:
index rebuild; two raw Tantivy floors (the top 20 + count alone, and all the Tantivy work a request
runs: that search plus its facet aggregations); the full API request in process (query + facets +
JSON) without and with the response cache; requests/s through gunicorn for each server configuration
(workers x threads; 1 thread = sync worker) with the response cache off, then with it on; incremental
update visibility; searches answered during a rebuild. The clients run in a process of their own
(bench/http_load.py) whose CPU share is reported with the server's CPU per request.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.http_load import load, percentiles

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


def _query_string(params: dict[str, Any]) -> str:
    """URL of a mix entry."""
    return "/api/v1/projects?" + urlencode(params, doseq=True)


def _captured_work() -> list[tuple[Any, list[tuple[Any, list[str]]]]]:
    """Per mix entry: the query of its page of hits and the facet aggregations it runs, as the API does."""
    from django.http import QueryDict

    from carrefour.search import facets, selectors
    from carrefour.search.params import search_params_parse

    work: list[tuple[Any, list[tuple[Any, list[str]]]]] = []
    hits_original, aggregate_original = selectors._hits, facets._aggregate

    def hits(searcher: Any, index: Any, plan: Any, *args: Any) -> Any:
        work.append((plan.query(), []))
        return hits_original(searcher, index, plan, *args)

    def aggregate(searcher: Any, query: Any, names: list[str]) -> Any:
        work[-1][1].append((query, names))
        return aggregate_original(searcher, query, names)

    # bench only: record the Tantivy calls project_search makes (second pass: caches warm as in a server)
    selectors._hits, facets._aggregate = hits, aggregate  # type: ignore[assignment]
    try:
        for _pass in range(2):
            work.clear()
            for entry in MIX:
                params = search_params_parse(QueryDict(_query_string(entry).split("?", 1)[1]))
                selectors.project_search(params=params, with_points=False, with_records=True)
    finally:
        selectors._hits, facets._aggregate = hits_original, aggregate_original  # type: ignore[assignment]
    return work


def raw_tantivy(rounds: int) -> dict[str, dict[str, float]]:
    """The floors, tantivy API only: top 20 + count alone, and with the facet aggregations run too."""
    from carrefour.search.facets import FACET_SIZE
    from carrefour.search.storage import index_open

    index = index_open()
    assert index is not None
    searcher = index.searcher()
    work = _captured_work()
    top, full = [], []
    for _ in range(rounds):
        for query, aggregations in work:
            start = time.perf_counter()
            searcher.search(query, limit=20)
            searched = time.perf_counter()
            for aggregation_query, names in aggregations:
                spec = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in names}
                searcher.aggregate(aggregation_query, spec)
            top.append(searched - start)
            full.append(time.perf_counter() - start)
    return {"top20_count": percentiles(top), "top20_count_facets": percentiles(full)}


def api_in_process(rounds: int, cache: bool) -> dict[str, float]:
    """Full API request (parsing, query, all facets, territory, JSON) through Django, no network."""
    from django.conf import settings
    from django.test import Client

    settings.SEARCH_CACHE_SIZE = 256 if cache else 0
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
    return {**percentiles(samples), "loadavg_1min": round(os.getloadavg()[0], 2)}


def _server_start(port: int, workers: int, threads: int, cache: bool) -> subprocess.Popen[bytes]:
    """gunicorn on the bench data, answering once it is up (1 thread: sync worker, as gunicorn picks)."""
    env = dict(os.environ, CARREFOUR_SEARCH_CACHE="256" if cache else "0")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "carrefour.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            _get(port, "/api/v1/projects?per_page=1")
            break
        except OSError:
            time.sleep(0.2)
    return server


def _server_stop(server: subprocess.Popen[bytes]) -> None:
    """Stop a gunicorn started by the bench."""
    server.terminate()
    server.wait(timeout=30)


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
    parser.add_argument(
        "--configs",
        default="2x1,2x4,3x1",
        help="gunicorn workers x threads to compare (the first also gets the other measures)",
    )
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--data-dir", type=Path, help="data directory to keep and reuse (loaded once)")
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="keep a built index: no rebuild, update or rebuild-load measure",
    )
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
    from carrefour.search.storage import index_open
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
    if not (args.reuse_index and index_open() is not None):
        started = time.perf_counter()
        report["indexed"] = index_rebuild()
        report["rebuild_s"] = round(time.perf_counter() - started, 1)
        _progress(report)
    report["raw_tantivy"] = raw_tantivy(args.rounds)
    report["api_in_process"] = api_in_process(args.rounds, cache=False)
    report["api_in_process_cached"] = api_in_process(args.rounds, cache=True)
    _progress(report)
    urls = [_query_string(entry) for entry in MIX]
    configs = [tuple(int(n) for n in config.split("x")) for config in args.configs.split(",")]
    report["server"] = []
    for (workers, threads), cache in [*((config, False) for config in configs), (configs[0], True)]:
        server = _server_start(args.port, workers, threads, cache)
        try:
            # Warm-up: every worker opens the index and fills its caches.
            load(args.port, urls, seconds=3, clients=args.clients)
            measured = load(
                args.port, urls, seconds=args.seconds, clients=args.clients, server_pid=server.pid
            )
            report["server"].append({"config": f"{workers}x{threads}", "cache": cache, **measured})
            _progress(report)
            if (workers, threads) != configs[0] or cache or "single_client" in report:
                continue
            report["single_client"] = load(
                args.port, urls, seconds=args.seconds / 2, clients=1, server_pid=server.pid
            )
            if not args.reuse_index:
                report["incremental_visible_s"] = incremental(args.port)
                report["during_rebuild"] = load(
                    args.port, urls, seconds=0, clients=args.clients, during=index_rebuild
                )
        finally:
            _server_stop(server)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
