"""A partner's YAML text rewritten in place (ruamel round-trip) and read back unchanged by PyYAML."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

STR_TAG = "tag:yaml.org,2002:str"
# The definitions are read by PyYAML (YAML 1.1), ruamel writes YAML 1.2: a plain `yes`, `on` or `1:20`
# is a string for ruamel and a boolean or a number for PyYAML, so such strings must be quoted.
_RESOLVER = Resolver()


def roundtrip_parser() -> YAML:
    """A ruamel parser keeping the partner's comments, key order and quoting."""
    parser = YAML()
    parser.preserve_quotes = True
    parser.width = 4096
    return parser


def _plain_misread(value: Any) -> bool:
    """Whether PyYAML would read this string, written plain, as something else."""
    if not isinstance(value, str) or isinstance(value, ScalarString):
        return False
    return _RESOLVER.resolve(ScalarNode, value, (True, False)) != STR_TAG


def _quoted(node: Any) -> Any:
    """The node with every string PyYAML would misread quoted, keys included, order kept."""
    if isinstance(node, CommentedMap):
        for position, key in enumerate(list(node)):
            node[key] = _quoted(node[key])
            if _plain_misread(key):
                node.insert(position, DoubleQuotedScalarString(key), node.pop(key))
        return node
    if isinstance(node, dict):
        return {
            (DoubleQuotedScalarString(k) if _plain_misread(k) else k): _quoted(v) for k, v in node.items()
        }
    if isinstance(node, list):
        for index, item in enumerate(node):
            node[index] = _quoted(item)
        return node
    return DoubleQuotedScalarString(node) if _plain_misread(node) else node


def roundtrip_dump(parser: YAML, document: Any) -> str:
    """The document as text that PyYAML reads back as the same values."""
    out = io.StringIO()
    parser.dump(_quoted(document), out)
    return out.getvalue()
