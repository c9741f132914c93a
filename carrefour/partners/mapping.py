"""Vocabulary mapping of a partner's source: terms to map, the definition rewritten, the re-apply job."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.db import transaction
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from carrefour.history.selectors import FIELD_LABELS
from carrefour.normalize.selectors import source_unmapped_terms
from carrefour.normalize.text import text_key
from carrefour.normalize.vocabularies import vocabularies
from carrefour.orchestration.jobs import job_start
from carrefour.orchestration.models import Job
from carrefour.orchestration.partner_tasks import source_mapping_reapply
from carrefour.projects.selectors import projects_by_raw
from carrefour.sources.definitions import VOCABULARY_KEYS
from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.versions import source_version_save

# Values of a term's choice in the form: not mapped (the term stays in the review list), deliberately
# ignored (null in the definition), else one code or several joined by commas.
UNMAPPED = ""
IGNORED = "-"
Target = str | list[str] | None


class MappingError(ValueError):
    """A mapping that cannot be saved, with the reasons a partner reads."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class TermRow:
    """One term of the page: its count and examples when unmapped, its current choice."""

    value: str
    choice: str = UNMAPPED
    # Suffix of the row's form fields (field-, term-, code-), unique on the page.
    key: str = ""
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
        unmapped = [
            TermRow(
                term.value, count=term.count, examples=[projects[r] for r in term.raw_ids if r in projects]
            )
            for term in terms
            if term.field == name
        ]
        mapped = [
            TermRow(str(term), choice=target_encode(target))
            for term, target in (current.get(name) or {}).items()
        ]
        for index, row in enumerate(unmapped + mapped):
            row.key = f"{name}-{index}"
        codes = sorted(vocabularies()[name].items(), key=lambda item: text_key(item[1]))
        blocks.append(VocabularyBlock(name, FIELD_LABELS.get(name, name), unmapped, mapped, codes))
    return blocks


def mapping_changes_parse(blocks: list[VocabularyBlock], form: Any) -> dict[str, dict[str, str]]:
    """The choices a partner changed on the page ({vocabulary: {term: choice}}); MappingError if invalid.

    Rows are posted as field-N, term-N and code-N; only terms the page listed are accepted.
    """
    known = {(b.name, row.value): row.choice for b in blocks for row in b.unmapped + b.mapped}
    codes = {b.name: {code for code, _label in b.codes} for b in blocks}
    changes: dict[str, dict[str, str]] = {}
    errors = []
    for key in form:
        if not key.startswith("term-"):
            continue
        index = key.removeprefix("term-")
        name, term, choice = form.get(f"field-{index}", ""), form.get(key, ""), form.get(f"code-{index}", "")
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


def source_definition_text(source: Source) -> str:
    """The YAML text of the source's definition in service (as its author wrote it when known)."""
    version = source.versions.filter(status=SourceVersion.Status.APPLIED).order_by("-number").first()
    if version is not None:
        return version.text
    return yaml.safe_dump(source.definition, allow_unicode=True, sort_keys=False)


def definition_text_vocabularies_set(text: str, changes: dict[str, dict[str, str]]) -> str:
    """The definition text with the changed terms of its `vocabularies` block; comments and order kept."""
    parser = YAML()  # round-trip: the partner's comments, key order and quoting survive
    parser.preserve_quotes = True
    parser.width = 4096
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
    out = io.StringIO()
    parser.dump(document, out)
    return out.getvalue()


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


def _new_terms(source: Source, changes: dict[str, dict[str, str]]) -> dict[str, list[str]] | None:
    """The changed terms when none was mapped before (only their records can change), else None (all)."""
    current = source.definition.get("vocabularies") or {}
    before = {(name, text_key(term)) for name, terms in current.items() for term in (terms or {})}
    if any((name, text_key(term)) in before for name, terms in changes.items() for term in terms):
        return None
    return {name: list(terms) for name, terms in changes.items()}


def source_mapping_save(
    source: Source, changes: dict[str, dict[str, str]], *, author: Any
) -> tuple[SourceVersion, Job]:
    """Save the changed mappings as a new version of the definition, then queue their re-application."""
    if source.review_status != Source.Review.VALIDATED:
        raise MappingError(["cette source n'est pas validée : ses fiches ne sont pas encore moissonnées"])
    if source.versions.filter(status=SourceVersion.Status.PENDING).exists():
        raise MappingError(
            [
                "une version de la définition attend la validation des administrateurs : les "
                "correspondances pourront être modifiées après sa validation ou son refus"
            ]
        )
    terms = _new_terms(source, changes)  # read before the save changes the source's definition
    text = definition_text_vocabularies_set(source_definition_text(source), changes)
    with transaction.atomic():
        # A save from the partner space: the source becomes a partner source, which the next import of
        # its file no longer overwrites.
        version = source_version_save(
            text,
            author=author,
            source=source,
            comment=mapping_comment(changes),
            origin=Source.Origin.PARTNER,
        )
        job = job_start(
            Job.Kind.MAPPING_REAPPLY,
            source_mapping_reapply,
            source.pk,
            terms,
            source=source,
            started_by=author,
        )
    return version, job
