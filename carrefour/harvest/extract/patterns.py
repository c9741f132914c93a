"""Partners' regular expressions (`regex`, `replace`, `matches`, vocabulary `/…/` keys), bounded in time."""

from __future__ import annotations

from functools import cache

import regex

from carrefour.harvest.extract.document import ExtractionError

# One semantics for the `regex` extractor and the `matches` filter, documented in docs/sources.md:
# `.` crosses line breaks (multi-line HTML text), case counts unless `(?i)`. `replace` keeps the
# default flags (its patterns are line-level clean-ups).
PATTERN_FLAGS = regex.DOTALL

# A partner's pattern may backtrack catastrophically (`(a+)+$`) on a long page: past this many seconds
# on one value it gives up, and the record is rejected rather than the harvest stalled.
PATTERN_TIMEOUT_SECONDS = 1.0


class PatternTimeout(ExtractionError):
    """A regular expression that took too long on one value."""

    def __init__(self, pattern: str) -> None:
        shown = pattern if len(pattern) <= 60 else pattern[:59] + "…"
        limit = f"plus de {PATTERN_TIMEOUT_SECONDS:g} s sur une valeur"
        super().__init__(f"expression régulière trop lente ({limit}) : {shown!r}")


@cache
def pattern_compile(pattern: str, flags: int = PATTERN_FLAGS) -> regex.Pattern[str]:
    """A compiled partner pattern (compiled once per crawl process)."""
    return regex.compile(pattern, flags)


def pattern_search(pattern: str, text: str, flags: int = PATTERN_FLAGS) -> regex.Match[str] | None:
    """First match of a pattern anywhere in a text; PatternTimeout when it takes too long."""
    try:
        return pattern_compile(pattern, flags).search(text, timeout=PATTERN_TIMEOUT_SECONDS)
    except TimeoutError as exc:
        raise PatternTimeout(pattern) from exc


def pattern_sub(pattern: str, replacement: str, text: str) -> str:
    """Every match of a pattern replaced (`\\1` refers to a group); PatternTimeout when it takes too long."""
    try:
        return pattern_compile(pattern, 0).sub(replacement, text, timeout=PATTERN_TIMEOUT_SECONDS)
    except TimeoutError as exc:
        raise PatternTimeout(pattern) from exc
