"""What a killed run leaves is found again: pending records, the index checked, the run lock."""

from __future__ import annotations

import io
import multiprocessing
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carrefour.harvest.models import HarvestRun, RawRecord
from carrefour.orchestration.pipeline import raw_records_pending
from carrefour.orchestration.runs import run_guard
from carrefour.projects.models import Project, ProjectSource
from carrefour.search.params import SearchParams
from carrefour.search.selectors import project_search
from carrefour.search.storage import index_open, index_write_lock
from carrefour.sources.models import Source

pytestmark = pytest.mark.django_db


def _import(corpus: Path) -> str:
    out = io.StringIO()
    call_command("import", str(corpus), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_record_marked_gone_stays_pending_until_its_project_has_seen_it(corpus: Path) -> None:
    _import(corpus)
    assert raw_records_pending() == []
    raw = RawRecord.objects.get(source_record_id="2")
    # What a harvest that marked it gone stores before its pipeline runs (and is killed).
    RawRecord.objects.filter(pk=raw.pk).update(state=RawRecord.State.GONE)
    assert raw_records_pending() == [raw.pk]

    call_command("pipeline", "resume", stdout=io.StringIO(), stderr=io.StringIO())
    assert raw_records_pending() == []
    assert ProjectSource.objects.get(source_record_id="2").gone


def test_index_check_finds_missing_and_stale_documents_and_the_next_run_repairs_them(corpus: Path) -> None:
    _import(corpus)
    garage = Project.objects.get(title="Garage solidaire")
    panier = Project.objects.get(title="Épicerie solidaire Le Panier")
    # A run killed between its commit and its index update: one project changed, one never indexed.
    Project.objects.filter(pk=garage.pk).update(
        title="Garage solidaire et vélo", updated_at=F("updated_at") + timedelta(seconds=5)
    )
    with index_write_lock():
        index = index_open()
        assert index is not None
        writer = index.writer(50_000_000, 1)
        writer.delete_documents_by_term("id", panier.pk)
        writer.commit()
        writer.wait_merging_threads()
        index.reload()

    out = io.StringIO()
    with pytest.raises(CommandError, match=r"1 manquants, 1 périmés, 0 en trop"):
        call_command("index", "check", stdout=out)
    assert f"manquants : 1 (projets {panier.pk})" in out.getvalue()
    assert f"périmés : 1 (projets {garage.pk})" in out.getvalue()

    # Nothing to import, yet the pipeline run that follows puts the index right.
    assert "index réparé (1 manquants, 1 périmés, 0 en trop)" in _import(corpus)
    assert project_search(params=SearchParams(q="vélo garage")).total == 1
    out = io.StringIO()
    call_command("index", "check", stdout=out)
    assert "Index conforme à la base" in out.getvalue()


def test_index_check_repair_reindexes_and_exits_cleanly(corpus: Path) -> None:
    _import(corpus)
    panier = Project.objects.get(title="Épicerie solidaire Le Panier")
    Project.objects.filter(pk=panier.pk).update(is_published=False)
    out = io.StringIO()
    call_command("index", "check", "--repair", stdout=out)
    assert "Index réparé : 0 manquants, 0 périmés, 1 en trop ré-indexés." in out.getvalue()
    hits = project_search(params=SearchParams(q="épicerie panier")).hits
    assert panier.pk not in [hit.project_id for hit in hits]


def test_a_second_run_while_one_holds_the_lock_stops_with_a_clear_message(corpus: Path) -> None:
    with (
        run_guard(),
        pytest.raises(CommandError, match="une autre moisson, un import ou un traitement est en cours"),
    ):
        call_command("import", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    assert RawRecord.objects.count() == 0


def test_a_run_left_running_by_a_dead_process_shows_interrupted_in_status_and_admin(
    corpus: Path, admin_client: Client
) -> None:
    _import(corpus)
    source = Source.objects.get()
    # What a killed import leaves: its run still "running", nobody holding the lock.
    dead = HarvestRun.objects.create(source=source, started_at=timezone.now())
    out = io.StringIO()
    call_command("sources", "status", stdout=out)
    assert f"{source.slug:<24} interrupted" in out.getvalue()
    dead.refresh_from_db()
    assert dead.status == HarvestRun.Status.INTERRUPTED
    assert "reprises par l'exécution suivante" in dead.message
    page = admin_client.get(reverse("admin:harvest_harvestrun_changelist")).content.decode()
    assert "Interrompu" in page


def test_status_leaves_a_run_alone_while_its_process_holds_the_lock(corpus: Path) -> None:
    _import(corpus)
    with run_guard():
        live = HarvestRun.objects.create(source=Source.objects.get(), started_at=timezone.now())
        call_command("sources", "status", stdout=io.StringIO())
    live.refresh_from_db()
    assert live.status == HarvestRun.Status.RUNNING


def _dispositions(_task: int) -> tuple[bool, bool]:
    """In a pool worker: is SIGTERM at its default (kills even a worker stuck in C code), Ctrl-C ignored?"""
    term, interrupt = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    return term == signal.SIG_DFL, interrupt == signal.SIG_IGN


def test_worker_processes_forked_during_a_guarded_run_can_always_be_ended_by_sigterm() -> None:
    # A worker that inherited the stop handler, blocked on a lock in C code, never ran it: the chaos
    # benchmark's re-run hung in Pool.terminate() for 8 minutes.
    with run_guard(), multiprocessing.get_context("fork").Pool(2) as pool:
        assert pool.map(_dispositions, range(4)) == [(True, True)] * 4
