"""Checks of the `lookups` block and of the `lookup` option that the definition schema cannot express."""

from __future__ import annotations

from typing import Any

# Pagination types a lookup cannot follow: a lookup is read by plain GET requests, never by a form.
LOOKUP_PAGING_REFUSED = ("next_form",)


def _lookups(definition: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(key path, block) of each lookup table of a definition."""
    lookups = definition.get("lookups")
    if not isinstance(lookups, dict):
        return []
    return [(f"lookups.{name}", spec) for name, spec in lookups.items() if isinstance(spec, dict)]


def lookup_paginations(definition: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(key path, block) of each lookup's pagination, checked like the listing's."""
    return [
        (f"{where}.pagination", spec["pagination"])
        for where, spec in _lookups(definition)
        if isinstance(spec.get("pagination"), dict)
    ]


def lookup_extractors(definition: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every extractor of the lookup tables (entries, key, value, next pages, total) with its key path."""
    found = []
    for where, spec in _lookups(definition):
        found += [(f"{where}.{key}", spec[key]) for key in ("entries", "key", "value") if key in spec]
    for where, pagination in lookup_paginations(definition):
        nexts = pagination.get("next") or []
        found += [(f"{where}.next", e) for e in (nexts if isinstance(nexts, list) else [nexts])]
        if "total" in pagination:
            found.append((f"{where}.total", pagination["total"]))
    return [(where, spec) for where, spec in found if isinstance(spec, dict)]


def lookup_problems(definition: dict[str, Any], extractors: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Options a lookup needs or cannot follow; each `lookup` option among extractors names a table."""
    problems = []
    for where, spec in _lookups(definition):
        if "key" in spec and "value" not in spec:
            problems.append(f"{where}.value: obligatoire avec key (le libellé de chaque entrée)")
        entries = spec.get("entries")
        # Only the path finds the entries: an option there (regex, multiple…) would be silently ignored.
        ignored = sorted(set(entries) - {"json"}) if isinstance(entries, dict) and "json" in entries else []
        if ignored:
            problems.append(
                f"{where}.entries: seul le chemin `json` est lu ici (retirez : {', '.join(ignored)})"
            )
    for where, pagination in lookup_paginations(definition):
        if pagination.get("type") in LOOKUP_PAGING_REFUSED:
            problems.append(
                f"{where}.type: {pagination['type']!r} ne s'emploie pas pour une table (lue sans "
                "formulaire) ; possibles : page_number, offset, link_header, next_link, json_next"
            )
        if "form" in pagination:
            problems.append(f"{where}.form: ne s'emploie pas pour une table (lue sans formulaire)")
    lookups = definition.get("lookups") or {}
    for path, spec in extractors:
        name = spec.get("lookup")
        if name is None:
            continue
        if not path.startswith(("fields.", "filters[")):
            problems.append(f"{path}.lookup: ne s'emploie que dans fields et filters")
        elif name not in lookups:
            declared = ", ".join(sorted(lookups)) or "aucune"
            problems.append(
                f"{path}.lookup: table de correspondance inconnue {name!r} "
                f"(déclarées dans lookups : {declared})"
            )
    return problems
