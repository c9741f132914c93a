"""The one place Tantivy panics are caught: logged with their trace, raised again as SearchFailed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)
UNAVAILABLE = "La recherche a rencontré une erreur : elle a été signalée à l'équipe, réessayez plus tard."


class SearchFailed(Exception):
    """The search engine failed on a query; callers answer in a degraded way."""


def _is_panic(error: BaseException) -> bool:
    """A Rust panic as pyo3 surfaces it (pyo3_runtime.PanicException, which has no importable module)."""
    kind = type(error)
    return kind.__name__ == "PanicException" and kind.__module__ == "pyo3_runtime"


@contextmanager
def engine_guard(what: str) -> Iterator[None]:
    """Run Tantivy calls (block or decorated function); a panic becomes a logged SearchFailed."""
    try:
        yield
    except BaseException as error:
        # A PanicException derives from BaseException: `except Exception` handlers, Django's included,
        # let it through to the server. Anything else (KeyboardInterrupt, SystemExit…) goes on unchanged.
        if not _is_panic(error):
            raise
        logger.error("search engine panic during %s: %s", what, error, exc_info=error)
        raise SearchFailed(what) from error
