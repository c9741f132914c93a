"""Lookup tables (`lookups`): a record's codes or ids turned into labels read in another document."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from carrefour.harvest.extract import value_raw
from carrefour.harvest.extract.document import Document, ExtractionError
from carrefour.harvest.extract.jsonpath import json_path_find

# Unknown codes a crawl names per table (the run shows them among its errors); all are counted.
MISSING_SHOWN = 20


def lookup_code(value: Any) -> str:
    """A code as the tables compare it: text, trimmed; a whole float as an integer (3, "3" and 3.0 match)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def lookup_digest(entries: dict[str, str]) -> str:
    """sha256 of a table's canonical JSON: tells whether it changed since the cached copy."""
    canonical = json.dumps(entries, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _first(spec: dict[str, Any], node: Any, url: str) -> str:
    """First value an extractor finds in a JSON node, as text ("" when none)."""
    values = value_raw(spec, Document(url=url, data=node))
    return lookup_code(values[0]) if values else ""


def lookup_entries(spec: dict[str, Any], data: Any, url: str) -> tuple[dict[str, str], int]:
    """Code -> label pairs of one lookup document (one page of it) and the number of entries it held.

    With `key`, the entries are objects holding their code and label (WordPress terms); without it,
    each entry is an object {code: label} (a legend file), `value` reading a label held in an object.
    The count includes the entries dropped (no code or label) and repeated: pagination compares it
    with the page size. ExtractionError when the document is not a table.
    """
    entries = json_path_find(data, spec["entries"]["json"]) if "entries" in spec else [data]
    found: dict[str, str] = {}
    count = 0
    for entry in entries:
        if not isinstance(entry, dict):
            raise ExtractionError(f"entrée de table qui n'est pas un objet : {str(entry)[:80]!r}")
        if "key" in spec:
            pairs = [(_first(spec["key"], entry, url), _first(spec["value"], entry, url))]
        elif "value" in spec:
            pairs = [(lookup_code(code), _first(spec["value"], label, url)) for code, label in entry.items()]
        else:
            pairs = [
                (lookup_code(code), lookup_code(label))
                for code, label in entry.items()
                if isinstance(label, str | int | float)
            ]
        count += 1 if "key" in spec else len(entry)
        for code, label in pairs:
            if code and label:
                found.setdefault(code, label)
    return found, count


@dataclass
class LookupTables:
    """The tables of one crawl (code -> label by lookup name) and the codes they did not know."""

    tables: dict[str, dict[str, str]] = field(default_factory=dict)
    missing: dict[str, Counter[str]] = field(default_factory=dict)

    def translate(self, name: str, values: list[Any]) -> list[Any]:
        """Each value's label; a code missing from the table is kept as is (and counted)."""
        table = self.tables.get(name, {})
        out = []
        for value in values:
            code = lookup_code(value)
            label = table.get(code)
            if label is None:
                # Kept raw: it then shows among the source's unmapped terms instead of vanishing.
                self.missing.setdefault(name, Counter())[code] += 1
                out.append(value)
            else:
                out.append(label)
        return out
