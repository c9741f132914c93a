"""`carrefour serve` (what `make run` starts): the site and the worker together, stopped together."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from tests.instance import Instance
from tests.net import free_port
from tests.orchestration.helpers import WAIT, answers, tasks_enqueue, tasks_results, until


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def _serve(instance: Instance) -> tuple[subprocess.Popen[str], list[int]]:
    """`carrefour serve` once the site answers and a task enqueued meanwhile was run; its children."""
    port = free_port()
    server = instance.start("serve", "--port", str(port))
    until(lambda: answers(port), "the site answers")
    tasks_enqueue(instance, 'task_echo.enqueue("fait")')
    until(lambda: tasks_results(instance)[0][1] == "SUCCESSFUL", "the worker runs the task")
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
    until(lambda: not [pid for pid in children if _alive(pid)], "the children stop")
