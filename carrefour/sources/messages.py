"""French wording of the problems a definition's checks find (JSON Schema errors, YAML syntax errors)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

# The key named by a problem about a key itself (unknown key), in the messages below: lines.py finds
# the line of that key rather than of its parent block.
UNEXPECTED_KEY = re.compile(r"^clé inconnue « ([^»]*) »|^clés inconnues « ([^»]*) »")

TYPE_NAMES = {
    "string": "du texte",
    "integer": "un nombre entier",
    "number": "un nombre",
    "boolean": "true ou false",
    "array": "une liste",
    "object": "un bloc de clés (clé: valeur)",
    "null": "une valeur vide",
}

# PyYAML problems and contexts most often met when editing by hand (others keep PyYAML's words, quoted).
YAML_PHRASES = {
    "mapping values are not allowed here": "« : » mal placé (une valeur contenant « : » va entre guillemets)",
    "could not find expected ':'": "un « : » manque après une clé",
    "found character '\\t' that cannot start any token": "tabulation trouvée : indentez avec des espaces",
    "found unexpected end of stream": "le texte s'arrête avant la fin d'une valeur (guillemet non fermé ?)",
    "found undefined alias": "un alias YAML (*) est utilisé",
    "while scanning a simple key": "en lisant une clé",
    "while parsing a block mapping": "en lisant un bloc de clés",
    "while parsing a flow sequence": "en lisant une liste entre crochets",
    "while parsing a flow mapping": "en lisant un bloc entre accolades",
    "while scanning a quoted scalar": "en lisant un texte entre guillemets",
    "while parsing a block collection": "en lisant une liste",
}


def _shown(value: Any) -> str:
    """A value as the user typed it, cut short."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _kind(value: Any) -> str:
    """What a value is, in words."""
    for name, kind in (("boolean", bool), ("integer", int), ("number", float), ("string", str)):
        if isinstance(value, kind):
            return TYPE_NAMES[name]
    if isinstance(value, list):
        return TYPE_NAMES["array"]
    if isinstance(value, dict):
        return TYPE_NAMES["object"]
    return TYPE_NAMES["null"]


def _choices(values: Any) -> str:
    """Allowed values as a list to read."""
    return ", ".join(_shown(value) for value in values)


def _type(error: ValidationError) -> str:
    expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    wanted = " ou ".join(TYPE_NAMES.get(str(name), str(name)) for name in expected)
    return f"doit être {wanted} (trouvé : {_kind(error.instance)})"


def _keys(error: ValidationError) -> str:
    known = sorted((error.schema.get("properties") or {}) if isinstance(error.schema, dict) else {})
    extra = [key for key in error.instance if key not in known]
    named = ", ".join(f"« {key} »" for key in extra)
    head = f"clé inconnue {named}" if len(extra) == 1 else f"clés inconnues {named}"
    return (
        f"{head} (clés possibles : {', '.join(known)})" if known else f"{head} (aucune clé n'est permise ici)"
    )


def _enum(error: ValidationError) -> str:
    if "propertyNames" in error.absolute_schema_path:
        known = ", ".join(map(str, error.validator_value))
        return f"clé inconnue « {error.instance} » (clés possibles : {known})"
    return (
        f"valeur {_shown(error.instance)} non prévue (valeurs possibles : {_choices(error.validator_value)})"
    )


def _one_of(error: ValidationError) -> str:
    closest = best_match(error.context) if error.context else None
    detail = f" ; la plus proche : {schema_error_message(closest)}" if closest is not None else ""
    return f"valeur {_shown(error.instance)} d'une forme non prévue{detail}"


def _length(error: ValidationError) -> str:
    bound = error.validator_value
    if error.validator == "minLength":
        return "ne doit pas être vide" if bound == 1 else f"doit faire au moins {bound} caractères"
    return f"trop long : {len(error.instance)} caractères, {bound} au plus"


def _count(error: ValidationError, lower: tuple[str, str], upper: str) -> str:
    """A too-small or too-large list or block: `lower` is (message for one, message for {bound})."""
    bound = error.validator_value
    if error.validator.startswith("min"):
        return lower[0] if bound == 1 else lower[1].format(bound=bound)
    return f"{upper} : {len(error.instance)}, {bound} au plus"


def _items(error: ValidationError) -> str:
    return _count(
        error,
        ("la liste ne doit pas être vide", "la liste doit compter au moins {bound} éléments"),
        "trop d'éléments",
    )


def _properties(error: ValidationError) -> str:
    return _count(
        error, ("le bloc ne doit pas être vide", "le bloc doit avoir au moins {bound} clés"), "trop de clés"
    )


RENDERERS: dict[str, Callable[[ValidationError], str]] = {
    "type": _type,
    "required": lambda e: f"la clé « {_missing(e)} » est obligatoire",
    "additionalProperties": _keys,
    "unevaluatedProperties": _keys,
    "enum": _enum,
    "const": lambda e: f"la valeur doit être {_shown(e.validator_value)}",
    "oneOf": _one_of,
    "anyOf": _one_of,
    "not": lambda e: f"valeur {_shown(e.instance)} non permise ici",
    "pattern": lambda e: f"{_shown(e.instance)} n'a pas la forme attendue",
    "format": lambda e: f"{_shown(e.instance)} n'est pas au format {e.validator_value}",
    "minLength": _length,
    "maxLength": _length,
    "minItems": _items,
    "maxItems": _items,
    "uniqueItems": lambda e: "la liste contient deux fois la même valeur",
    "minProperties": _properties,
    "maxProperties": _properties,
    "minimum": lambda e: f"doit valoir au moins {e.validator_value} (trouvé : {e.instance})",
    "maximum": lambda e: f"doit valoir au plus {e.validator_value} (trouvé : {e.instance})",
    "exclusiveMinimum": lambda e: f"doit être supérieur à {e.validator_value} (trouvé : {e.instance})",
    "exclusiveMaximum": lambda e: f"doit être inférieur à {e.validator_value} (trouvé : {e.instance})",
    "multipleOf": lambda e: f"doit être un multiple de {e.validator_value}",
}


def _missing(error: ValidationError) -> str:
    """The required key absent from the instance."""
    keys = [key for key in error.validator_value if key not in (error.instance or {})]
    return str(keys[0]) if keys else ", ".join(map(str, error.validator_value))


def schema_error_message(error: ValidationError) -> str:
    """A JSON Schema error in French, with what the schema expects when it says so (no English phrase)."""
    render = RENDERERS.get(str(error.validator))
    message = render(error) if render else "valeur non acceptée par le schéma des définitions"
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if description and error.validator not in {"required", "additionalProperties", "unevaluatedProperties"}:
        message += f" — attendu : {description}"
    return message


# "expected ',' or ']', but got ':'", "did not find expected key": PyYAML's shape of most parser errors.
YAML_EXPECTED = re.compile(r"^(?:did not find )?expected (.+?)(?:, but (?:found|got) (.+))?$")


YAML_TOKENS = {
    " or ": " ou ",
    "'<block mapping start>'": "un nouveau bloc",
    "'<block sequence start>'": "une nouvelle liste",
    "'<block end>'": "la fin du bloc",
    "<block end>": "la fin du bloc",
    "<document start>": "le début du document",
    "'<scalar>'": "une valeur",
    "key": "une clé",
}


def _yaml_tokens(text: str) -> str:
    """PyYAML's token names in words."""
    for token, words in YAML_TOKENS.items():
        text = text.replace(token, words)
    return text


def _yaml_phrase(problem: str) -> str:
    """One PyYAML phrase in French."""
    if problem in YAML_PHRASES:
        return YAML_PHRASES[problem]
    expected = YAML_EXPECTED.match(problem)
    if expected is None:
        return f"« {problem} »"
    wanted, found = (_yaml_tokens(group) if group else "" for group in expected.groups())
    found = f", trouvé {found}" if found else ""
    return f"{wanted} attendu ici{found} (indentation ou ponctuation à revoir)"


def yaml_error_message(problem: str, context: str | None) -> str:
    """A PyYAML syntax problem in French (an unknown one keeps PyYAML's words, quoted)."""
    said = _yaml_phrase(problem)
    where = f" ({_yaml_phrase(context)})" if context else ""
    return f"erreur de syntaxe YAML : {said}{where}"
