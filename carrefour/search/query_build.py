"""Turn a parsed query into a tantivy Query: fields and boosts, typos, prefixes, synonyms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import tantivy
from tantivy import Occur, Query

from carrefour.normalize.text import text_key
from carrefour.normalize.vocabularies import vocabularies
from carrefour.search.criteria import QUERY_KEYWORDS
from carrefour.search.query import Group, Node, Term
from carrefour.search.schema import FOLDED_BOOSTS, TEXT_BOOSTS, analyzer_folded, analyzer_french

SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")
TIE_BREAKER = 0.3  # a word found in several fields counts a little more than in its best field only
TYPO_BOOST = 0.4  # a corrected word must rank below the exact word
PREFIX_BOOST = 0.6
TYPO_MIN_LENGTH = 5  # one typo allowed from 5 letters on
TYPO_TWO_LENGTH = 9  # two from 9 letters on
PREFIX_MIN_LENGTH = 2  # a one-letter prefix matches too much to be useful
FIELD_TEXTS = {"title": "title", "org": "organization", "commune": "commune", "body": "body"}
FIELD_FOLDED = {"title": "title_words", "org": "org_words", "commune": "words", "body": "words"}
KEYWORD_FIELDS = frozenset(QUERY_KEYWORDS.values())  # criteria typed in `q`, by index field


def query_combine(parts: Sequence[Query]) -> Query:
    """Conjunction of queries; everything when empty."""
    if not parts:
        return Query.all_query()
    if len(parts) == 1:
        return parts[0]
    return Query.boolean_query([(Occur.Must, part) for part in parts])


@dataclass(frozen=True)
class SearchFeatures:
    """Analysis features, switchable one by one to measure what each brings to relevance."""

    stemming: bool = True
    typos: bool = True
    synonyms: bool = True
    boosts: bool = True


ALL_FEATURES = SearchFeatures()
HIGHLIGHT = SearchFeatures(typos=False)  # a corrected word is found, not highlighted


@cache
def _analyzers() -> tuple[tantivy.TextAnalyzer, tantivy.TextAnalyzer]:
    """The stemming and the folding analyzers (built once per process)."""
    return analyzer_french(), analyzer_folded()


def tokens(text: str, *, stem: bool) -> list[str]:
    """Index terms of a text, as the stemmed or the folded fields hold them."""
    french, folded = _analyzers()
    return (french if stem else folded).analyze(text)


@cache
def synonym_groups(stem: bool) -> list[list[tuple[str, ...]]]:
    """Groups of equivalent expressions from synonyms.txt, as index-term sequences."""
    groups = []
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        group = [tuple(tokens(expression, stem=stem)) for expression in line.split(",")]
        groups.append([expression for expression in group if expression])
    return groups


@cache
def _code_lookup(vocabulary: str) -> dict[str, str]:
    """Folded code or label → code of a vocabulary (theme:alimentation, theme:"lien social")."""
    lookup = {}
    for code, label in vocabularies()[vocabulary].items():
        lookup[text_key(code)] = code
        lookup[text_key(label)] = code
    return lookup


class QueryBuilder:
    """Build tantivy queries for one index schema and one set of features."""

    def __init__(
        self,
        schema: tantivy.Schema,
        features: SearchFeatures = ALL_FEATURES,
        fields: dict[str, float] | None = None,
    ) -> None:
        self.schema, self.features = schema, features
        self.stem = features.stemming
        boosts = TEXT_BOOSTS if self.stem else FOLDED_BOOSTS
        self.fields = fields or {name: (boost if features.boosts else 1.0) for name, boost in boosts.items()}

    def build(self, node: Node | None) -> Query | None:
        """The query of a tree (None: nothing searchable)."""
        if node is None:
            return None
        if isinstance(node, Term):
            return self.conjunction([node])  # a lone word may still be a synonym
        if node.op == "or":
            parts = [query for child in node.children if (query := self.build(child)) is not None]
            return Query.boolean_query([(Occur.Should, part) for part in parts]) if parts else None
        return self.conjunction([node] if node.op == "not" else node.children)

    def conjunction(self, children: list[Node]) -> Query | None:
        """All positive children must match, none of the negated ones."""
        clauses: list[tuple[Occur, Query]] = []
        positives = [child for child in children if not (isinstance(child, Group) and child.op == "not")]
        for part in self.with_synonyms(positives):
            if part is not None:
                clauses.append((Occur.Must, part))
        for child in children:
            if isinstance(child, Group) and child.op == "not":
                excluded = self.build(child.children[0])
                if excluded is not None:
                    clauses.append((Occur.MustNot, excluded))
        if not clauses:
            return None
        if all(occur == Occur.MustNot for occur, _query in clauses):
            clauses.append((Occur.Must, Query.all_query()))
        return (
            clauses[0][1]
            if len(clauses) == 1 and clauses[0][0] == Occur.Must
            else Query.boolean_query(clauses)
        )

    def with_synonyms(self, children: list[Node]) -> list[Query | None]:
        """Queries of conjoined children; runs of bare words forming a known expression match its synonyms."""
        if not self.features.synonyms:
            return [self._single(child) for child in children]
        queries: list[Query | None] = []
        position = 0
        while position < len(children):
            match = self._synonym_match(children, position)
            if match is None:
                queries.append(self._single(children[position]))
                position += 1
                continue
            end, group = match
            alternatives = [self.expression(expression) for expression in group]
            queries.append(Query.boolean_query([(Occur.Should, q) for q in alternatives]))
            position = end
        return queries

    def _single(self, node: Node) -> Query | None:
        """Query of one conjoined child, synonyms aside."""
        return self.term(node) if isinstance(node, Term) else self.build(node)

    def _synonym_match(self, children: list[Node], start: int) -> tuple[int, list[tuple[str, ...]]] | None:
        """Longest run of bare words from `start` that is an expression of a synonym group."""
        run: list[str] = []
        best = None
        for end in range(start, len(children)):
            child = children[end]
            if not (isinstance(child, Term) and child.plain):
                break
            run.extend(tokens(child.text, stem=self.stem))
            for group in synonym_groups(self.stem):
                if tuple(run) in group:
                    best = (end + 1, group)
        return best

    def expression(self, words: tuple[str, ...], fields: dict[str, float] | None = None) -> Query:
        """Index terms as one word or a phrase, in every text field (best field wins)."""
        fields = fields or self.fields
        if len(words) == 1:
            parts = [
                self._boost(Query.term_query(self.schema, name, words[0]), b) for name, b in fields.items()
            ]
        else:
            # Stop words leave gaps in positions: a slop of one per word absorbs them.
            slop = len(words)
            parts = [
                self._boost(Query.phrase_query(self.schema, name, list(words), slop=slop), b)
                for name, b in fields.items()
            ]
        return parts[0] if len(parts) == 1 else Query.disjunction_max_query(parts, TIE_BREAKER)

    def term(self, term: Term) -> Query | None:
        """Query of one word, compound or phrase, optionally restricted to a field."""
        if term.field in KEYWORD_FIELDS:
            return self.keyword(term)
        fields = self.fields
        folded_field = "words"
        if term.field in FIELD_TEXTS:
            name = FIELD_TEXTS[term.field] if self.stem else FIELD_FOLDED[term.field]
            fields = {name: 1.0}
            folded_field = FIELD_FOLDED[term.field]
        if term.field == "commune" and term.text.replace(" ", "").isdigit():
            return Query.term_query(self.schema, "commune_code", term.text.replace(" ", ""))
        words = tuple(tokens(term.text, stem=self.stem))
        if not words:
            return None  # only stop words ("de la"): nothing to require
        exact = self.expression(words, fields)
        folded = tokens(term.text, stem=False)
        if len(words) > 1 or term.phrase or len(folded) != 1:
            return exact
        variants = [exact]
        word = folded[0]
        if self.features.typos and len(word) >= TYPO_MIN_LENGTH:
            distance = 2 if len(word) >= TYPO_TWO_LENGTH else 1
            fuzzy = Query.fuzzy_term_query(self.schema, folded_field, word, distance=distance)
            variants.append(Query.boost_query(fuzzy, TYPO_BOOST))
        if term.prefix and len(word) >= PREFIX_MIN_LENGTH:
            prefix = Query.fuzzy_term_query(self.schema, folded_field, word, distance=0, prefix=True)
            variants.append(Query.boost_query(prefix, PREFIX_BOOST))
        return (
            variants[0] if len(variants) == 1 else Query.boolean_query([(Occur.Should, v) for v in variants])
        )

    def keyword(self, term: Term) -> Query | None:
        """A criterion typed in `q` (theme:, epci:…): a code or a vocabulary label; free text if unknown."""
        name = term.field
        value = text_key(term.text)
        if name in vocabularies():
            lookup = _code_lookup(name)
            codes = {code for key, code in lookup.items() if key == value or key.startswith(value)}
            if not codes:
                return self.term(Term(term.text, phrase=term.phrase))
            return Query.term_set_query(self.schema, name, sorted(codes))
        return Query.term_query(self.schema, name, term.text.replace(" ", "").upper())

    @staticmethod
    def _boost(query: Query, boost: float) -> Query:
        """A boosted query (unchanged when the boost is 1)."""
        return query if boost == 1.0 else Query.boost_query(query, boost)
