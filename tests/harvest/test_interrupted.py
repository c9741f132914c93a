"""Interrupted imports lose nothing: killed (SIGKILL) or stopped (SIGTERM) at any stage, then run again."""

from __future__ import annotations

import gzip
import itertools
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.harvest_world import sources_for_platforms
from tests.conftest import SKELETON_PLATFORMS
from tests.instance import ROOT, Instance, instance_create, kill_at
from tests.simulator import World

# Two pipeline batches (1,000 records each): a kill after the first one leaves the second undone.
PROJECTS = 1300


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first PROJECTS projects of the demo corpus (one publication each)."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl.gz"
    with gzip.open(ROOT / "demo" / "corpus.jsonl.gz", "rt", encoding="utf-8") as source:
        # The demo corpus merges some projects from several platforms: keep single-publication ones.
        single = (line for line in source if len(json.loads(line)["publications"]) == 1)
        lines = list(itertools.islice(single, PROJECTS))
    with gzip.open(path, "wt", encoding="utf-8") as target:
        target.writelines(lines)
    return path


@pytest.fixture(scope="module")
def clean(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Counts after one uninterrupted import: what every interrupted one must end up with."""
    with instance_create(tmp_path_factory.mktemp("clean")) as instance:
        instance.run("import", str(corpus))
        counts = instance.counts()
    assert counts["raw"] == counts["records"] == PROJECTS and counts["published"] == counts["documents"] > 0
    return counts


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    """A fresh, migrated installation."""
    with instance_create(tmp_path / "data") as created:
        yield created


def test_import_killed_while_storing_is_shown_interrupted_and_finished_by_the_next_import(
    instance: Instance, corpus: Path, clean: dict[str, Any]
) -> None:
    kill_at(instance.start("import", str(corpus)), "stockage : 500 fiches", signal.SIGKILL)
    status = instance.run("sources", "status").stdout
    assert "interrupted" in status and "running" not in status

    again = instance.run("import", str(corpus))
    assert "marquée(s) interrompue(s)" not in again.stderr  # status already settled it
    counts = instance.counts()
    assert (counts["published"], counts["documents"]) == (clean["published"], clean["documents"])
    assert counts["records"] == PROJECTS and "interrupted" in counts["runs"]


def test_import_killed_during_the_pipeline_is_finished_by_the_next_import(
    instance: Instance, corpus: Path, clean: dict[str, Any]
) -> None:
    kill_at(instance.start("import", str(corpus)), f"traitement : 1000/{PROJECTS}", signal.SIGKILL)
    assert instance.counts()["published"] == 0  # the pipeline's transaction was rolled back

    again = instance.run("import", str(corpus))
    assert f"{PROJECTS} inchangées" in again.stdout  # nothing new stored…
    assert f"Pipeline : {PROJECTS} fiches traitées" in again.stdout  # …but everything left is processed
    counts = instance.counts()
    assert (counts["published"], counts["documents"]) == (clean["published"], clean["documents"])
    assert counts["records"] == PROJECTS


def test_sigterm_during_the_pipeline_commits_what_is_done_and_says_how_to_resume(
    instance: Instance, corpus: Path, clean: dict[str, Any]
) -> None:
    process = instance.start("import", str(corpus))
    output = kill_at(process, f"traitement : 1000/{PROJECTS}", signal.SIGTERM)
    assert process.returncode == 1
    assert "interrompu (SIGTERM ou Ctrl-C)" in output and "carrefour pipeline resume" in output
    stopped = instance.counts()
    # The signal lands during the second (last) batch or before it: what was read is committed,
    # published and indexed, the rest is pending and said so.
    assert stopped["records"] + stopped["pending"] == PROJECTS
    assert 0 < stopped["published"] == stopped["documents"]
    if stopped["pending"]:
        assert f"interrompu, {stopped['pending']} fiches restent à traiter" in output

    resumed = instance.run("pipeline", "resume")
    assert f"Pipeline : {stopped['pending']} fiches traitées" in resumed.stdout
    counts = instance.counts()
    assert (counts["published"], counts["documents"]) == (clean["published"], clean["documents"])


def test_a_second_sigterm_stops_at_once_and_loses_nothing(instance: Instance, corpus: Path) -> None:
    process = instance.start("import", str(corpus))
    assert process.stdout is not None
    for line in process.stdout:
        if "traitement : 1000/" in line:
            process.send_signal(signal.SIGTERM)
            time.sleep(0.2)
            process.send_signal(signal.SIGTERM)
            break
    process.communicate()
    assert process.returncode == 128 + signal.SIGTERM
    stopped = instance.counts()
    assert stopped["records"] + stopped["pending"] == PROJECTS

    instance.run("pipeline", "resume")
    assert instance.counts()["pending"] == 0


@pytest.mark.simulator
def test_harvest_stopped_then_killed_is_shown_interrupted_and_the_next_harvest_publishes_everything(
    small_world: World, tmp_path: Path
) -> None:
    urls = tmp_path / "urls.json"
    urls.write_text(json.dumps(small_world.urls))
    harvest = ("harvest", *sources_for_platforms(SKELETON_PLATFORMS), "--simulator-urls", str(urls))
    loopback = {"CARREFOUR_HARVEST_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    with instance_create(tmp_path / "clean", **loopback) as reference:
        reference.run(*harvest)
        clean = reference.counts()

    with instance_create(tmp_path / "data", **loopback) as instance:
        process = instance.start(*harvest)
        output = kill_at(process, "crawl:", signal.SIGTERM)
        assert process.returncode == 1 and "interrompu (SIGTERM ou Ctrl-C)" in output
        assert "interrupted" in instance.run("sources", "status").stdout
        kill_at(instance.start(*harvest), "store:", signal.SIGKILL)

        instance.run(*harvest)
        counts = instance.counts()
    assert (counts["raw"], counts["published"], counts["documents"]) == (
        clean["raw"],
        clean["published"],
        clean["documents"],
    )
    assert "running" not in counts["runs"] and "interrupted" in counts["runs"]
