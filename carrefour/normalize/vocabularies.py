"""Common vocabularies (schema/vocabularies.json) and the mapping of a source's own terms to them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import NamedTuple

import regex
from django.conf import settings

from carrefour.harvest.extract.patterns import PatternTimeout, pattern_compile, pattern_search
from carrefour.normalize.text import text_key
from carrefour.normalize.values import value_list

# Field of a record -> key of its vocabulary in vocabularies.json.
VOCABULARY_FIELDS = {
    "themes": "themes",
    "publics": "publics",
    "actor_type": "actor_types",
    "scale": "scales",
    "status": "statuses",
}
# Payload fields a vocabulary reads besides its own: sources often give a legal form instead of (or as
# well as) an actor type.
VOCABULARY_EXTRA_FIELDS = {"actor_type": ("legal_form",)}


def vocabulary_terms(payload: Mapping[str, object], name: str) -> list[str]:
    """The source terms of a raw payload that the vocabulary `name` maps."""
    values = value_list(payload.get(name))
    for extra in VOCABULARY_EXTRA_FIELDS.get(name, ()):
        values += value_list(payload.get(extra))
    return values


@cache
def vocabularies() -> dict[str, dict[str, str]]:
    """Code -> French label for each common vocabulary."""
    data = json.loads((settings.SCHEMA_DIR / "vocabularies.json").read_text(encoding="utf-8"))
    return {name: data[key] for name, key in VOCABULARY_FIELDS.items()}


def vocabulary_label(field_name: str, code: str) -> str:
    """French label of a code (the code itself when unknown)."""
    return vocabularies().get(field_name, {}).get(code, code)


@cache
def _common_keys(field_name: str) -> dict[str, str]:
    """Folded code and folded label -> code: values already in the common vocabulary are accepted as is."""
    keys: dict[str, str] = {}
    for code, label in vocabularies()[field_name].items():
        keys[text_key(code)] = code
        keys[text_key(label)] = code
    return keys


@dataclass(frozen=True)
class VocabularyMapping:
    """A source's mapping for one field: exact terms (folded) and regex rules, to one or more codes."""

    exact: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: tuple[tuple[str, tuple[str, ...]], ...] = ()


class VocabularyMatch(NamedTuple):
    """Source terms mapped to common codes: codes in first-seen order, terms left unmapped, and why."""

    codes: list[str]
    unmapped: list[str]
    problems: list[str]


# `/regex/` keys match the folded term whatever its case, like exact keys.
PATTERN_KEY_FLAGS = regex.IGNORECASE


def _codes(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)  # type: ignore[attr-defined]


def vocabulary_mapping_build(spec: Mapping[str, object] | None) -> VocabularyMapping:
    """Compile the `vocabularies.<field>` block of a source definition.

    Keys are source terms compared case- and accent-insensitively; a key written `/regex/` is a
    pattern rule matched against the folded term. Values are a code, a list of codes, or null
    (the term is known and deliberately ignored).
    """
    exact: dict[str, tuple[str, ...]] = {}
    patterns: list[tuple[str, tuple[str, ...]]] = []
    for term, target in (spec or {}).items():
        term = str(term)
        if len(term) > 2 and term.startswith("/") and term.endswith("/"):
            pattern_compile(term[1:-1], PATTERN_KEY_FLAGS)
            patterns.append((term[1:-1], _codes(target)))
        else:
            exact[text_key(term)] = _codes(target)
    return VocabularyMapping(exact=exact, patterns=tuple(patterns))


@lru_cache(maxsize=64)
def _mappings_cached(blob: str) -> dict[str, VocabularyMapping]:
    specs = json.loads(blob)
    return {name: vocabulary_mapping_build(specs.get(name)) for name in VOCABULARY_FIELDS}


# The last blocks seen, by identity: a pipeline pass hands the same definition for every record of a
# source, and serializing it for the content cache cost more than mapping the record. Definitions are
# loaded afresh for each pass and never changed in place.
_BY_OBJECT: dict[int, tuple[object, dict[str, VocabularyMapping]]] = {}


def vocabulary_mappings(specs: Mapping[str, object] | None) -> dict[str, VocabularyMapping]:
    """Compiled mappings of a definition's `vocabularies` block, one per field (built once per content)."""
    seen = _BY_OBJECT.get(id(specs))
    if seen is not None and seen[0] is specs:
        return seen[1]
    mappings = _mappings_cached(json.dumps(specs or {}, sort_keys=True, default=str))
    if len(_BY_OBJECT) >= 64:
        _BY_OBJECT.clear()
    _BY_OBJECT[id(specs)] = (specs, mappings)
    return mappings


def _pattern_target(key: str, mapping: VocabularyMapping) -> tuple[str, ...] | None:
    """Codes of the first `/regex/` key matching a folded term; PatternTimeout on a pathological one."""
    return next(
        (target for pattern, target in mapping.patterns if pattern_search(pattern, key, PATTERN_KEY_FLAGS)),
        None,
    )


def vocabulary_map(field_name: str, values: Iterable[str], mapping: VocabularyMapping) -> VocabularyMatch:
    """Map source terms to common codes; a `/regex/` key too slow on a term leaves it unmapped."""
    valid = vocabularies()[field_name]
    common = _common_keys(field_name)
    codes: list[str] = []
    unmapped: list[str] = []
    problems: list[str] = []
    for value in values:
        key = text_key(value)
        if not key:
            continue
        if key in mapping.exact:
            found: tuple[str, ...] | None = mapping.exact[key]
        elif key in common:
            found = (common[key],)
        else:
            try:
                found = _pattern_target(key, mapping)
            except PatternTimeout as exc:
                problems.append(f"vocabulaire {field_name}, terme {str(value).strip()[:60]!r} : {exc}")
                found = None
        if found is None:
            unmapped.append(str(value).strip())
            continue
        codes.extend(code for code in found if code in valid and code not in codes)
    return VocabularyMatch(codes, unmapped, problems)
