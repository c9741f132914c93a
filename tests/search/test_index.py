"""Index maintenance: atomic rebuild, incremental update, staleness, management command."""

from __future__ import annotations

import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from carrefour.projects.models import Project
from carrefour.search.params import search_params
from carrefour.search.selectors import project_search
from carrefour.search.services import index_is_stale, index_rebuild, index_update
from carrefour.search.storage import generation_current
from tests.search.factories import BASE_TIME, corpus_create, project_create


@pytest.mark.django_db
def test_missing_index_is_stale_and_search_explains(index_dir: Path) -> None:
    corpus_create()
    assert index_is_stale()
    results = project_search(params=search_params(q="épicerie"))
    assert results.total == 0 and "préparation" in results.message
    assert index_rebuild() == 4
    assert not index_is_stale()


@pytest.mark.django_db
def test_rebuild_switches_generation_and_removes_old(corpus: dict[str, Project], index_dir: Path) -> None:
    first = generation_current()
    index_rebuild()
    second = generation_current()
    assert first != second and second is not None
    assert [p.name for p in index_dir.glob("gen-*")] == [second.name]
    assert project_search().total == 4


@pytest.mark.django_db
def test_update_upserts_and_deletes(corpus: dict[str, Project]) -> None:
    epicerie = corpus["epicerie"]
    epicerie.title = "Marché paysan"
    epicerie.updated_at = BASE_TIME.replace(year=2026)
    epicerie.save()
    assert index_is_stale()
    new = project_create("Ressourcerie du coin", minutes=30)
    corpus["jardin"].is_published = False
    corpus["jardin"].save()
    index_update([epicerie.pk, new.pk, corpus["jardin"].pk])
    assert {h.project_id for h in project_search(params=search_params(q="marché")).hits} == {epicerie.pk}
    assert epicerie.pk not in {
        h.project_id for h in project_search(params=search_params(q="solidaire quartier")).hits
    }
    assert project_search(params=search_params(q="ressourcerie")).total == 1
    assert project_search(params=search_params(q="jardin")).total == 0
    assert not index_is_stale()


@pytest.mark.django_db(transaction=True)
def test_searching_while_rebuilding_always_answers(corpus: dict[str, Project]) -> None:
    for n in range(200):
        project_create(f"Épicerie numéro {n}", summary="circuit court " * 20, themes=["alimentation"])
    errors: list[BaseException] = []
    totals: list[int] = []
    done = threading.Event()

    def rebuild_loop() -> None:
        try:
            for _ in range(5):
                index_rebuild()
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            done.set()

    index_rebuild()
    worker = threading.Thread(target=rebuild_loop)
    worker.start()
    while not done.is_set():
        totals.append(project_search(params=search_params(q="épicerie"), with_points=False).total)
    worker.join()
    assert not errors
    assert len(totals) > 5
    assert set(totals) == {203}  # 202 titles + one summary


@pytest.mark.django_db
def test_command_rebuild_if_stale(index_dir: Path) -> None:
    corpus_create()
    out = StringIO()
    call_command("index", "rebuild", "--if-stale", stdout=out)
    assert "4 documents" in out.getvalue()
    out = StringIO()
    call_command("index", "rebuild", "--if-stale", stdout=out)
    assert "à jour" in out.getvalue()
