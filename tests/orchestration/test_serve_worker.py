"""`carrefour serve` (what `make run` starts): the site and the worker together, stopped together."""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.instance import Instance, instance_create
from tests.orchestration.test_worker import _enqueue, _results

WAIT = 120  # seconds before a process that never answers fails the test


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    """A migrated installation whose static files count as collected (a collectstatic takes minutes)."""
    with instance_create(tmp_path / "data") as created:
        static = tmp_path / "data" / "staticfiles"
        static.mkdir(exist_ok=True)
        (static / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
        yield created


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.3)


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/api/v1/projects")
        return connection.getresponse().status == 200
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def _serve(instance: Instance) -> tuple[subprocess.Popen[str], list[int]]:
    """`carrefour serve` once the site answers and a task enqueued meanwhile was run; its children."""
    port = _free_port()
    server = instance.start("serve", "--port", str(port))
    _until(lambda: _answers(port), "the site answers")
    _enqueue(instance, 'task_echo.enqueue("fait")')
    _until(lambda: _results(instance)[0][1] == "SUCCESSFUL", "the worker runs the task")
    children = _children(server.pid)
    assert len(children) == 2  # granian and the worker
    return server, children


def test_serve_runs_the_site_and_the_worker_and_sigterm_stops_both(instance: Instance) -> None:
    server, children = _serve(instance)
    server.send_signal(signal.SIGTERM)  # what systemd or `kill` sends; Ctrl-C sends SIGINT alike
    assert server.wait(timeout=WAIT) == 0
    assert not [pid for pid in children if _alive(pid)]
    assert not list((instance.data_dir / "workers").glob("*.lock"))  # the worker left cleanly


def test_a_killed_serve_takes_the_site_and_the_worker_with_it(instance: Instance) -> None:
    server, children = _serve(instance)
    server.kill()  # only the supervisor: the kernel tells its children
    server.wait()
    _until(lambda: not [pid for pid in children if _alive(pid)], "the children stop")
