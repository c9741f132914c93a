"""Projects processed by the real pipeline, for the history pages."""

from __future__ import annotations

from tests.dedup.conftest import raw as raw
