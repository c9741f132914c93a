"""Vocabulary mapping of a partner's source: terms to map, the definition rewritten, the re-apply job."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from ruamel.yaml.error import YAMLError

from carrefour.history.selectors import FIELD_LABELS
from carrefour.normalize.selectors import source_unmapped_terms
from carrefour.normalize.text import text_key
from carrefour.normalize.vocabularies import vocabularies
from carrefour.orchestration.models import Job
from carrefour.orchestration.reapply import source_reapply_queue
from carrefour.partners.editor import source_save_origin
from carrefour.partners.roundtrip import roundtrip_dump, roundtrip_parser
from carrefour.projects.selectors import projects_by_raw
from carrefour.sources.definitions import VOCABULARY_KEYS
from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.rows import source_definition_text, source_version_live
from carrefour.sources.versions import source_version_save

# Values of a term's choice in the form: not mapped (the term stays in the review list), deliberately
# ignored (null in the definition), else one code or several joined by commas.
UNMAPPED = ""
IGNORED = "-"
# Rows of each list of a vocabulary on one page: each is one form field, and Django refuses a request
# of more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) fields.
PAGE_ROWS = 100
Target = str | list[str] | None


class MappingError(ValueError):
    """A mapping that cannot be saved, with the reasons a partner reads."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class MappingStaleError(MappingError):
    """The page was built from a definition that someone changed since: saving it would undo their work."""

    def __init__(self, posted: int, live: int) -> None:
        super().__init__(
            [
                f"la définition a changé depuis l'ouverture de cette page (version {live} en service, "
                f"page construite sur la version {posted}) : rien n'a été enregistré. Rechargez la page "
                "pour voir les correspondances enregistrées entre-temps, puis refaites vos choix."
            ]
        )


@dataclass
class TermRow:
    """One term of the page: its count and examples when unmapped, its current choice."""

    value: str
    choice: str = UNMAPPED
    # Suffix of the row's select id, unique on the page, and the name of its one form field.
    key: str = ""
    input_name: str = ""
    count: int = 0
    examples: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class VocabularyBlock:
    """One vocabulary of the page: the source's unmapped and mapped terms, the common codes to choose."""

    name: str
    label: str
    unmapped: list[TermRow]
    mapped: list[TermRow]
    codes: list[tuple[str, str]]
    unmapped_page: Page[TermRow] | None = None
    mapped_page: Page[TermRow] | None = None


def target_encode(target: Target) -> str:
    """A definition's mapping value as the form's choice."""
    if target is None:
        return IGNORED
    return target if isinstance(target, str) else ",".join(target)


def target_decode(choice: str) -> Target:
    """The form's choice as a definition's mapping value."""
    if choice == IGNORED:
        return None
    codes = [code for code in choice.split(",") if code]
    return codes[0] if len(codes) == 1 else codes


def source_mapping_blocks(source: Source, *, examples: int = 3) -> list[VocabularyBlock]:
    """The source's vocabularies as the mapping page shows them, unmapped terms most frequent first."""
    terms = source_unmapped_terms(source.pk, examples=examples)
    projects = projects_by_raw([raw_id for term in terms for raw_id in term.raw_ids])
    current = source.definition.get("vocabularies") or {}
    blocks = []
    for name in VOCABULARY_KEYS:
        mapping = {str(term): target for term, target in (current.get(name) or {}).items()}
        # A term mapped since its records were normalized (re-apply pending) is listed once, as mapped:
        # two rows of one name would post two choices, and only the last one would count. Terms compare
        # folded, as the normalizer matches them ("emploi" is mapped by "Emploi").
        folded = {text_key(term) for term in mapping}
        unmapped = [
            TermRow(
                term.value, count=term.count, examples=[projects[r] for r in term.raw_ids if r in projects]
            )
            for term in terms
            if term.field == name and text_key(term.value) not in folded
        ]
        mapped = [TermRow(term, choice=target_encode(target)) for term, target in mapping.items()]
        for index, row in enumerate(unmapped + mapped):
            row.key = f"{name}-{index}"
            row.input_name = row_field(name, row.value)
        codes = sorted(vocabularies()[name].items(), key=lambda item: text_key(item[1]))
        blocks.append(VocabularyBlock(name, FIELD_LABELS.get(name, name), unmapped, mapped, codes))
    return blocks


def row_field(name: str, term: str) -> str:
    """The form field of a term's choice: one field a row, named by the term, whatever the page lists."""
    return f"{name}:{term}"


def mapping_blocks_paginate(blocks: list[VocabularyBlock], query: Any) -> None:
    """Cut each list of each vocabulary into pages (?<vocabulary>=N, ?<vocabulary>-associes=N)."""
    for block in blocks:
        block.unmapped_page = Paginator(block.unmapped, PAGE_ROWS).get_page(query.get(block.name))
        block.mapped_page = Paginator(block.mapped, PAGE_ROWS).get_page(query.get(f"{block.name}-associes"))


def mapping_changes_parse(blocks: list[VocabularyBlock], form: Any) -> dict[str, dict[str, str]]:
    """The choices a partner changed on the page ({vocabulary: {term: choice}}); MappingError if invalid.

    Each row is one field `<vocabulary>:<term>`; rows of other pages are not posted and stay as they are.
    """
    known = {(b.name, row.value): row.choice for b in blocks for row in b.unmapped + b.mapped}
    codes = {b.name: {code for code, _label in b.codes} for b in blocks}
    changes: dict[str, dict[str, str]] = {}
    errors = []
    for key in form:
        name, colon, term = key.partition(":")
        if not colon or name not in codes:
            continue
        choice = form.get(key, "")
        if (name, term) not in known:
            errors.append(f"« {term[:80]} » n'est pas un terme de cette source (page périmée ?)")
            continue
        unknown = [c for c in choice.split(",") if c and choice != IGNORED and c not in codes[name]]
        if unknown:
            errors.append(f"« {term} » : code inconnu {', '.join(unknown)[:80]}")
        elif choice != known[name, term]:
            changes.setdefault(name, {})[term] = choice
    if errors:
        raise MappingError(errors)
    return changes


def source_version_live_number(source: Source) -> int:
    """The number of the version in service (0 without versions): the mapping page posts it back."""
    version = source_version_live(source)
    return version.number if version is not None else 0


def definition_text_vocabularies_set(text: str, changes: dict[str, dict[str, str]]) -> str:
    """The definition text with the changed terms of its `vocabularies` block; comments and order kept."""
    parser = roundtrip_parser()
    try:
        document = parser.load(text)
    except YAMLError as exc:
        raise MappingError([f"la définition en service n'est pas lisible : {exc}"]) from exc
    block = document.get("vocabularies") or {}  # absent, or written `vocabularies:` with nothing
    document["vocabularies"] = block
    for name, terms in changes.items():
        mapping = block.get(name)
        if mapping is None:
            mapping = block[name] = {}
        for term, choice in terms.items():
            # Keys are compared folded, as the normalizer does: "Écologie" replaces "ecologie".
            existing = next((k for k in mapping if text_key(k) == text_key(term)), term)
            if choice == UNMAPPED:
                mapping.pop(existing, None)
            else:
                mapping[existing] = target_decode(choice)
        if not mapping:
            del block[name]
    if not block:
        del document["vocabularies"]
    return roundtrip_dump(parser, document)


def mapping_comment(changes: dict[str, dict[str, str]]) -> str:
    """The version's comment: what was mapped to what, in French, short enough for the history."""
    parts = []
    for name, terms in changes.items():
        labels = vocabularies()[name]
        for term, choice in terms.items():
            if choice == UNMAPPED:
                parts.append(f"« {term} » retiré")
            elif choice == IGNORED:
                parts.append(f"« {term} » ignoré")
            else:
                parts.append(f"« {term} » → {', '.join(labels.get(c, c) for c in choice.split(','))}")
    comment = "Correspondances de vocabulaire : " + " ; ".join(parts)
    return comment if len(comment) <= 500 else comment[:499] + "…"


def source_mapping_save(
    source: Source, changes: dict[str, dict[str, str]], *, author: Any, version_seen: int
) -> tuple[SourceVersion, Job]:
    """Save the changed mappings as a new version of the definition, then queue their re-application.

    `version_seen`: the live version the page was built from; MappingStaleError if it is no longer live.
    """
    with transaction.atomic():
        # The source row locked: two saves cannot both read the same text and lose one another's terms.
        source = Source.objects.select_for_update().get(pk=source.pk)
        live = source_version_live_number(source)
        if live != version_seen:
            raise MappingStaleError(version_seen, live)
        return _mapping_save_locked(source, changes, author=author)


def _mapping_save_locked(
    source: Source, changes: dict[str, dict[str, str]], *, author: Any
) -> tuple[SourceVersion, Job]:
    """The save itself, the source row locked: the version, then the re-application unless one is queued."""
    if source.review_status != Source.Review.VALIDATED:
        raise MappingError(["cette source n'est pas validée : ses fiches ne sont pas encore moissonnées"])
    if source.versions.filter(status=SourceVersion.Status.PENDING).exists():
        raise MappingError(
            [
                "une version de la définition attend la validation des administrateurs : les "
                "correspondances pourront être modifiées après sa validation ou son refus"
            ]
        )
    before = source.definition  # read before the save changes the source's definition
    text = definition_text_vocabularies_set(source_definition_text(source), changes)
    # A partner's save makes the source a partner's; an administrator's keeps a repository source the file's.
    origin = source_save_origin(author, source)
    version = source_version_save(
        text, author=author, source=source, comment=mapping_comment(changes), origin=origin
    )
    return version, source_reapply_queue(source, before, user=author)
