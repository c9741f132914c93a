"""The small open-data corpus of the pipeline tests: it fills every table the bulk writes serve."""

from tests.projects.conftest import corpus

__all__ = ["corpus"]
