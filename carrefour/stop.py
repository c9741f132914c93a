"""Stop requests: SIGTERM or SIGINT ask a harvest, import or pipeline run to stop at its next batch."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

_STOP = threading.Event()
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def stop_requested() -> bool:
    """True once SIGTERM or SIGINT asked the current run to stop at its next batch boundary."""
    return _STOP.is_set()


def _stop_handler(signum: int, _frame: FrameType | None) -> None:
    """First signal: stop after the current batch. Second one: stop now (the open transaction rolls back)."""
    if _STOP.is_set():
        raise SystemExit(128 + signum)
    _STOP.set()


def _forked_child_signals() -> None:
    """In a forked worker (multiprocessing pool): SIGTERM kills again, Ctrl-C is the main process's."""
    # A worker keeping the stop handler could never be ended by Pool.terminate() (SIGTERM) while it
    # waits for a task in C code: the pipeline then hung in terminate() forever.
    if signal.getsignal(signal.SIGTERM) is _stop_handler:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)


os.register_at_fork(after_in_child=_forked_child_signals)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGINT (main thread only) become a stop request; cleared on exit."""
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        previous = {signum: signal.signal(signum, _stop_handler) for signum in STOP_SIGNALS}
    _STOP.clear()
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _STOP.clear()
