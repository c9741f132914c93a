"""Index maintenance: full rebuild into a fresh generation, incremental update, staleness, check."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC

import tantivy
from django.db.models import Max, QuerySet

from carrefour.db.lookups import keys_in
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
        queryset = queryset.filter(keys_in("id", ids))
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
            newest = _newest_update(Project.objects.filter(keys_in("id", ids)))
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


@dataclass
class IndexDiff:
    """Published projects the index lacks or holds in an older version, and documents it should not hold."""

    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    repaired: bool = False

    def __bool__(self) -> bool:
        return bool(self.missing or self.stale or self.extra)

    def as_text(self) -> str:
        """French counts for commands."""
        return f"{len(self.missing)} manquants, {len(self.stale)} périmés, {len(self.extra)} en trop"


def _indexed_versions() -> list[tuple[object, object]]:
    """(project id, update time in seconds) of every document of the live index."""
    index = index_open()
    if index is None:
        return []  # none, or of an older schema: every published project is missing
    searcher = index.searcher()
    if not searcher.num_docs:
        return []
    # Fast fields only: no stored document is read, 100,000 documents cost a fraction of a second.
    hits = searcher.search(tantivy.Query.all_query(), limit=searcher.num_docs, count=False).hits
    addresses = [address for _score, address in hits]
    ids = searcher.fast_field_values("id", addresses)
    return list(zip(ids, searcher.fast_field_values("updated", addresses), strict=True))


def index_check(*, repair: bool = False) -> IndexDiff:
    """Compare the index with the published projects (id, update time); re-index the differences if asked."""
    published = Project.objects.filter(is_published=True).values_list("id", "updated_at")
    expected = {pk: int(updated.timestamp()) for pk, updated in published.iterator()}
    diff = IndexDiff()
    seen: set[int] = set()
    for pk, updated in _indexed_versions():
        if not isinstance(pk, int):
            continue
        if pk in seen or pk not in expected:
            diff.extra.append(pk)
        elif updated != expected[pk]:
            diff.stale.append(pk)
        seen.add(pk)
    diff.missing = sorted(set(expected) - seen)
    if repair and diff:
        index_update([*diff.missing, *diff.stale, *diff.extra])
        diff.repaired = True
        logger.warning("index repaired: %s", diff.as_text())
    return diff
