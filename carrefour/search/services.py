"""Index maintenance: full rebuild into a fresh generation, incremental update, staleness."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC

import tantivy
from django.db.models import Max, QuerySet

from carrefour.projects.models import Project
from carrefour.projects.selectors import project_publications
from carrefour.search.labels import labels_cache_clear
from carrefour.search.schema import SCHEMA_VERSION, analyzers_register, document_from_project, schema_build
from carrefour.search.storage import (
    generation_create,
    generation_current,
    generation_publish,
    index_open,
    index_write_lock,
    meta_read,
    meta_write,
)

logger = logging.getLogger(__name__)
BATCH = 1000
# One indexing thread with room for 100,000 projects writes one segment, which every query then visits
# once (searches 40 % faster than over four); the thread building documents in Python is the slower one.
WRITER_HEAP = 400_000_000


def _published_documents(ids: Iterable[int] | None = None) -> Iterable[list[tantivy.Document]]:
    """Index documents of the published projects in batches of BATCH, by id."""
    # Publications are read per batch (project_publications): a sources prefetch built one
    # queryset per project, which cost more than the documents themselves.
    queryset = Project.objects.filter(is_published=True).order_by("id")
    if ids is not None:
        queryset = queryset.filter(id__in=list(ids))
    last = 0
    while True:
        batch = list(queryset.filter(id__gt=last)[:BATCH])
        if not batch:
            return
        publications = project_publications(batch)
        yield [document_from_project(project, publications[project.pk]) for project in batch]
        last = batch[-1].pk


def _newest_update(queryset: QuerySet[Project]) -> str:
    """ISO timestamp (UTC) of the most recent update in a queryset, "" when empty."""
    newest = queryset.aggregate(newest=Max("updated_at"))["newest"]
    return newest.astimezone(UTC).isoformat() if newest else ""


def index_rebuild(progress: Callable[[int, int], None] | None = None) -> int:
    """Build the whole index into a fresh generation, switch to it atomically; number of documents."""
    with index_write_lock():
        newest = _newest_update(Project.objects.all())
        total = Project.objects.filter(is_published=True).count()
        path = generation_create()
        index = tantivy.Index(schema_build(), path=str(path))
        analyzers_register(index)
        writer = index.writer(WRITER_HEAP, 1)
        count = 0
        for documents in _published_documents():
            for document in documents:
                writer.add_document(document)
            count += len(documents)
            if progress:
                progress(count, total)
        writer.commit()
        writer.wait_merging_threads()
        meta_write(path, {"schema": SCHEMA_VERSION, "newest_update": newest, "documents": count})
        generation_publish(path)
    labels_cache_clear()
    logger.info("index rebuilt: %d documents", count)
    return count


def index_update(project_ids: Iterable[int]) -> None:
    """Re-index the given projects: upsert the published ones, delete the others."""
    ids = sorted(set(project_ids))
    if not ids:
        return
    if index_open() is None:
        # First harvest or import of a fresh install: there is nothing to update, build it all.
        index_rebuild()
        return
    with index_write_lock():
        index = index_open()
        assert index is not None  # generations are only ever replaced, never removed without a successor
        writer = index.writer(WRITER_HEAP // 4, 1)
        for project_id in ids:
            writer.delete_documents_by_term("id", project_id)
        for documents in _published_documents(ids):
            for document in documents:
                writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        path = generation_current()
        if path is not None:
            meta = meta_read(path)
            newest = _newest_update(Project.objects.filter(id__in=ids))
            meta["newest_update"] = max(str(meta.get("newest_update") or ""), newest)
            meta_write(path, meta)
    labels_cache_clear()


def index_is_stale() -> bool:
    """True when the index is missing, of another schema, or behind the projects table."""
    path = generation_current()
    index = index_open(path)
    if path is None or index is None:
        return True
    meta = meta_read(path)
    if meta.get("schema") != SCHEMA_VERSION:
        return True
    published = Project.objects.filter(is_published=True)
    if index.searcher().num_docs != published.count():
        return True
    return _newest_update(Project.objects.all()) > str(meta.get("newest_update") or "")
