"""Harvest several sources at once: crawls run concurrently, storing stays in the calling thread."""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from carrefour.harvest.models import HarvestRun
from carrefour.harvest.services import (
    HarvestJob,
    ProgressCallback,
    harvest_crawl,
    harvest_prepare,
    harvest_store,
)
from carrefour.sources.models import Source
from carrefour.stop import stop_requested

logger = logging.getLogger(__name__)

DEFAULT_JOBS = 4


def harvest_run_many(
    targets: list[tuple[Source, str | None]],
    *,
    jobs: int = DEFAULT_JOBS,
    progress: ProgressCallback | None = None,
) -> list[HarvestRun]:
    """Harvest (source, base URL) pairs, up to `jobs` crawls at a time; runs returned in the given order.

    Each crawl is a child process, watched by a worker thread that only counts its events; every
    database access (opening the run, storing its records one source at a time) happens in this
    thread, so SQLite keeps a single writer and a test's transaction sees everything.
    """
    jobs = max(1, jobs)
    pending = deque(enumerate(targets))
    runs: dict[int, HarvestRun] = {}
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="crawl") as pool:
        flying: dict[Future[None], tuple[int, HarvestJob]] = {}
        while pending or flying:
            if stop_requested():
                pending.clear()  # sources not started yet: no run is opened for them
            while pending and len(flying) < jobs:
                index, (source, base_url) = pending.popleft()
                job = harvest_prepare(source, base_url=base_url)
                flying[pool.submit(harvest_crawl, job, progress)] = (index, job)
            done, _ = wait(flying, return_when=FIRST_COMPLETED)
            for future in done:
                index, job = flying.pop(future)
                error = future.exception()
                if error is not None:
                    # A crash of one crawl's watcher fails that source only.
                    logger.error("harvest %s: crawl crashed: %r", job.run.source.slug, error)
                    job.error = job.error or f"crawl crashed: {type(error).__name__}: {error}"
                runs[index] = harvest_store(job, progress)
    return [runs[index] for index in sorted(runs)]
