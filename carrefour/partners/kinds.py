"""The form for the common kinds: plain fields <-> a definition (html, json_api, csv, geojson), as YAML."""

from __future__ import annotations

import re
from typing import Any

import yaml
from ruamel.yaml.error import YAMLError

from carrefour.partners.roundtrip import roundtrip_dump, roundtrip_parser
from carrefour.sources.models import Source
from carrefour.sources.rows import source_version_latest
from carrefour.sources.versions import DefinitionProblem

# Fields of a record the form offers, in the order shown.
FORM_FIELDS = (
    "title",
    "summary",
    "description",
    "themes",
    "publics",
    "organization",
    "website",
    "email",
    "address",
    "postal_code",
    "commune",
    "start_year",
    "latitude",
    "longitude",
)
# Fields holding several values (a list): extracted with `multiple`, split in a CSV cell.
MULTIPLE = {"themes", "publics"}
# Where a value comes from, by kind: a CSS selector, a JSON path, a column name.
ORIGIN = {"html": "css", "json_api": "json", "csv": "column", "geojson": "json"}
# Kinds whose records are found through a list (a CSV row or a GeoJSON feature is one by itself).
LISTED = ("html", "json_api")
# Encodings the form offers ("" : the response's own, UTF-8 by default).
ENCODINGS = [("", "Détecté (UTF-8 par défaut)"), ("utf-8", "UTF-8"), ("windows-1252", "Windows-1252")]
# Order of the keys in the YAML written: the order a definition is read in.
KEY_ORDER = (
    "slug",
    "name",
    "kind",
    "website",
    "licence",
    "attribution",
    "frequency",
    "platform",
    "base_url",
    "fictional",
    "enabled",
    "start_urls",
    "encoding",
    "politeness",
    "csv",
    "pagination",
    "list",
    "record_id",
    "incremental",
    "fields",
    "vocabularies",
    "notes",
)
# Keys the form shows; it keeps the others as they are (licence, frequency, vocabulary mapping…).
SHOWN = {
    "slug",
    "name",
    "kind",
    "website",
    "start_urls",
    "encoding",
    "csv",
    "pagination",
    "list",
    "record_id",
    "fields",
}
CARRIED = tuple(key for key in KEY_ORDER if key not in SHOWN)
# Path of a definition problem -> the form field it is shown beside.
PROBLEM_FIELDS = {
    "slug": "slug",
    "name": "name",
    "website": "website",
    "start_urls": "start_urls",
    "encoding": "encoding",
    "csv": "csv_delimiter",
    "list": "list_selector",
    "list.links": "list_selector",
    "list.records": "list_selector",
    "pagination": "next_selector",
    "record_id": "record_id",
}


def _origin(extractor: Any, kind: str) -> str:
    """The selector, path or column of a simple extractor ("" when there is none)."""
    return str(extractor.get(ORIGIN[kind], "")) if isinstance(extractor, dict) else ""


def form_initial(definition: dict[str, Any]) -> dict[str, Any] | None:
    """The form's values for a definition, or None when the form cannot say all of it."""
    kind = definition.get("kind")
    if kind not in ORIGIN or definition.get("encoding", "") not in dict(ENCODINGS):
        return None
    fields = definition.get("fields") or {}
    lists = definition.get("list") or {}
    pagination = definition.get("pagination") or {}
    record_id = definition.get("record_id") or {}
    split = next((str(e["split"]) for e in fields.values() if isinstance(e, dict) and "split" in e), "")
    initial = {
        "slug": definition.get("slug", ""),
        "name": definition.get("name", ""),
        "kind": kind,
        "website": definition.get("website", ""),
        "start_urls": "\n".join(str(url) for url in definition.get("start_urls") or []),
        "encoding": definition.get("encoding", ""),
        "csv_delimiter": (definition.get("csv") or {}).get("delimiter", ""),
        "csv_split": split,
        "list_selector": _origin(lists.get("links") or lists.get("records"), kind),
        "next_selector": _origin(pagination.get("next"), kind),
        "record_id": "" if record_id == {"url": "last_segment"} else _origin(record_id, kind),
        **{f"field_{name}": _origin(fields.get(name), kind) for name in FORM_FIELDS},
    }
    # What the form would write back must be the definition itself: else something would be lost.
    same = definition_build(initial, definition) == _without_empty_pagination(definition)
    return initial if same else None


def _without_empty_pagination(definition: dict[str, Any]) -> dict[str, Any]:
    """The definition without `pagination: {type: none}`, which is what no pagination means."""
    if definition.get("pagination") == {"type": "none"}:
        return {k: v for k, v in definition.items() if k != "pagination"}
    return definition


def _extractor(name: str, value: str, kind: str, split: str) -> dict[str, Any]:
    """The extractor of one field from its selector, path or column."""
    extractor: dict[str, Any] = {ORIGIN[kind]: value}
    if name in MULTIPLE:
        if kind == "csv" and split:
            extractor["split"] = split
        extractor["multiple"] = True
    elif name == "description" and kind == "html":
        extractor["join"] = "\n"  # one paragraph per element matched
    return extractor


def definition_build(values: dict[str, Any], previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """The definition said by the form's values, keeping what the form does not show from the previous one."""
    previous = previous or {}
    kind = values["kind"]
    origin = ORIGIN[kind]
    built: dict[str, Any] = {key: previous[key] for key in CARRIED if key in previous}
    built.update(slug=values["slug"], name=values["name"], kind=kind)
    if values.get("website"):
        built["website"] = values["website"]
    built["start_urls"] = [url.strip() for url in values["start_urls"].splitlines() if url.strip()]
    if values.get("encoding"):
        built["encoding"] = values["encoding"]
    if kind == "csv":
        options = {k: v for k, v in (previous.get("csv") or {}).items() if k != "delimiter"}
        if values.get("csv_delimiter"):
            options = {"delimiter": values["csv_delimiter"], **options}
        if options:
            built["csv"] = options
    elif values.get("next_selector"):
        # A GeoJSON layer served in pages (OGC API Features) links its next page as an API does.
        paging = "next_link" if kind == "html" else "json_next"
        built["pagination"] = {"type": paging, "next": {origin: values["next_selector"]}}
    if kind in LISTED:
        built["list"] = {("links" if kind == "html" else "records"): {origin: values["list_selector"]}}
    record_id = values.get("record_id")
    built["record_id"] = {origin: record_id} if record_id else {"url": "last_segment"}
    split = values.get("csv_split", "")
    built["fields"] = {
        name: _extractor(name, values[f"field_{name}"], kind, split)
        for name in FORM_FIELDS
        if values.get(f"field_{name}")
    }
    return {key: built[key] for key in KEY_ORDER if key in built}


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a value met twice twice: the editor refuses YAML anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        """Never an alias."""
        return True


def definition_yaml(definition: dict[str, Any]) -> str:
    """The definition as readable YAML (keys in order, accents as typed, no anchors)."""
    return yaml.dump(definition, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=110)


def _merged(node: Any, value: Any) -> Any:
    """The round-trip node changed into value: unchanged parts (and their comments) kept as they were."""
    if isinstance(node, dict) and isinstance(value, dict):
        for key in [key for key in node if key not in value]:
            del node[key]
        for key, item in value.items():
            node[key] = _merged(node[key], item) if key in node else item
        return node
    return node if node == value else value


def definition_form_text(source: Source | None, definition: dict[str, Any]) -> str:
    """The text the form saves: the source's newest text changed into the definition, comments kept."""
    latest = source_version_latest(source) if source is not None else None
    return definition_text_update(latest.text if latest else "", definition)


def definition_text_update(text: str, definition: dict[str, Any]) -> str:
    """The previous text changed into the definition, its comments, order and quoting kept (ruamel)."""
    parser = roundtrip_parser()  # as the mapping page rewrites `vocabularies`
    try:
        document = parser.load(text) if text.strip() else None
    except YAMLError:
        document = None
    if not isinstance(document, dict):
        return definition_yaml(definition)
    return roundtrip_dump(parser, _merged(document, definition))


def problems_by_field(problems: list[DefinitionProblem]) -> tuple[dict[str, list[str]], list[str]]:
    """Definition problems beside the form field they concern; the others for the whole form."""
    by_field: dict[str, list[str]] = {}
    others: list[str] = []
    for problem in problems:
        field = _problem_field(problem.path or "")
        if field:
            by_field.setdefault(field, []).append(problem.message)
        else:
            others.append(f"{problem.path} : {problem.message}" if problem.path else problem.message)
    return by_field, others


def _problem_field(path: str) -> str | None:
    """The form field of a problem's path (fields.title -> field_title, start_urls[0] -> start_urls)."""
    parts = re.split(r"[.\[]", path)
    if parts[0] == "fields" and len(parts) > 1 and parts[1] in FORM_FIELDS:
        return f"field_{parts[1]}"
    for length in (2, 1):
        if field := PROBLEM_FIELDS.get(".".join(parts[:length])):
            return field
    return None
