"""JSON path extractor: `a.b`, `items[0]`, `data[*].url`, `territoire[?niveau=region].libelle`."""

from __future__ import annotations

from typing import Any

from carrefour.harvest.extract.document import Document, ExtractionError
from carrefour.sources.jsonpath import JsonPathError, json_path_tokens


def _step(node: Any, token: str) -> list[Any]:
    """Nodes reached from one node by one token."""
    if token == "[*]":  # noqa: S105 (a path token, not a password)
        return list(node) if isinstance(node, list) else list(node.values()) if isinstance(node, dict) else []
    if token.startswith("[?"):
        key, _, expected = token[2:-1].partition("=")
        candidates = node if isinstance(node, list) else [node]
        return [c for c in candidates if isinstance(c, dict) and str(c.get(key.strip())) == expected.strip()]
    if token.startswith("["):
        index = int(token[1:-1])
        return [node[index]] if isinstance(node, list) and -len(node) <= index < len(node) else []
    if isinstance(node, dict):
        return [node[token]] if token in node else []
    if isinstance(node, list):
        # A key applied to a list reads it in each object (schema.org values may be one or many).
        return [item[token] for item in node if isinstance(item, dict) and token in item]
    return []


def json_path_find(data: Any, path: str) -> list[Any]:
    """Every value at `path` in data (final lists flattened, nulls dropped); `a | b`: both, in order."""
    if " | " in path:
        return [value for alternative in path.split(" | ") for value in json_path_find(data, alternative)]
    try:
        tokens = json_path_tokens(path)
    except JsonPathError as exc:
        raise ExtractionError(str(exc)) from exc
    nodes = [data]
    for token in tokens:
        nodes = [found for node in nodes for found in _step(node, token)]
    out: list[Any] = []
    for node in nodes:
        if isinstance(node, list):
            out.extend(v for v in node if v is not None)
        elif node is not None:
            out.append(node)
    return out


class JsonExtractor:
    """`json: "porteur.nom"` — value(s) at a path of a JSON document (lists are flattened)."""

    key = "json"

    def values(self, spec: dict[str, Any], doc: Document) -> list[Any]:
        """Values found at the path."""
        if doc.data is None and doc.selector is not None:
            raise ExtractionError(f"`json` demande un document JSON, {doc.url} n'en est pas un")
        return json_path_find(doc.data, spec["json"])

    def nodes(self, spec: dict[str, Any], doc: Document) -> list[Any]:
        """Objects at the path (for list.records: one record per object)."""
        return self.values(spec, doc)
