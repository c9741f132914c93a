"""Parse what a visitor typed: words, "phrases", field:value, AND/OR/NOT, -exclusion, (groups).

The parser never fails: whatever it cannot read is ignored and explained in French.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from carrefour.search.criteria import QUERY_KEYWORDS

MAX_QUERY_CHARS = 300
MAX_TERMS = 24
_WORD = re.compile(r"\w+")
_SEPARATORS = re.compile(r"[^\w'’-]+")
_SPECIAL = re.compile(r"[^\w'’*-]")
_ITEM = re.compile(r'(?P<sign>[-+!])?(?:(?P<field>[^\W\d_]\w*):)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s()"]*))')
OPERATORS = {"AND": "and", "ET": "and", "OR": "or", "OU": "or", "NOT": "not", "SAUF": "not"}
# Text fields a visitor can type (French and English) → canonical field; the criteria add theirs.
TEXT_ALIASES = {
    "title": "title",
    "titre": "title",
    "org": "org",
    "organisation": "org",
    "organization": "org",
    "porteur": "org",
    "commune": "commune",
    "ville": "commune",
    "description": "body",
    "desc": "body",
    "body": "body",
    "texte": "body",
}
FIELD_ALIASES = {**TEXT_ALIASES, **QUERY_KEYWORDS}


@dataclass
class Term:
    """A word (or a compound: tiers-lieu, l'épicerie), a quoted "phrase", optionally field:value."""

    text: str
    field: str = ""
    phrase: bool = False
    prefix: bool = False

    @property
    def plain(self) -> bool:
        """A bare word, the only kind synonyms and relaxation work on."""
        return not (self.field or self.phrase or self.prefix)


@dataclass
class Group:
    """`and` / `or` of children, or `not` of one child."""

    op: str
    children: list[Node] = field(default_factory=list)


Node = Term | Group


@dataclass
class ParsedQuery:
    """The tree of a query (None: nothing to search) and notes for the visitor."""

    tree: Node | None
    notes: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        """French explanation of what was simplified, "" when nothing was."""
        return ("Votre recherche a été simplifiée : " + " ; ".join(self.notes) + ".") if self.notes else ""


Token = tuple[str, object]  # ("lp"|"rp", None), ("op", name), ("term", Term), ("neg", Term)


def _note(notes: list[str], text: str) -> None:
    """Add a note once."""
    if text not in notes:
        notes.append(text)


def _lex(text: str, notes: list[str], prefix_last: bool) -> list[Token]:
    """Split a query into parentheses, operators and terms."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
            continue
        if char in "()":
            tokens.append(("lp" if char == "(" else "rp", None))
            position += 1
            continue
        match = _ITEM.match(text, position)
        assert match is not None  # every group is optional: the pattern always matches
        position = max(match.end(), position + 1)
        tokens.extend(_term_tokens(match, notes))
    if prefix_last and text and not text[-1].isspace() and tokens and tokens[-1][0] == "term":
        term = tokens[-1][1]
        assert isinstance(term, Term)
        term.prefix = not term.phrase
    return tokens


def _term_tokens(match: re.Match[str], notes: list[str]) -> list[Token]:
    """Tokens of one lexed item: an operator, a phrase, or words (split on special characters)."""
    sign, name, phrase, word = (
        match.group("sign"),
        match.group("field"),
        match.group("phrase"),
        match.group("word"),
    )
    if not name and not sign and word in OPERATORS:
        return [("op", OPERATORS[word])]
    canonical = ""
    if name:
        canonical = FIELD_ALIASES.get(name.lower(), "")
        if not canonical:
            _note(notes, f"le critère « {name[:30]} » n'existe pas : le mot a été cherché partout")
    kind = "neg" if sign in {"-", "!"} else "term"
    if phrase is not None:
        words = _WORD.findall(phrase)
        return [(kind, Term(" ".join(words), canonical, phrase=True))] if words else []
    # Compounds (tiers-lieu, l'épicerie) stay one term; other characters separate words.
    pieces = [piece for piece in _SEPARATORS.split(word or "") if _WORD.search(piece)]
    if (word and _SPECIAL.search(word)) or (not pieces and (word or name)):
        _note(notes, "les caractères spéciaux ont été ignorés")
    prefix = bool(word) and word.endswith("*")
    return [
        (kind, Term(" ".join(_WORD.findall(piece)), canonical, prefix=prefix and n == len(pieces) - 1))
        for n, piece in enumerate(pieces)
    ]


class _Parser:
    """Recursive descent: or_expr := and_expr (OR and_expr)*; and_expr := unary (AND? unary)*."""

    def __init__(self, tokens: list[Token], notes: list[str]) -> None:
        self.tokens, self.notes, self.position = tokens, notes, 0

    def peek(self) -> Token | None:
        """The next token, None at the end."""
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def parse(self) -> Node | None:
        """The whole query; stray closing parentheses are skipped."""
        parts: list[Node] = []
        while self.peek() is not None:
            if self.peek() == ("rp", None):
                _note(self.notes, "une parenthèse fermante en trop a été ignorée")
                self.position += 1
                continue
            node = self.parse_or()
            if node is not None:
                parts.append(node)
        return _simplify(Group("and", parts))

    def parse_or(self) -> Node | None:
        """Alternatives separated by OR."""
        items = [self.parse_and()]
        while self.peek() == ("op", "or"):
            self.position += 1
            items.append(self.parse_and())
        return _simplify(Group("or", [item for item in items if item is not None]))

    def parse_and(self) -> Node | None:
        """Clauses combined by AND (explicit or implicit)."""
        items: list[Node] = []
        while (token := self.peek()) is not None and token not in (("rp", None), ("op", "or")):
            if token == ("op", "and"):
                self.position += 1
                continue
            node = self.parse_unary()
            if node is not None:
                items.append(node)
        return _simplify(Group("and", items))

    def parse_unary(self) -> Node | None:
        """NOT clause, (group) or term."""
        kind, value = self.tokens[self.position]
        self.position += 1
        if kind == "op":  # NOT (AND/OR are handled by the callers)
            operand = self.parse_unary() if self.peek() not in (None, ("rp", None)) else None
            return Group("not", [operand]) if operand is not None else None
        if kind == "lp":
            node = self.parse_or()
            if self.peek() == ("rp", None):
                self.position += 1
            else:
                _note(self.notes, "une parenthèse non fermée a été refermée")
            return node
        if kind == "rp":
            return None
        assert isinstance(value, Term)
        return Group("not", [value]) if kind == "neg" else value


def _simplify(group: Group) -> Node | None:
    """A group without children is nothing; with one child (and/or) it is that child."""
    if not group.children:
        return None
    if group.op != "not" and len(group.children) == 1:
        return group.children[0]
    return group


def _terms_limit(tokens: list[Token], notes: list[str]) -> list[Token]:
    """Keep the first MAX_TERMS terms."""
    kept: list[Token] = []
    count = 0
    for token in tokens:
        if token[0] in {"term", "neg"}:
            count += 1
            if count > MAX_TERMS:
                _note(notes, f"seuls les {MAX_TERMS} premiers mots ont été pris en compte")
                continue
        kept.append(token)
    return kept


def query_parse(raw: str, *, prefix_last: bool = False) -> ParsedQuery:
    """Parse a free-text query; never raises, whatever the input."""
    notes: list[str] = []
    text = "".join(ch for ch in unicodedata.normalize("NFC", raw) if ch.isprintable())
    text = text.replace("«", '"').replace("»", '"').replace("“", '"').replace("”", '"').lstrip()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        _note(notes, f"seuls les {MAX_QUERY_CHARS} premiers caractères ont été pris en compte")
    if text.count('"') % 2:
        last = text.rfind('"')
        text = text[:last] + " " + text[last + 1 :]
        _note(notes, "un guillemet non fermé a été ignoré")
    tokens = _terms_limit(_lex(text, notes, prefix_last), notes)
    return ParsedQuery(_Parser(tokens, notes).parse(), notes)


def plain_words(node: Node | None) -> list[str]:
    """Bare words of the top-level conjunction, in order (what a visitor may drop to relax)."""
    if isinstance(node, Term):
        return [node.text] if node.plain else []
    if node is not None and node.op == "and":
        return [child.text for child in node.children if isinstance(child, Term) and child.plain]
    return []
