"""HTTP load generator for the benchmarks: keep-alive clients in a process of their own, CPU accounted.

The clients run in a separate (spawned) process so they neither share the benchmark's interpreter lock
nor hide their own CPU use: the report gives the clients' share of the machine and the server's CPU
per request (read from /proc for the server's process tree).
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99 in milliseconds."""
    if not samples:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0}
    ordered = sorted(samples)
    pick = lambda p: ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000  # noqa: E731
    return {"p50_ms": round(pick(0.50), 2), "p95_ms": round(pick(0.95), 2), "p99_ms": round(pick(0.99), 2)}


def _client_loop(
    port: int, urls: Sequence[str], stop: Event, samples: list[float], errors: list[str], offset: int
) -> None:
    """One keep-alive client walking through the URLs until told to stop."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    n = offset
    while not stop.is_set():
        url = urls[n % len(urls)]
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
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        samples.append(time.perf_counter() - start)


def _clients_process(
    port: int, urls: Sequence[str], clients: int, go: Event, stop: Event, out: Queue[Any]
) -> None:
    """Entry point of the load process: run the clients, send back samples, errors and own CPU time."""
    go.wait()
    before = os.times()
    samples: list[float] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=_client_loop, args=(port, urls, stop, samples, errors, n * 3))
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = os.times()
    out.put((samples, errors, after.user + after.system - before.user - before.system))


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children still running."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, IndexError, ValueError):
            continue
        pending.extend(int(child) for child in children)
    return total


def load(
    port: int,
    urls: Sequence[str],
    *,
    seconds: float,
    clients: int,
    server_pid: int | None = None,
    during: Callable[[], object] | None = None,
) -> dict[str, Any]:
    """Concurrent clients for `seconds` (or while `during()` runs): requests/s, latency, errors, CPU."""
    context = multiprocessing.get_context("spawn")
    go, stop, out = context.Event(), context.Event(), context.Queue()
    process = context.Process(target=_clients_process, args=(port, list(urls), clients, go, stop, out))
    process.start()
    time.sleep(1.0)  # the interpreter of the load process starting is not part of the measure
    server_before = _tree_cpu(server_pid) if server_pid else 0.0
    start = time.perf_counter()
    go.set()
    if during is not None:
        during()
    else:
        time.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - start
    server_cpu = _tree_cpu(server_pid) - server_before if server_pid else 0.0
    samples, errors, client_cpu = out.get()
    process.join()
    cores = os.cpu_count() or 1
    done = max(len(samples), 1)
    return {
        "requests": len(samples),
        "rps": round(len(samples) / elapsed, 1),
        "errors": len(errors),
        **percentiles(samples),
        "client_cpu_share": round(client_cpu / (elapsed * cores), 3),
        "server_cpu_ms_per_request": round(server_cpu * 1000 / done, 2) if server_pid else None,
        "loadavg_1min": round(os.getloadavg()[0], 2),
    }
