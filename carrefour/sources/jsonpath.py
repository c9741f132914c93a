"""Syntax of the JSON paths of a definition: `a.b`, `items[0]`, `data[*].url`, `x[?niveau=region].y`."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\*|-?\d+|\?[^\]=]+=[^\]]*)\]")


class JsonPathError(ValueError):
    """A JSON path with a syntax error."""


def json_path_tokens(path: str) -> list[str]:
    """Tokens of a path; raises JsonPathError on syntax errors."""
    path = path.strip()
    if path.startswith("$"):
        path = path[1:].lstrip(".")
    tokens, pos = [], 0
    while pos < len(path):
        if path[pos] == ".":
            pos += 1
            continue
        match = _TOKEN.match(path, pos)
        if not match:
            raise JsonPathError(f"bad JSON path {path!r} at {pos}")
        tokens.append(match.group(1) if match.group(1) is not None else f"[{match.group(2)}]")
        pos = match.end()
    return tokens
