"""Source definitions as versioned texts: check with line numbers, save, review, revert, diff."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml
from django.db import IntegrityError, transaction
from django.utils import timezone

from carrefour.sources.bounds import definition_partner_problems
from carrefour.sources.bounds import source_definition_bounded as source_definition_bounded
from carrefour.sources.bounds import source_hosts as source_hosts
from carrefour.sources.definitions import definition_checked
from carrefour.sources.lines import definition_line, problem_split, problem_text, syntax_error_at
from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.platforms import definition_platform_problems, version_platform_check
from carrefour.sources.rows import (
    source_fields,
    source_version_add,
    source_version_latest,
    source_vocabularies_path,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A definition is a few kilobytes; these bounds keep a hostile text from exhausting the server: YAML
# aliases multiply nodes once stored as JSON (18 aliases made 61 MB of 44 KB), deep nesting exhausts
# the recursion of the parser and of the checks.
MAX_TEXT_CHARS = 200_000
MAX_DEPTH = 30
MAX_DEFINITION_CHARS = 1_000_000
ANCHOR_REFUSED = "les ancres et alias YAML (&, *) ne sont pas acceptés"
# Words of the partner space's addresses beside source slugs (/espace-partenaire/sources/nouvelle…): a
# source with one of them as its slug would have pages the partner space's own routes hide.
RESERVED_SLUGS = frozenset({"nouvelle"})


@dataclass(frozen=True)
class DefinitionProblem:
    """One problem of a definition text: the line of the offending key (None if unknown), its path."""

    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        return problem_text(self.line, self.path, self.message)


class VersionStaleError(ValueError):
    """A text written on an older version than the newest: saving it would undo the versions since."""

    def __init__(self, seen: int, latest: SourceVersion | None) -> None:
        self.seen, self.latest = seen, latest
        super().__init__(f"written on version {seen}, the newest is {latest.number if latest else 0}")


class DefinitionTextError(ValueError):
    """A definition text that cannot be saved, with every problem found."""

    def __init__(self, problems: list[DefinitionProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def _located(root: yaml.Node | None, problems: list[tuple[str, str]]) -> list[DefinitionProblem]:
    """(key path, message) problems with the line of their key."""
    return [
        DefinitionProblem(definition_line(root, path, message), path, message) for path, message in problems
    ]


def _syntax_problem(exc: yaml.YAMLError) -> DefinitionProblem:
    """A YAML syntax error at its line."""
    line, message = syntax_error_at(exc)
    return DefinitionProblem(line, "", message)


def _structure_problem(text: str) -> DefinitionProblem | None:
    """The first anchor, alias or too deep nesting of a text, at its line (None when there is none)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            return DefinitionProblem(line, "", ANCHOR_REFUSED)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return DefinitionProblem(line, "", f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux)")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def definition_text_check(text: str) -> tuple[dict[str, Any] | None, list[DefinitionProblem]]:
    """Parse and validate a definition text: (definition, []) when valid, else (parsed or None, problems)."""
    if len(text) > MAX_TEXT_CHARS:
        return None, [
            DefinitionProblem(None, "", f"texte trop long ({len(text)} > {MAX_TEXT_CHARS} caractères)")
        ]
    try:
        refused = _structure_problem(text)
        if refused is not None:
            return None, [refused]
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        definition = yaml.safe_load(text)
        try:
            size = len(json.dumps(definition, default=str))
        except (TypeError, ValueError):
            # A key YAML reads as a date or a list (`2024-01-01: x`) cannot be stored as JSON.
            return None, [
                DefinitionProblem(
                    None,
                    "",
                    "chaque clé doit être du texte (une date ou une liste lue : mettez-la entre guillemets)",
                )
            ]
        if size > MAX_DEFINITION_CHARS:
            return None, [
                DefinitionProblem(
                    None, "", f"définition trop grande ({size} > {MAX_DEFINITION_CHARS} caractères)"
                )
            ]
        definition, problems = definition_checked(definition, vocabularies_path=source_vocabularies_path())
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(exc)]
    except RecursionError:
        return None, [DefinitionProblem(None, "", f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux)")]
    located = _located(root, [problem_split(problem) for problem in problems])
    return (dict(definition) if isinstance(definition, dict) else None), located


def _raise_at(text: str, problems: list[tuple[str, str]]) -> None:
    """Raise DefinitionTextError for (key path, message) problems found after the definition_checked."""
    if problems:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        raise DefinitionTextError(_located(root, problems))


def _apply(version: SourceVersion, *, reviewer: User | None = None) -> SourceVersion:
    """Put a version in service: the Source row follows its definition."""
    source = version.source
    for name, value in source_fields(version.definition).items():
        setattr(source, name, value)
    source.review_status, source.review_reason = Source.Review.VALIDATED, ""
    source.save()
    version.status = SourceVersion.Status.APPLIED
    if reviewer is not None:
        version.reviewed_by, version.reviewed_at = reviewer, timezone.now()
    version.save()
    return version


def _slug_taken(definition: dict[str, Any]) -> str:
    """The problem of a new source whose slug another source has."""
    return f"{definition['slug']!r} est déjà pris par une autre source : choisissez un autre slug"


def _source_create(definition: dict[str, Any], origin: str) -> Source:
    """The Source row of a new source, waiting for its review."""
    try:
        with transaction.atomic():
            return Source.objects.create(
                slug=definition["slug"],
                origin=origin,
                review_status=Source.Review.PENDING,
                **source_fields(definition),
            )
    except IntegrityError:
        # Created meanwhile by another request (the check before the transaction saw it free).
        raise DefinitionTextError([DefinitionProblem(None, "slug", _slug_taken(definition))]) from None


def source_version_save(
    text: str,
    *,
    author: User | None,
    source: Source | None = None,
    comment: str = "",
    origin: str = Source.Origin.PARTNER,
    version_seen: int | None = None,
) -> SourceVersion:
    """Save a definition text as a new version (source None: a new source); raise DefinitionTextError.

    `version_seen`: the newest version's number (0: none) the text was written on; VersionStaleError
    when a newer one was saved since (None: no check, for imports and reverts).
    """
    # `origin` is who submits: FILE only for the maintainers (file import, administrators; the caller
    # checks the role), PARTNER for everyone else. A partner's text is always bounded as a partner's, and
    # the source becomes a partner source: from then on the database, not the file, holds its definition.
    definition, problems = definition_text_check(text)
    if problems or definition is None:
        raise DefinitionTextError(problems)
    partner = origin == Source.Origin.PARTNER or (
        source is not None and source.origin == Source.Origin.PARTNER
    )
    extra = definition_partner_problems(definition) if partner else []
    # A partner's proposal waiting for review claims nothing against the maintainers' own files.
    extra += definition_platform_problems(definition, pending=partner)
    if source is None and definition["slug"] in RESERVED_SLUGS:
        extra.append(("slug", f"« {definition['slug']} » est un mot réservé des adresses du site"))
    elif source is None and Source.objects.filter(slug=definition["slug"]).exists():
        extra.append(("slug", _slug_taken(definition)))
    if source is not None and definition["slug"] != source.slug:
        extra.append(("slug", f"le slug d'une source ne change pas (il vaut {source.slug!r})"))
    _raise_at(text, extra)
    with transaction.atomic():
        created = source is None
        source = _source_create(definition, origin) if source is None else source
        source = Source.objects.select_for_update().get(pk=source.pk)
        latest = source_version_latest(source)
        if version_seen is not None and (latest.number if latest else 0) != version_seen:
            raise VersionStaleError(version_seen, latest)
        live = {SourceVersion.Status.APPLIED, SourceVersion.Status.PENDING}
        if latest is not None and latest.text == text and latest.status in live:
            return latest
        if partner and source.origin != Source.Origin.PARTNER:
            source.origin = Source.Origin.PARTNER
            source.save(update_fields=["origin", "updated_at"])
        # The newest text is what its author wants now: older proposals are withdrawn, never reviewed.
        source.versions.filter(status=SourceVersion.Status.PENDING).update(
            status=SourceVersion.Status.WITHDRAWN
        )
        # New sources and changes of hosts or platform wait for the administrators; others apply at once.
        same_hosts = source_hosts(definition) == source_hosts(source.definition)
        same_platform = definition.get("platform") == (source.definition or {}).get("platform")
        if not created and same_hosts and same_platform and source.review_status == Source.Review.VALIDATED:
            version = source_version_add(
                source, text, definition, status=SourceVersion.Status.APPLIED, author=author, comment=comment
            )
            return _apply(version)
        if source.review_status == Source.Review.REFUSED:
            source.review_status = Source.Review.PENDING
            source.save(update_fields=["review_status", "updated_at"])
        return source_version_add(
            source, text, definition, status=SourceVersion.Status.PENDING, author=author, comment=comment
        )


def _locked(version: SourceVersion) -> SourceVersion:
    """The version read again under lock, its source row locked first."""
    # source_version_save locks the source row, then the versions: the same order everywhere keeps
    # PostgreSQL from deadlocking a review against a save.
    source = Source.objects.select_for_update().get(pk=version.source_id)
    locked = SourceVersion.objects.select_for_update().get(pk=version.pk)
    locked.source = source
    return locked


def _pending(version: SourceVersion) -> None:
    """Only a pending version can be reviewed."""
    if version.status != SourceVersion.Status.PENDING:
        raise ValueError(
            f"version {version.number} of {version.source.slug} is {version.status}, not pending"
        )


def source_version_validate(version: SourceVersion, *, reviewer: User) -> SourceVersion:
    """Accept a pending version: it goes in service and its source is validated."""
    with transaction.atomic():
        version = _locked(version)
        _pending(version)
        # Checked at save too, but another source may have gone in service under it since.
        version_platform_check(version)
        return _apply(version, reviewer=reviewer)


def source_version_refuse(version: SourceVersion, *, reviewer: User, reason: str) -> SourceVersion:
    """Refuse a pending version with a reason its author reads; a never-validated source is refused too."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a refusal needs a reason")
    with transaction.atomic():
        version = _locked(version)
        _pending(version)
        version.status, version.review_reason = SourceVersion.Status.REFUSED, reason
        version.reviewed_by, version.reviewed_at = reviewer, timezone.now()
        version.save()
        source = version.source
        if source.review_status == Source.Review.PENDING:
            # A source already in service keeps running its live version; a new one is refused.
            source.review_status, source.review_reason = Source.Review.REFUSED, reason
            source.save(update_fields=["review_status", "review_reason", "updated_at"])
    return version


def source_version_revert(
    version: SourceVersion, *, author: User | None, origin: str = Source.Origin.PARTNER
) -> SourceVersion:
    """Save an older version's text again as the newest (reviewed like any change)."""
    return source_version_save(
        version.text,
        author=author,
        source=version.source,
        comment=f"Retour à la version {version.number}",
        origin=origin,
    )


def source_version_diff(version: SourceVersion) -> list[str]:
    """Unified diff lines of a version's text against the previous version's (empty text for the first)."""
    previous = version.source.versions.filter(number__lt=version.number).order_by("-number").first()
    return source_versions_diff(previous, version)


def source_versions_diff(before: SourceVersion | None, after: SourceVersion) -> list[str]:
    """Unified diff lines from one version's text to another's (from an empty text when before is None)."""
    return list(
        difflib.unified_diff(
            before.text.splitlines() if before else [],
            after.text.splitlines(),
            fromfile=f"version {before.number}" if before else "(aucune)",
            tofile=f"version {after.number}",
            lineterm="",
        )
    )
