"""`carrefour worker` as a real process: failing tasks, killed workers, recovery of what they left."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

from tests.instance import Instance, kill_at
from tests.orchestration.helpers import tasks_enqueue, tasks_results
from tests.projects.conftest import corpus_project, corpus_write


def _started(process: subprocess.Popen[str], marker: str) -> None:
    """Read the process's output until a line contains marker."""
    assert process.stdout is not None
    for line in process.stdout:
        if marker in line:
            return
    raise AssertionError(f"the worker ended before {marker!r}")


def test_a_task_that_raises_is_marked_failed_with_its_error_and_the_worker_goes_on(
    instance: Instance,
) -> None:
    tasks_enqueue(instance, 'task_fail.enqueue("panne simulée")', 'task_echo.enqueue("suivante")')
    instance.run("worker", "--batch")
    assert tasks_results(instance) == [
        ["task_fail", "FAILED", None, ["ValueError: panne simulée"], 1],
        ["task_echo", "SUCCESSFUL", "suivante", [], 1],
    ]


def test_a_task_whose_worker_was_killed_is_run_again_by_the_next_worker(
    instance: Instance, tmp_path: Path
) -> None:
    tasks_enqueue(instance, f"task_block.enqueue({str(tmp_path / 'started')!r}, True)")
    worker = instance.start("worker")
    _started(worker, "blocking task started")
    # A live worker's task is left alone, whoever asks.
    assert "0 remise(s) en file, 0 marquée(s) échouée(s)" in instance.run("tasks", "recover").stdout
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    # What django-tasks-db alone leaves: the task "running" for ever, no worker will take it.
    assert tasks_results(instance) == [["task_block", "RUNNING", None, [], 1]]

    second = instance.run("worker", "--batch")
    assert "1 remise(s) en file, 0 marquée(s) échouée(s)" in second.stderr
    assert tasks_results(instance) == [["task_block", "SUCCESSFUL", "second run", [], 2]]


def test_a_task_that_killed_two_workers_is_failed_not_run_for_ever(
    instance: Instance, tmp_path: Path
) -> None:
    tasks_enqueue(instance, f"task_block.enqueue({str(tmp_path / 'started')!r}, False)")
    outputs = [kill_at(instance.start("worker"), "blocking task started", signal.SIGKILL) for _ in range(2)]
    assert "1 remise(s) en file" in outputs[1]
    assert "0 remise(s) en file, 1 marquée(s) échouée(s)" in instance.run("tasks", "recover").stdout
    [[name, status, _value, error, workers]] = tasks_results(instance)
    assert (name, status, workers) == ("task_block", "FAILED", 2)
    assert error == [
        "carrefour.orchestration.workers.WorkerDiedError: 2 workers sont morts pendant cette tâche"
    ]


_SEARCH = """
from carrefour.search.params import SearchParams
from carrefour.search.selectors import project_search
print(project_search(params=SearchParams(q="ressourcerie")).total)
"""


def test_projects_reindex_in_the_worker_brings_the_index_up_to_date(
    instance: Instance, tmp_path: Path
) -> None:
    corpus = corpus_write(tmp_path / "corpus.jsonl.gz", [json.dumps(corpus_project("1", "Garage solidaire"))])
    instance.run("import", str(corpus))
    # A change the index has not seen (what an accepted contribution writes), then its task.
    instance.run(
        "shell",
        "-c",
        "from carrefour.orchestration.tasks import projects_reindex\n"
        "from carrefour.projects.models import Project\n"
        "Project.objects.update(title='Ressourcerie du quartier')\n"
        "projects_reindex.enqueue(list(Project.objects.values_list('pk', flat=True)))",
    )
    assert instance.run("shell", "-c", _SEARCH).stdout.split()[-1] == "0"
    instance.run("worker", "--batch")
    assert instance.run("shell", "-c", _SEARCH).stdout.split()[-1] == "1"
    assert tasks_results(instance) == [["projects_reindex", "SUCCESSFUL", 1, [], 1]]
