"""Index generations on disk: a `current` pointer file names the live one, switched atomically."""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import tantivy
from django.conf import settings

from carrefour.search.schema import SCHEMA_VERSION, analyzers_register

POINTER = "current"
META = "carrefour.json"
_cache: dict[str, tantivy.Index] = {}
_cache_lock = threading.Lock()
# Pointer file (path, inode, mtime) → its generation, checked complete and of this schema: a search then
# costs one stat instead of reading the pointer and the metadata again.
_verified: dict[tuple[str, int, int], Path] = {}
# Generation → its last commit (meta.json's mtime) as this process's reader last loaded it.
_reloaded: dict[str, int] = {}


def index_root() -> Path:
    """Directory holding the index generations."""
    root = Path(settings.INDEX_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return root


@contextmanager
def index_write_lock() -> Iterator[None]:
    """Serialize writers (rebuild, update) across processes."""
    with open(index_root() / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pointer_read() -> str:
    """Name of the live generation, "" when none."""
    try:
        return (index_root() / POINTER).read_text().strip()
    except FileNotFoundError:
        return ""


def generation_current() -> Path | None:
    """Directory of the live generation, or None when no index was built."""
    name = _pointer_read()
    while name:
        path = index_root() / name
        if (path / META).exists():
            return path
        # Switched (and the old generation removed) between the two reads: follow the pointer.
        again = _pointer_read()
        if again == name:
            return None
        name = again
    return None


def generation_create() -> Path:
    """A fresh, empty generation directory."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = index_root() / f"gen-{stamp}-{secrets.token_hex(4)}"
    path.mkdir()
    return path


def generation_publish(path: Path) -> None:
    """Point `current` at a generation (atomic rename), then delete the older ones."""
    root = index_root()
    tmp = root / f".{POINTER}.{secrets.token_hex(4)}"
    tmp.write_text(path.name)
    os.replace(tmp, root / POINTER)
    for old in root.glob("gen-*"):
        if old != path:
            # Readers holding the old files keep them open (POSIX) until they switch.
            shutil.rmtree(old, ignore_errors=True)


def meta_read(path: Path) -> dict[str, object]:
    """Build metadata of a generation."""
    return json.loads((path / META).read_text())


def _pointer_key() -> tuple[str, int, int] | None:
    """Identity of the pointer file as it is now (replaced, never rewritten in place); None if absent."""
    # Plain strings, no mkdir: this runs for every search.
    pointer = os.path.join(settings.INDEX_DIR, POINTER)
    try:
        stat = os.stat(pointer)
    except FileNotFoundError:
        return None
    return pointer, stat.st_ino, stat.st_mtime_ns


def index_version() -> tuple[str, int] | None:
    """Live generation and the time of its last commit: changes with every rebuild or update."""
    key = _pointer_key()
    path = _verified.get(key) if key else None
    path = path or generation_current()
    if path is None:
        return None
    try:
        return path.name, os.stat(os.path.join(path, "meta.json")).st_mtime_ns
    except FileNotFoundError:
        return None


def meta_write(path: Path, meta: dict[str, object]) -> None:
    """Write build metadata; its presence marks a generation as complete."""
    (path / META).write_text(json.dumps(meta))


def _index_load(path: Path) -> tantivy.Index:
    """Open a generation, cached per process, its reader at the last commit or later."""
    key = str(path)
    with _cache_lock:
        index = _cache.get(key)
        if index is None:
            index = tantivy.Index.open(key)
            analyzers_register(index)
            _cache.clear()  # older generations: let their deleted files be released
            _cache[key] = index
    _reader_catch_up(key, index)
    return index


def _reader_catch_up(key: str, index: tantivy.Index) -> None:
    """Reload the reader when another process committed since this one last loaded it.

    Tantivy's own reload follows a commit only after its file watcher's next poll (about half a
    second): a search run before that, once keyed by index_version() (which already names the new
    commit), kept the older result in the response cache for a minute. Stat after the caller's key.
    """
    try:
        committed = os.stat(os.path.join(key, "meta.json")).st_mtime_ns
    except FileNotFoundError:
        return  # removed by a rebuild: the caller reads the pointer again
    if _reloaded.get(key) != committed:
        index.reload()
        _reloaded.clear()  # one generation is live at a time
        _reloaded[key] = committed


def index_open(path: Path | None = None) -> tantivy.Index | None:
    """The tantivy Index of a generation (the live one by default); None when there is no index."""
    if path is not None:
        return _index_load(path)
    key = _pointer_key()
    known = _verified.get(key) if key else None
    if known is not None:
        return _index_load(known)
    for _attempt in range(5):
        current = generation_current()
        if current is None:
            return None
        try:
            if meta_read(current).get("schema") != SCHEMA_VERSION:
                return None  # built by an older version: unusable until `carrefour index rebuild`
            index = _index_load(current)
            if key:
                # Read after the stat: at worst an older pointer names the newer generation.
                _verified.clear()
                _verified[key] = current
            return index
        except (ValueError, OSError):
            continue  # removed by a concurrent rebuild after we read the pointer: read it again
    return None
