"""The source editor's logic: hostile-text guards, starters, option docs, numbered lines, create, review."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse

from carrefour.accounts.models import Membership, Organisation, OrganisationSource
from carrefour.accounts.roles import Action, user_can
from carrefour.accounts.services import organisation_source_add
from carrefour.contributions.links import site_link
from carrefour.contributions.models import Notification
from carrefour.orchestration.reapply import source_mapping_changes_reapply
from carrefour.orchestration.tasks import email_send
from carrefour.sources.bounds import source_hosts
from carrefour.sources.definitions import definition_schema
from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.platforms import PlatformTakenError
from carrefour.sources.versions import (
    DefinitionProblem,
    source_version_refuse,
    source_version_save,
    source_version_validate,
    source_versions_diff,
)

SIGNATURE = "Le Carrefour des innovations sociales"
STARTERS_DIR = Path(__file__).with_name("starters")
STARTER_KINDS = {
    "html": "Pages HTML",
    "json_api": "API JSON",
    "csv": "Fichier CSV",
    "geojson": "Couche GeoJSON",
}
# Sections of the schema documented beside the editor, in the order a definition is written.
DOC_SECTIONS = ("politeness", "pagination", "list", "csv", "incremental")
# Shared blocks of the schema ($defs) shown with their own title.
DOC_DEFINITIONS = (
    ("Extracteurs", "extractor"),
    ("Filtres (filters)", "filter"),
    ("Tables de correspondance (lookups)", "lookup"),
)


@transaction.atomic
def source_create_for_organisation(
    text: str, *, author: Any, organisation: Organisation, comment: str = ""
) -> SourceVersion:
    """A new partner source (pending validation) published by the organisation."""
    version = source_version_save(text, author=author, source=None, comment=comment)
    organisation_source_add(organisation, version.source)
    return version


def starter_text(kind: str) -> str:
    """The starting definition of a kind (html, json_api, csv, geojson)."""
    if kind not in STARTER_KINDS:
        kind = "html"
    return (STARTERS_DIR / f"{kind}.yml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class OptionDoc:
    """One option of the definition language, as the schema describes it."""

    key: str
    description: str
    required: bool = False


def option_docs() -> list[tuple[str, list[OptionDoc]]]:
    """The options of the schema with their descriptions, by section (top level, blocks, extractors)."""
    schema = definition_schema()
    required = set(schema.get("required", []))
    top = [
        OptionDoc(key, spec.get("description", ""), key in required)
        for key, spec in schema["properties"].items()
    ]
    sections = [("Clés de premier niveau", top)]
    for block in DOC_SECTIONS:
        properties = schema["properties"][block].get("properties", {})
        sections.append((block, [OptionDoc(k, s.get("description", "")) for k, s in properties.items()]))
    for title, name in DOC_DEFINITIONS:
        properties = schema["$defs"][name]["properties"]
        sections.append((title, [OptionDoc(k, s.get("description", "")) for k, s in properties.items()]))
    return sections


@dataclass(frozen=True)
class NumberedLine:
    """A line of the text being edited, with the problems pointing at it."""

    number: int
    text: str
    problems: tuple[str, ...] = ()


def text_lines(text: str, problems: list[DefinitionProblem]) -> list[NumberedLine]:
    """The text's lines numbered from 1, each with its problems (for the gutter and the error list)."""
    by_line: dict[int, list[str]] = {}
    for problem in problems:
        if problem.line is not None:
            by_line.setdefault(problem.line, []).append(problem.message)
    lines = text.split("\n") or [""]
    return [NumberedLine(n, line, tuple(by_line.get(n, ()))) for n, line in enumerate(lines, start=1)]


def user_editable_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations the account may create sources for (all of them for administrators)."""
    organisations = Organisation.objects.order_by("name")
    if user_can(user, Action.EDIT_OWN_ORGANISATION_SOURCES):
        return organisations
    return organisations.filter(memberships__user=user).distinct()


def source_organisation(source: Source) -> Organisation | None:
    """The organisation publishing a source, if any."""
    return Organisation.objects.filter(organisationsource__source=source).first()


def pending_versions() -> QuerySet[SourceVersion]:
    """Versions waiting for an administrator, oldest first."""
    return (
        SourceVersion.objects.filter(status=SourceVersion.Status.PENDING)
        .select_related("source", "author")
        .order_by("created_at", "pk")
    )


def source_save_origin(user: Any, source: Source) -> str:
    """Who a browser save speaks for: an administrator keeps a repository source the file's, else partner."""
    # A FILE source stays FILE: its bounds stay the maintainers', and `sources import` skips it only until
    # the file says the same (docs/sources.md, "Importer et exporter").
    if source.origin == Source.Origin.FILE and user_can(user, Action.VALIDATE_SOURCE):
        return Source.Origin.FILE
    return Source.Origin.PARTNER


@dataclass(frozen=True)
class PendingReview:
    """One version of the validation queue, with what the reviewer compares it to."""

    version: SourceVersion
    organisation: Organisation | None
    live: SourceVersion | None
    diff: list[str]
    hosts: tuple[list[str], list[str]]
    own: bool


def pending_reviews(versions: list[SourceVersion], *, reviewer: Any) -> list[PendingReview]:
    """The queue's versions against the version in service of their source, in three queries."""
    sources = {version.source_id for version in versions}
    organisations = {
        link.source_id: link.organisation
        for link in OrganisationSource.objects.filter(source_id__in=sources).select_related("organisation")
    }
    live: dict[int, SourceVersion] = {}
    applied = SourceVersion.objects.filter(source_id__in=sources, status=SourceVersion.Status.APPLIED)
    for version in applied.order_by("source_id", "-number"):
        live.setdefault(version.source_id, version)
    reviews = []
    for version in versions:
        before = live.get(version.source_id)
        hosts = (definition_hosts(before.definition) if before else [], definition_hosts(version.definition))
        reviews.append(
            PendingReview(
                version=version,
                organisation=organisations.get(version.source_id),
                live=before,
                diff=source_versions_diff(before, version),
                hosts=hosts,
                own=version.author_id is not None and version.author_id == getattr(reviewer, "pk", None),
            )
        )
    return reviews


class ReviewRefusedError(ValueError):
    """A decision this reviewer may not take, or on a version no longer pending; the message in French."""


def definition_hosts(definition: dict[str, Any]) -> list[str]:
    """Where a definition fetches from (what a change of hosts changes), sorted for display."""
    return sorted(source_hosts(definition))


@transaction.atomic
def source_version_decide(version: SourceVersion, *, reviewer: Any, accept: bool, reason: str = "") -> str:
    """Validate or refuse a pending version and tell the organisation's members; the message shown."""
    if version.author_id is not None and version.author_id == reviewer.pk:
        # Four eyes: what an administrator writes runs on the partner's site only once another one read it.
        raise ReviewRefusedError(
            f"vous êtes l'auteur de la version {version.number} : un autre administrateur doit la valider "
            "ou la refuser"
        )
    before = dict(version.source.definition)  # the stored records were built with it
    try:
        if accept:
            source_version_validate(version, reviewer=reviewer)
        else:
            source_version_refuse(version, reviewer=reviewer, reason=reason)
    except PlatformTakenError as error:
        raise ReviewRefusedError(str(error)) from None
    except ValueError:
        version.refresh_from_db(fields=["status"])
        raise ReviewRefusedError(
            f"la version {version.number} n'attend plus de décision (elle est désormais « "
            f"{version.get_status_display()} ») : un autre administrateur l'a traitée, ou son auteur "
            "l'a remplacée par une version plus récente"
        ) from None
    if accept:
        source_mapping_changes_reapply(version.source, before, user=reviewer)
        message = f"La version {version.number} de la source « {version.source.name} » est validée."
    else:
        message = (
            f"La version {version.number} de la source « {version.source.name} » est refusée. "
            f"Motif : {reason}"
        )
    _members_notify(version.source, message)
    return message


def _members_notify(source: Source, message: str) -> None:
    """Tell the members of the source's organisation on the site and by e-mail (queued)."""
    members = [m.user for m in Membership.objects.filter(organisation__organisationsource__source=source)]
    Notification.objects.bulk_create([Notification(user=user, message=message) for user in members])
    emails = sorted({user.email for user in members if user.email})
    if not emails:
        return
    link = site_link(reverse("partner-source-versions", args=[source.slug]))
    body = f"Bonjour,\n\n{message}\n\nLes versions de la source : {link}\n\n{SIGNATURE}"
    subject = f"Votre source « {source.name} » au Carrefour des innovations sociales"
    for email in emails:  # one message each: members do not see each other's addresses
        email_send.enqueue([email], subject, body)
