"""Row filters of a definition (`filters`): records kept or skipped by a condition on an extracted value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carrefour.harvest.extract.document import Document
from carrefour.harvest.extract.patterns import PatternTimeout, pattern_search
from carrefour.harvest.extract.record import RecordBuilder
from carrefour.sources.definitions import FILTER_ACTIONS, FILTER_TESTS, SOURCE_KEYS


def _text(value: Any) -> str:
    """A value compared as text: trimmed and case folded (accents kept); a whole float as an integer."""
    if isinstance(value, float) and value.is_integer():
        # JSON writes 1 as 1.0 at will: `equals: 1` must match both.
        value = int(value)
    return str(value).strip().casefold()


@dataclass
class RowFilter:
    """One `filters` item: an action, an extractor, one test and the reason shown in the run summary."""

    action: str
    spec: dict[str, Any]
    test: str
    expected: Any
    reason: str

    def holds(self, values: list[Any]) -> bool:
        """Whether the test holds for the extracted values (one of them suffices)."""
        texts = [_text(v) for v in values if _text(v)]
        if self.test == "empty":
            return (not texts) == bool(self.expected)
        if self.test == "matches":
            return any(pattern_search(self.expected, str(v)) for v in values if _text(v))
        wanted = {_text(x) for x in (self.expected if self.test == "in" else [self.expected])}
        return any(text in wanted for text in texts)


def _default_reason(action: str, spec: dict[str, Any], test: str, expected: Any) -> str:
    """Reason of a filter without `reason`: what it tests, as written in the definition."""
    source = next((f"{k} {spec[k]}" for k in SOURCE_KEYS if k in spec), "")
    return f"{action} {source} {test} {expected!r}"


def filters_compile(definition: dict[str, Any]) -> list[RowFilter]:
    """The definition's filters, in order (the definition was validated: one action, one test each)."""
    compiled = []
    for item in definition.get("filters") or []:
        action = next(a for a in FILTER_ACTIONS if a in item)
        test = next(t for t in FILTER_TESTS if t in item)
        spec = {**item[action], "multiple": True}
        reason = item.get("reason") or _default_reason(action, item[action], test, item[test])
        compiled.append(RowFilter(action, spec, test, item[test], reason))
    return compiled


def filters_skip_reason(filters: list[RowFilter], builder: RecordBuilder, doc: Document) -> str | None:
    """Reason of the first filter skipping this document (its fields already extracted), else None.

    Raises PatternTimeout when a filter's pattern takes too long on this document.
    """
    for row_filter in filters:
        try:
            values = builder.value(row_filter.spec, doc)
        except PatternTimeout:
            # A too slow pattern decides nothing: the caller rejects the record with its reason.
            raise
        except ValueError:
            values = []
        if row_filter.holds(values) == (row_filter.action == "skip_if"):
            return row_filter.reason
    return None
