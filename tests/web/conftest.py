"""Fixtures: a private index directory and an indexed corpus."""

from tests.search.fixtures import corpus, index_dir

__all__ = ["corpus", "index_dir"]
