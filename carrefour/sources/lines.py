"""The line of a definition text where a problem's key is written (`fields.title.css` -> line 12)."""

from __future__ import annotations

import ast

import yaml

from carrefour.sources.messages import UNEXPECTED_KEY, yaml_error_message

# The key path of a problem about the whole definition (not worth repeating beside its line).
ROOT_PATH = "(racine)"


def problem_text(line: int | None, path: str, message: str) -> str:
    """A problem as partners read it: `ligne 12 (fields.title.css) : message`."""
    where = f"ligne {line}" if line else "(texte)"
    return f"{where} ({path}) : {message}" if path and path != ROOT_PATH else f"{where} : {message}"


def syntax_error_at(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """(line, French message) of a YAML syntax error."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    message = yaml_error_message(str(getattr(exc, "problem", None) or exc), getattr(exc, "context", None))
    return (mark.line + 1 if mark else None), message


def path_parts(text: str) -> tuple[list[str | int], int]:
    """Keys of the key path opening a problem (`fields.title.css`, `vocabularies.themes.'A b'`), its end."""
    parts: list[str | int] = []
    i = 0
    while i < len(text) and not text.startswith(": ", i):
        char = text[i]
        if char == ".":
            i += 1
        elif char == "[":
            end = text.index("]", i)
            parts.append(int(text[i + 1 : end]))
            i = end + 1
        elif char in "'\"":
            end = i + 1
            while text[end] != char:
                end += 2 if text[end] == "\\" else 1
            parts.append(str(ast.literal_eval(text[i : end + 1])))
            i = end + 1
        else:
            stops = [found for found in (text.find(c, i) for c in (".", "[", ": ")) if found != -1]
            end = min(stops or [len(text)])
            parts.append(text[i:end])
            i = end
    return ([] if parts == [ROOT_PATH] else parts), i


def problem_split(problem: str) -> tuple[str, str]:
    """(key path, message) of a `key.path: message` problem of definition_check ("" when it has none)."""
    try:
        end = path_parts(problem)[1]
    except (ValueError, IndexError, SyntaxError):
        return "", problem
    if end >= len(problem):
        return "", problem
    return problem[:end], problem[end + 2 :]


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    """(node marking the line, value node) of a key or index under a node, or None when absent."""
    if isinstance(node, yaml.MappingNode):
        # The last of duplicate keys: the one the loader keeps, hence the one a problem is about.
        for key, value in reversed(node.value):
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key, value
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item = node.value[part]
        return item, item
    return None


def definition_line(text: str | yaml.Node | None, path: str, message: str = "") -> int | None:
    """Line of the deepest key of a path present in a text or its composed tree (a missing key: its parent).

    A message naming an unknown key points at that key rather than at the block holding it.
    """
    root = yaml.compose(text, Loader=yaml.SafeLoader) if isinstance(text, str) else text
    if root is None:
        return None
    node, line = root, root.start_mark.line + 1
    for part in path_parts(path)[0]:
        found = _child(node, part)
        if found is None:
            return line
        line, node = found[0].start_mark.line + 1, found[1]
    named = UNEXPECTED_KEY.search(message)
    found = _child(node, named.group(1) or named.group(2)) if named else None
    return found[0].start_mark.line + 1 if found else line
