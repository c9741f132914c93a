"""The server under abuse: API throughput, 32 exports at once, 50 clients that never finish their headers.

    python -m bench.serve_bench [--data-dir var/bench-demo] [--seconds 15] [--servers granian,gunicorn]
        [--gunicorn-src DIR] [--phases throughput,exports,hanging]

On the demo corpus (demo/corpus.jsonl.gz, imported with the whole-corpus dumps built when the data
directory holds no database yet), each server configuration is started in turn and measured in one run:
`granian` is what `carrefour serve` runs, `gunicorn` the set-up it replaced (2 workers x 4 threads,
gthread). The response cache is off. Three phases per server: API throughput with 8 keep-alive clients;
the API (4 clients) while 32 clients download exports (half the unfiltered GeoJSON, half filtered
searches; a client told 503 waits 1 s before asking again), with the peak RSS of each worker sampled;
the API (4 clients) while 50 connections hold unfinished headers. --gunicorn-src runs the gunicorn
configuration on another source tree, e.g. the code before a change (`git archive main | tar -x -C DIR`).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.http_load import load
from bench.search_bench import MIX, _query_string

ROOT = Path(__file__).resolve().parents[1]
CARREFOUR = Path(sys.executable).with_name("carrefour")
EXPORTS = [
    "/recherche/export.geojson",
    "/recherche/export.geojson?theme=alimentation",
    "/recherche/export.csv?q=solidaire",
    "/recherche/export.geojson?region=11",
    "/recherche/export.csv?theme=emploi",
]
GUNICORN = ["--workers", "2", "--threads", "4", "--log-level", "warning"]


def _prepare(env: dict[str, str]) -> None:
    """Database, territories, demo corpus, index, dumps and static files, when not there yet."""
    data = Path(env["CARREFOUR_DATA_DIR"])
    if (data / "carrefour.sqlite3").exists() or env.get("DATABASE_URL"):
        return
    for command in (
        ["migrate", "-v0"],
        ["territories", "load"],
        ["import", str(ROOT / "demo" / "corpus.jsonl.gz")],
        ["index", "rebuild", "--if-stale"],
        ["dumps", "build"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([CARREFOUR, *command], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _status(port: int, url: str, timeout: float = 60) -> int:
    """GET a URL, following one redirection (the prebuilt files), read the whole body; its status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", url)
        response = connection.getresponse()
        response.read()
        location = response.getheader("Location")
        if response.status in (301, 302) and location:
            connection.request("GET", location)
            response = connection.getresponse()
            response.read()
        return response.status
    finally:
        connection.close()


def _start(server: str, port: int, env: dict[str, str], gunicorn_src: Path) -> subprocess.Popen[bytes]:
    """A server configuration, answering once up."""
    if server == "granian":
        # The site alone, as production runs it (the worker is a service of its own there).
        argv, cwd = [str(CARREFOUR), "serve", "--port", str(port), "--no-worker"], ROOT
    else:
        # `python -m` puts the working directory first on the path: the carrefour package of that tree.
        argv = [sys.executable, "-m", "gunicorn", "carrefour.wsgi", "--bind", f"127.0.0.1:{port}", *GUNICORN]
        cwd = gunicorn_src
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, start_new_session=True)
    for _ in range(300):
        try:
            _status(port, "/api/v1/projects?per_page=1", timeout=5)
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{server} did not start")


def _workers(pid: int) -> list[int]:
    """Every process under the server's (granian and gunicorn fork their workers)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            children = [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:
            continue
        found.extend(children)
        pending.extend(children)
    return found


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class _RssPeak(threading.Thread):
    """Samples the RSS of every worker every 0.2 s; the peak per worker."""

    def __init__(self, server_pid: int) -> None:
        super().__init__(daemon=True)
        self.server_pid, self.peaks, self.stop = server_pid, Counter[int](), threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for pid in _workers(self.server_pid):
                try:
                    self.peaks[pid] = max(self.peaks[pid], int(_rss_mb(pid)))
                except OSError:
                    continue
            time.sleep(0.2)


def _exports_during(port: int, clients: int, seconds: float, statuses: Counter[str]) -> None:
    """`clients` downloaders for `seconds`; a 503 is followed by a pause of 1 s, as a retrying user."""
    stop = time.monotonic() + seconds

    def downloader(n: int) -> None:
        while time.monotonic() < stop:
            url = EXPORTS[n % len(EXPORTS)]
            try:
                status = _status(port, url)
            except OSError as error:
                statuses[type(error).__name__] += 1
                continue
            statuses[str(status)] += 1
            if status == 503:
                time.sleep(1)

    threads = [threading.Thread(target=downloader, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _hanging(port: int, count: int) -> list[socket.socket]:
    """Connections that send the start of a request and never the blank line ending its headers."""
    opened = []
    for _ in range(count):
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(b"GET /api/v1/projects HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        opened.append(client)
    return opened


def measure(
    server: str, env: dict[str, str], seconds: float, gunicorn_src: Path, phases: list[str]
) -> dict[str, Any]:
    """The chosen phases against one server configuration."""
    port = _free_port()
    process = _start(server, port, env, gunicorn_src)
    urls = [_query_string(entry) for entry in MIX]
    result: dict[str, Any] = {"server": server if server == "granian" else f"{server} ({gunicorn_src})"}
    try:
        result["worker_rss_idle_mb"] = sorted(int(_rss_mb(pid)) for pid in _workers(process.pid))
        if "throughput" in phases:
            result["api_8_clients"] = load(port, urls, seconds=seconds, clients=8, server_pid=process.pid)
        if "exports" in phases:
            statuses: Counter[str] = Counter()
            sampler = _RssPeak(process.pid)
            sampler.start()
            result["api_during_32_exports"] = load(
                port,
                urls,
                seconds=seconds,
                clients=4,
                server_pid=process.pid,
                during=lambda: _exports_during(port, 32, seconds, statuses),
            )
            sampler.stop.set()
            result["exports"] = dict(statuses)
            result["worker_rss_peak_mb"] = sorted(sampler.peaks.values())
        if "hanging" in phases:
            hanging = _hanging(port, 50)
            time.sleep(1)
            result["api_during_50_hanging"] = load(
                port, urls, seconds=seconds, clients=4, server_pid=process.pid
            )
            for client in hanging:
                client.close()
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
    return result


def main() -> None:
    """Measure each server configuration and print JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench-demo")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--servers", default="granian,gunicorn")
    parser.add_argument("--gunicorn-src", type=Path, default=ROOT, help="source tree of the gunicorn runs")
    parser.add_argument("--phases", default="throughput,exports,hanging")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CARREFOUR_DATA_DIR=str(args.data_dir.resolve()), CARREFOUR_SEARCH_CACHE="0")
    _prepare(env)
    print(json.dumps({"cores": os.cpu_count(), "loadavg_start": os.getloadavg()}), flush=True)
    for server in args.servers.split(","):
        result = measure(server, env, args.seconds, args.gunicorn_src.resolve(), args.phases.split(","))
        print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
