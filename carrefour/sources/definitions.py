"""Reading, validating and resolving the YAML source definitions (no Django needed here)."""

from __future__ import annotations

import copy
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import regex
import yaml
from cssselect import SelectorError
from jsonschema import Draft202012Validator
from lxml import etree
from parsel.csstranslator import HTMLTranslator

from carrefour.env import BASE_DIR
from carrefour.sources.jsonpath import JsonPathError, json_path_tokens
from carrefour.sources.lines import ROOT_PATH, definition_line, problem_split, problem_text, syntax_error_at
from carrefour.sources.lookup_checks import lookup_extractors, lookup_paginations, lookup_problems
from carrefour.sources.messages import schema_error_message
from carrefour.sources.presets import definition_preset_merged

SCHEMA_PATH = Path(__file__).with_name("definition.schema.json")

# Keys naming where an extractor takes its value; exactly one per extractor (the harvest registry
# must offer one extractor per key, which tests/sources checks).
SOURCE_KEYS = ("css", "xpath", "json", "jsonld", "microdata", "label", "column", "const", "url", "field")

# Extractor keys holding an expression whose syntax is checked when the definition is loaded.
SYNTAX_KEYS = {
    "css": "sélecteur CSS",
    "xpath": "XPath",
    "json": "chemin JSON",
    "jsonld": "chemin JSON",
    "microdata": "chemin JSON",
}

# Which extractor keys make sense for each kind of document.
KIND_KEYS = {
    "html": {"css", "xpath", "jsonld", "microdata", "label", "const", "url", "field"},
    "json_api": {"json", "const", "url", "field"},
    "csv": {"column", "const", "url", "field"},
    "geojson": {"json", "const", "url", "field"},
}

# Pagination options read only by `type: page_number`, by `type: offset`.
PAGE_NUMBER_KEYS = ("page_param", "first_page", "total_pages", "total_count", "page_size")
OFFSET_KEYS = ("offset_param", "page_size_param", "page_size", "total", "total_count")
PAGING_KEYS = {"page_number": PAGE_NUMBER_KEYS, "offset": OFFSET_KEYS}

# A `filters` item: one action naming the extractor, one test on its values.
FILTER_ACTIONS = ("skip_if", "keep_if")
FILTER_TESTS = ("equals", "in", "matches", "empty")

# YAML `vocabularies` block -> key of schema/vocabularies.json holding the allowed codes.
VOCABULARY_KEYS = {
    "themes": "themes",
    "publics": "publics",
    "actor_type": "actor_types",
    "scale": "scales",
    "status": "statuses",
}

FREQUENCY_HOURS = {"hourly": 1, "daily": 24, "weekly": 24 * 7, "monthly": 24 * 30}


class SourceDefinitionError(ValueError):
    """A definition file that cannot be used, with every problem found (file + key path)."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        super().__init__(
            f"{self.path}: définition de source invalide\n" + "\n".join(f"  - {p}" for p in problems)
        )


def shared_dir() -> Path:
    """Shared read-only material (real data files): env CARREFOUR_SHARED_DIR, default ../shared."""
    return Path(os.environ.get("CARREFOUR_SHARED_DIR") or BASE_DIR.parent / "shared")


@cache
def definition_schema() -> dict[str, Any]:
    """The JSON Schema every YAML source definition must satisfy."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def _key_path(parts: list[str | int] | Any) -> str:
    """Dotted path of a key in the definition (`fields.title.css`, `start_urls[0]`)."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or ROOT_PATH


def _extractors(definition: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every extractor block of a definition with its key path."""
    found: list[tuple[str, dict[str, Any]]] = []
    for key in ("record_id", "record_url"):
        if isinstance(definition.get(key), dict):
            found.append((key, definition[key]))
    for name, spec in (definition.get("fields") or {}).items():
        if isinstance(spec, dict):
            found.append((f"fields.{name}", spec))
    for block in ("list", "pagination"):
        for name, spec in (definition.get(block) or {}).items():
            if name == "form":
                continue  # pagination.form names a form, it extracts nothing (checked in _check_forms)
            if isinstance(spec, dict):
                found.append((f"{block}.{name}", spec))
            elif isinstance(spec, list):
                found += [(f"{block}.{name}[{i}]", s) for i, s in enumerate(spec) if isinstance(s, dict)]
    for i, item in enumerate(definition.get("filters") or []):
        for action in FILTER_ACTIONS:
            if isinstance(item, dict) and isinstance(item.get(action), dict):
                found.append((f"filters[{i}].{action}", item[action]))
    return found


def _syntax_check(language: str, expression: str) -> None:
    """Compile a CSS selector, an XPath expression or a JSON path; raises on syntax errors."""
    if language == "sélecteur CSS":
        HTMLTranslator().css_to_xpath(expression)
    elif language == "XPath":
        etree.XPath(expression)
    else:
        for alternative in expression.split(" | "):
            json_path_tokens(alternative)


def _check_selectors(where: str, spec: dict[str, Any]) -> list[str]:
    """Syntax errors of an extractor's selectors and paths (else they would only show up mid-crawl)."""
    checks = [(language, key, spec.get(key)) for key, language in SYNTAX_KEYS.items()]
    within = spec.get("within")
    if isinstance(within, str):
        checks.append(("XPath" if within.startswith(("/", "(", ".")) else "sélecteur CSS", "within", within))
    problems = []
    for language, key, expression in checks:
        if not isinstance(expression, str):
            continue
        try:
            _syntax_check(language, expression)
        except (SelectorError, etree.XPathSyntaxError, JsonPathError) as exc:
            problems.append(f"{where}.{key}: {language} invalide {expression!r} : {exc}")
    return problems


def _check_extractors(definition: dict[str, Any]) -> list[str]:
    """Problems the schema cannot express: one value source per extractor, valid selectors and regexes."""
    problems = []
    allowed = KIND_KEYS.get(definition.get("kind", ""), set(SOURCE_KEYS))
    for where, spec in _extractors(definition):
        keys = [k for k in SOURCE_KEYS if k in spec]
        if len(keys) != 1:
            problems.append(
                f"{where}: une et une seule de ces clés est attendue : {', '.join(SOURCE_KEYS)} "
                f"(trouvé : {', '.join(keys) or 'aucune'})"
            )
        elif keys[0] not in allowed:
            problems.append(
                f"{where}: `{keys[0]}` ne s'emploie pas avec kind {definition.get('kind')!r} "
                f"(possibles : {', '.join(k for k in SOURCE_KEYS if k in allowed)})"
            )
        problems += _check_selectors(where, spec) + _check_patterns(where, spec)
    for where, spec in lookup_extractors(definition):
        # A lookup table is a JSON document, whatever the kind of the source's pages.
        if [k for k in SOURCE_KEYS if k in spec] != ["json"]:
            problems.append(
                f"{where}: un chemin `json` est attendu (une table de correspondance est du JSON)"
            )
        problems += _check_selectors(where, spec) + _check_patterns(where, spec)
    return problems


def _check_patterns(where: str, spec: dict[str, Any]) -> list[str]:
    """Regular expressions of an extractor (`regex`, `replace`) that do not compile."""
    patterns = [spec["regex"]] if "regex" in spec else []
    patterns += [pair[0] for pair in spec.get("replace", [])]
    problems = []
    for pattern in patterns:
        try:
            regex.compile(pattern)
        except regex.error as exc:
            problems.append(f"{where}: expression régulière invalide {pattern!r} : {exc}")
    return problems


def _check_filters(definition: dict[str, Any]) -> list[str]:
    """Each filter has one action and one test; a `matches` pattern compiles."""
    problems = []
    for i, item in enumerate(definition.get("filters") or []):
        if not isinstance(item, dict):
            continue
        for names, what in (
            (FILTER_ACTIONS, "une et une seule action"),
            (FILTER_TESTS, "un et un seul test"),
        ):
            found = [name for name in names if name in item]
            if len(found) != 1:
                problems.append(
                    f"filters[{i}]: {what} parmi {', '.join(names)} (trouvé : {', '.join(found) or 'rien'})"
                )
        if isinstance(item.get("matches"), str):
            try:
                regex.compile(item["matches"])
            except regex.error as exc:
                problems.append(
                    f"filters[{i}].matches: expression régulière invalide {item['matches']!r} : {exc}"
                )
    return problems


def _check_forms(definition: dict[str, Any]) -> list[str]:
    """Search forms: HTML pages only, `pagination.form` exactly with `next_form`, valid form selectors."""
    problems = []
    pagination = definition.get("pagination") or {}
    next_form = pagination.get("type") == "next_form"
    if next_form and "form" not in pagination:
        problems.append("pagination.form: obligatoire quand pagination.type vaut 'next_form'")
    if "form" in pagination and not next_form:
        problems.append("pagination.form: ne s'emploie qu'avec pagination.type 'next_form'")
    for where, spec in (("form", definition.get("form")), ("pagination.form", pagination.get("form"))):
        if not isinstance(spec, dict):
            continue
        if definition.get("kind") != "html":
            problems.append(f"{where}: ne s'emploie qu'avec kind html (un formulaire est dans une page HTML)")
        problems += _check_selectors(where, {"css": spec.get("css")})
    return problems


def _check_pagination(where: str, pagination: dict[str, Any]) -> list[str]:
    """Options of a pagination block (the listing's or a lookup's) that its type needs or ignores."""
    problems = []
    kind_of_paging = pagination.get("type")
    if kind_of_paging in {"next_link", "json_next"} and "next" not in pagination:
        problems.append(f"{where}.next: obligatoire quand {where}.type vaut {kind_of_paging!r}")
    if kind_of_paging in {"link_header", "page_number", "offset"} and "next" in pagination:
        problems.append(f"{where}.next: inutile avec {where}.type {kind_of_paging!r} : retirez-le")
    for key in dict.fromkeys(PAGE_NUMBER_KEYS + OFFSET_KEYS):
        types = [name for name, keys in PAGING_KEYS.items() if key in keys]
        if key in pagination and kind_of_paging not in types:
            problems.append(
                f"{where}.{key}: ne s'emploie qu'avec {where}.type {' ou '.join(map(repr, types))}"
            )
    if kind_of_paging == "offset" and "page_size" not in pagination:
        problems.append(f"{where}.page_size: obligatoire avec {where}.type 'offset' (pas du décalage)")
    if "total_count" in pagination and "page_size" not in pagination:
        problems.append(f"{where}.page_size: obligatoire avec {where}.total_count (pages = total / taille)")
    return problems


def _check_structure(definition: dict[str, Any]) -> list[str]:
    """Kind-specific requirements (list block, pagination selector)."""
    problems = []
    kind = definition.get("kind")
    lst = definition.get("list") or {}
    if kind in {"html", "json_api"} and not lst:
        problems.append(
            "list: obligatoire pour kind html ou json_api (`links` vers les pages des fiches et/ou `records`)"
        )
    if kind in {"csv", "geojson"} and lst:
        problems.append(
            f"list: inutile pour kind {kind} (chaque ligne ou objet est une fiche) : retirez ce bloc"
        )
    problems += _check_pagination("pagination", definition.get("pagination") or {})
    for where, pagination in lookup_paginations(definition):
        problems += _check_pagination(where, pagination)
    if ("link" in lst or "version" in lst) and "entries" not in lst:
        problems.append("list.entries: obligatoire avec list.link ou list.version (ils lisent chaque entrée)")
    if "entries" in lst and "link" not in lst:
        problems.append("list.link: obligatoire avec list.entries (le lien vers la fiche de chaque entrée)")
    return problems


@cache
def _common_codes(vocabularies_path: str) -> dict[str, set[str]]:
    """Allowed common codes per vocabulary, read from schema/vocabularies.json."""
    data = json.loads(Path(vocabularies_path).read_text(encoding="utf-8"))
    return {key: set(data[key]) for key in VOCABULARY_KEYS.values()}


def _check_vocabularies(definition: dict[str, Any], vocabularies_path: Path | None) -> list[str]:
    """Every mapped value must be a code of the common vocabularies."""
    if vocabularies_path is None or not vocabularies_path.exists():
        return []
    codes = _common_codes(str(vocabularies_path))
    problems = []
    for block, mapping in (definition.get("vocabularies") or {}).items():
        allowed = codes[VOCABULARY_KEYS[block]]
        for term, value in (mapping or {}).items():
            if len(term) > 2 and term.startswith("/") and term.endswith("/"):
                # A `/regex/` key that does not compile would stop the normalization of every record.
                problems += _check_patterns(f"vocabularies.{block}.{term!r}", {"regex": term[1:-1]})
            values = value if isinstance(value, list) else [value] if value is not None else []
            for code in values:
                if code not in allowed:
                    problems.append(
                        f"vocabularies.{block}.{term!r}: code inconnu {code!r} "
                        f"(codes possibles : {', '.join(sorted(allowed))})"
                    )
    return problems


def definition_check(definition: Any, *, vocabularies_path: Path | None = None) -> list[str]:
    """Every problem of a parsed definition, as `key.path: message` strings (empty = valid)."""
    if not isinstance(definition, dict):
        return [f"{ROOT_PATH}: un bloc de clés (clé: valeur) est attendu"]
    validator = Draft202012Validator(definition_schema())
    problems = [
        f"{_key_path(list(error.absolute_path))}: {schema_error_message(error)}"
        for error in sorted(validator.iter_errors(definition), key=lambda e: list(map(str, e.absolute_path)))
    ]
    problems += _check_extractors(definition)
    problems += _check_structure(definition)
    problems += _check_forms(definition)
    problems += _check_filters(definition)
    problems += lookup_problems(definition, _extractors(definition))
    problems += _check_vocabularies(definition, vocabularies_path)
    return problems


def definition_checked(raw: Any, *, vocabularies_path: Path | None = None) -> tuple[Any, list[str]]:
    """The definition as harvested (its `preset` merged under it) and every problem of it."""
    definition, problems = definition_preset_merged(raw)
    # An unknown preset alone: the keys it should have given would only add noise.
    return definition, problems or definition_check(definition, vocabularies_path=vocabularies_path)


def _at_lines(text: str, problems: list[str]) -> list[str]:
    """`key.path: message` problems as `ligne N (key.path) : message`, in the order of their lines."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    located = []
    for problem in problems:
        path, message = problem_split(problem)
        located.append((definition_line(root, path, message) or 0, path, message))
    return [problem_text(*problem) for problem in sorted(located, key=lambda problem: problem[0])]


def definition_read(path: Path, *, vocabularies_path: Path | None = None) -> dict[str, Any]:
    """Parse and validate one YAML definition file; raise SourceDefinitionError on any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceDefinitionError(path, [f"fichier illisible : {exc}"]) from exc
    try:
        definition = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line, message = syntax_error_at(exc)
        raise SourceDefinitionError(path, [problem_text(line, "", message)]) from exc
    definition, problems = definition_checked(definition, vocabularies_path=vocabularies_path)
    if not problems and definition["slug"] != path.stem:
        problems = [f"slug: {definition['slug']!r} doit être le nom du fichier {path.stem!r}"]
    if problems:
        raise SourceDefinitionError(path, _at_lines(text, problems))
    return dict(definition)


def definition_frequency_hours(definition: dict[str, Any]) -> int:
    """Harvest frequency in hours (default weekly)."""
    frequency = definition.get("frequency", "weekly")
    return frequency if isinstance(frequency, int) else FREQUENCY_HOURS[frequency]


def _resolve_url(url: str, base_url: str, base_dir: Path) -> str:
    """Fill placeholders; a plain path (no scheme) is a local file relative to the shared directory."""
    url = url.replace("{base_url}", base_url.rstrip("/")).replace("{shared_dir}", str(base_dir))
    if "://" in url:
        return url
    path = Path(url)
    return (path if path.is_absolute() else base_dir / path).resolve().as_uri()


def definition_lookups_used(definition: dict[str, Any]) -> set[str]:
    """Names of the lookup tables some extractor of the definition reads (`lookup: name`)."""
    return {spec["lookup"] for _, spec in _extractors(definition) if isinstance(spec.get("lookup"), str)}


def definition_resolve(definition: dict[str, Any], *, base_url: str | None = None) -> dict[str, Any]:
    """A copy ready to crawl: `{base_url}`/`{shared_dir}` filled, relative paths turned into file:// URLs."""
    resolved = copy.deepcopy(definition)
    base = base_url or definition.get("base_url") or ""
    # A table no extractor reads (a preset declares the platform's taxonomies) costs no request.
    used = definition_lookups_used(definition)
    lookups = {name: spec for name, spec in (resolved.get("lookups") or {}).items() if name in used}
    if "lookups" in resolved:
        resolved["lookups"] = lookups
    urls = [("start_urls", url) for url in definition["start_urls"]]
    urls += [(f"lookups.{name}.url", lookup["url"]) for name, lookup in lookups.items()]
    unresolved = [where for where, url in urls if "{base_url}" in url]
    if unresolved and not base:
        raise SourceDefinitionError(
            definition.get("slug", "?"),
            [f"{unresolved[0]}: {{base_url}} employé sans base_url défini ni donné (--base-url SLUG=URL)"],
        )
    base_dir = shared_dir()
    resolved["start_urls"] = [_resolve_url(url, base, base_dir) for url in definition["start_urls"]]
    for lookup in lookups.values():
        lookup["url"] = _resolve_url(lookup["url"], base, base_dir)
    if "website" in resolved:
        resolved["website"] = resolved["website"].replace("{base_url}", base.rstrip("/"))
    resolved["base_url"] = base
    return resolved
