"""Presets: documented YAML fragments for common platforms, merged under a definition's own keys."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PRESETS_DIR = Path(__file__).with_name("presets")
# Keys whose value is one extractor: replaced whole, never merged key by key (a partner's `const` beside
# the preset's `json` would make an extractor with two value sources).
EXTRACTOR_KEYS = frozenset({"record_id", "record_url"})
# Keys of `list` that say where records come from: inline records, detail links, or entries.
LIST_MODES = frozenset({"records", "links", "entries"})


@cache
def preset_names() -> tuple[str, ...]:
    """Names of the presets shipped with the project, sorted."""
    return tuple(sorted(path.stem for path in PRESETS_DIR.glob("*.yaml")))


@cache
def _preset(name: str) -> dict[str, Any]:
    """The parsed fragment of a known preset."""
    fragment: dict[str, Any] = yaml.safe_load((PRESETS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    return fragment


def _mode(key: str, block: dict[str, Any]) -> Any:
    """What a block works by: the pagination's `type`, the keys where a list finds its records."""
    if key == "pagination":
        return block.get("type")
    if key == "list":
        return frozenset(block) & LIST_MODES or None
    return None


def _merged(preset: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """The preset under the definition: blocks merged key by key, extractors and lists replaced whole.

    A block working another way than the preset's (another pagination `type`, a list of `links` rather
    than `records`) replaces it whole: the preset's options of the other way would only be refused.
    """
    merged = copy.deepcopy(preset)
    for key, value in own.items():
        below = merged.get(key)
        mode = _mode(key, value) if isinstance(value, dict) else None
        if (
            key not in EXTRACTOR_KEYS
            and isinstance(value, dict)
            and isinstance(below, dict)
            and mode in (None, _mode(key, below))
        ):
            # One level: `fields` per field, `pagination` per option; each field's extractor is the
            # definition's own, whole.
            merged[key] = {**below, **value}
        else:
            merged[key] = value
    return merged


def definition_preset_merged(definition: Any) -> tuple[Any, list[str]]:
    """The definition with its `preset` merged under it (kept as is without one), and the preset problem."""
    name = definition.get("preset") if isinstance(definition, dict) else None
    if not isinstance(name, str):
        # No preset, or one that is not a name: the schema reports the latter.
        return definition, []
    if name not in preset_names():
        return definition, [
            f"preset: préréglage inconnu {name!r} (préréglages connus : {', '.join(preset_names())})"
        ]
    return _merged(_preset(name), definition), []
