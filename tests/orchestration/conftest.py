"""Fixtures borrowed from the de-duplication tests: raw records the real pipeline clusters."""

from tests.dedup.conftest import raw

__all__ = ["raw"]
