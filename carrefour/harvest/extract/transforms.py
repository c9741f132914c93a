"""Clean-up steps applied, in this order, to the values an extractor found."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from carrefour.harvest.extract.labels import markup_lines
from carrefour.harvest.extract.patterns import pattern_search, pattern_sub


def _texts(values: list[Any], func: Callable[[str], Any]) -> list[Any]:
    """Apply func to string values, keep the others, drop None/empty results."""
    out = []
    for value in values:
        result = func(value) if isinstance(value, str) else value
        if result is not None and result != "":
            out.append(result)
    return out


def _strip(spec: dict[str, Any], values: list[Any]) -> list[Any]:
    """Surrounding whitespace (incl. NBSP and zero-width spaces) removed, empty values dropped."""
    return _texts(values, lambda s: s.strip(" \t\r\n\xa0\u200b\ufeff"))


def _null_values(spec: dict[str, Any], values: list[Any]) -> list[Any]:
    """Values meaning "not provided" (e.g. `NR`) dropped."""
    nulls = {n.strip().casefold() for n in spec["null_values"]}
    return [v for v in values if not (isinstance(v, str) and v.strip().casefold() in nulls)]


def _html_text(spec: dict[str, Any], values: list[Any]) -> list[Any]:
    """HTML held as text (RSS descriptions, JSON fields) turned into plain text, one line per block."""
    return _strip(spec, _texts(values, lambda s: "\n".join(markup_lines(s))))


def _split(spec: dict[str, Any], values: list[Any]) -> list[Any]:
    """Multi-valued cells split on one or several separators."""
    separators = spec["split"] if isinstance(spec["split"], list) else [spec["split"]]
    pattern = re.compile("|".join(re.escape(s) for s in separators))
    return _strip(spec, [part for v in values for part in (pattern.split(v) if isinstance(v, str) else [v])])


def _regex(spec: dict[str, Any], values: list[Any]) -> list[Any]:
    """Keep the first group (or whole match) of the regex; values that do not match are dropped."""

    def keep(text: str) -> str | None:
        match = pattern_search(spec["regex"], text)
        if not match:
            return None
        return match.group(1) if match.re.groups else match.group(0)

    return _strip(spec, _texts([str(v) if isinstance(v, int | float) else v for v in values], keep))


def _replace(spec: dict[str, Any], values: list[Any]) -> list[Any]:
    """Regex substitutions [pattern, replacement], applied in order."""

    def sub(text: str) -> str:
        for pattern, replacement in spec["replace"]:
            text = pattern_sub(pattern, replacement, text)
        return text

    return _strip(spec, _texts(values, sub))


def _template(spec: dict[str, Any], values: list[Any]) -> list[Any]:
    """Values placed in a text: `/ajax/list?offset={value}` (e.g. to build the next page's URL)."""
    return [spec["template"].replace("{value}", str(v)) for v in values]


def _date_format(spec: dict[str, Any], values: list[Any]) -> list[Any]:
    """Dates in the source format (e.g. %d/%m/%Y) turned into ISO 8601; unparsable ones kept as is."""

    def iso(text: str) -> str:
        try:
            return datetime.strptime(text, spec["date_format"]).date().isoformat()
        except ValueError:
            return text

    return _texts(values, iso)


def _decimal_comma(spec: dict[str, Any], values: list[Any]) -> list[Any]:
    """Numbers written with a decimal comma (48,85341) turned into numbers; others kept as text."""

    def number(text: str) -> float | str:
        try:
            return float(text.replace("\xa0", "").replace(" ", "").replace(",", "."))
        except ValueError:
            return text

    return _texts(values, number)


@dataclass(frozen=True)
class Transform:
    """A documented clean-up option of extractors."""

    key: str
    apply: Callable[[dict[str, Any], list[Any]], list[Any]]


# Order matters: null markers are removed before splitting, regexes see single values, etc.
TRANSFORMS: list[Transform] = [
    Transform("null_values", _null_values),
    Transform("html_text", _html_text),
    Transform("split", _split),
    Transform("regex", _regex),
    Transform("replace", _replace),
    Transform("template", _template),
    Transform("date_format", _date_format),
    Transform("decimal_comma", _decimal_comma),
]

# Options read by record.py rather than by a transform step.
CARDINALITY_OPTIONS = ("multiple", "join", "default", "html", "absolute", "number_repeats")


def values_transform(spec: dict[str, Any], values: list[Any]) -> list[Any]:
    """Run every transform the extractor spec asks for."""
    # Objects and lists left by a JSON path are not field values (a payload holds scalars and lists).
    values = [v for v in values if not isinstance(v, dict | list)]
    values = _strip(spec, values) if not spec.get("html") else [v for v in values if v]
    for transform in TRANSFORMS:
        if transform.key in spec:
            values = transform.apply(spec, values)
    return values
