"""A search run right after another process committed to the index sees that commit, cached or not."""

from __future__ import annotations

from typing import Any

import pytest
import tantivy
from django.test import Client
from django.utils import timezone

from carrefour.projects.models import Project
from carrefour.projects.selectors import project_publications
from carrefour.search.schema import analyzers_register, document_from_project
from carrefour.search.services import index_rebuild
from carrefour.search.storage import generation_current
from tests.search.factories import project_create

pytestmark = pytest.mark.django_db


def _commit_from_another_process(project: Project) -> None:
    """What `index_update` does in another process: its own Index object on the same files, a commit."""
    path = generation_current()
    assert path is not None
    index = tantivy.Index.open(str(path))
    analyzers_register(index)
    writer = index.writer(50_000_000, 1)
    writer.delete_documents_by_term("id", project.pk)
    writer.add_document(document_from_project(project, project_publications([project])[project.pk]))
    writer.commit()
    writer.wait_merging_threads()


@pytest.mark.parametrize("cache", [0, 256], ids=["no-cache", "response-cache"])
def test_a_change_indexed_by_another_process_is_found_by_the_next_search(cache: int, settings: Any) -> None:
    settings.SEARCH_CACHE_SIZE = cache
    project = project_create("Jardin des Lilas")
    project_create("Verger de la Plaine")
    index_rebuild()
    client = Client()
    assert client.get("/api/v1/projects?q=verger").json()["count"] == 1  # this process's reader is open
    Project.objects.filter(pk=project.pk).update(title="Verger des Lilas", updated_at=timezone.now())
    project.refresh_from_db()
    _commit_from_another_process(project)
    # Tantivy's watcher would reload this reader only at its next poll: the search must not wait for it.
    found = client.get("/api/v1/projects?q=verger").json()
    assert found["count"] == 2 and project.pk in {row["id"] for row in found["results"]}
