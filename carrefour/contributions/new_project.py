"""Proposing a new project (a project no partner publishes): its likely duplicates, recording, publishing."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from carrefour.accounts.roles import Action, user_can
from carrefour.contributions.models import REASON_MAX, Contribution
from carrefour.contributions.screening import contribution_hold_reasons
from carrefour.normalize.text import text_clean
from carrefour.orchestration.contributed import contributed_project_publish, contributed_project_withdraw
from carrefour.projects.merge import MERGED_FIELDS
from carrefour.projects.models import LOCATION, Project, ProjectChange
from carrefour.projects.overrides import values_clean
from carrefour.search.engine import SearchFailed
from carrefour.search.params import SearchParams
from carrefour.search.selectors import project_list_for_hits, project_search
from carrefour.territories.geocoder import ResolvedLocation

Status = Contribution.Status
DEFAULT_REASON = "Nouveau projet proposé sur le Carrefour."
DUPLICATES_MAX = 6


def proposal_fields(values: dict[str, Any], location: ResolvedLocation) -> dict[str, list[Any]]:
    """A proposal as stored: {field: [None, value]} for the fields filled, the place under LOCATION.

    Cleaned as harvested data is (HTML sanitised, sizes limited); raises ValueError (French message)
    for a value a project cannot take.
    """
    cleaned = values_clean({name: values.get(name) for name in MERGED_FIELDS if name in values})
    fields: dict[str, list[Any]] = {
        name: [None, value] for name, value in cleaned.items() if value not in (None, "", [])
    }
    if len(str(fields.get("title", [None, ""])[1])) < 2:
        raise ValueError("Donnez un titre au projet.")
    fields[LOCATION] = [None, values_clean({LOCATION: location.to_dict()})[LOCATION]]
    return fields


def proposal_payload(fields: dict[str, list[Any]]) -> dict[str, Any]:
    """The raw payload of a proposal, in the common schema the normalize stage reads."""
    values = {name: pair[1] for name, pair in fields.items() if name != LOCATION}
    place = fields[LOCATION][1]
    return {
        **values,
        "address": place.get("address") or None,
        "commune_code": place.get("commune_code"),
        "commune": place.get("commune_name"),
        "postal_code": place.get("postal_code"),
        "latitude": place.get("latitude"),
        "longitude": place.get("longitude"),
    }


def proposal_duplicates(values: dict[str, Any], location: ResolvedLocation) -> list[Project]:
    """Published projects the proposal may duplicate: its title's words in its commune, its whole title
    anywhere, its organisation's projects; the most likely first."""
    title = text_clean(values.get("title") or "", max_length=200)
    words = [word for word in title.replace('"', " ").split() if len(word) > 3][:8]
    searches = []
    if words and location.commune_code:
        searches.append(
            SearchParams(
                q=" OR ".join(words), territory=f"commune:{location.commune_code}", covering=False, per_page=3
            )
        )
    if title:
        searches.append(SearchParams(q=title.replace('"', " "), per_page=3))
    organization = text_clean(values.get("organization") or "", max_length=200).replace('"', " ")
    if organization:
        searches.append(SearchParams(q=f'org:"{organization}"', per_page=3))
    found: dict[int, Project] = {}
    for params in searches:
        try:
            hits = project_search(params=params, with_points=False, places=False, with_facets=False).hits
        except SearchFailed:
            break  # logged by the guard: the proposal goes on with the possible duplicates found so far
        for project in project_list_for_hits(hits):
            found.setdefault(project.pk, project)
    return list(found.values())[:DUPLICATES_MAX]


def _record_key(contribution: Contribution) -> str:
    """The record id of a proposal in the contributions source."""
    return f"contribution-{contribution.pk}"


def proposal_publish(contribution: Contribution, reason: str) -> Project:
    """Publish a proposal through the pipeline; the contribution then points to its project and change."""
    project = contributed_project_publish(
        _record_key(contribution), proposal_payload(contribution.fields), contribution.author, reason
    )
    contribution.project = project
    contribution.change = ProjectChange.objects.filter(project=project).order_by("-at", "-id").first()
    contribution.save(update_fields=["project", "change"])
    return project


def proposal_withdraw(contribution: Contribution) -> None:
    """Take a published proposal back: its record leaves the project (unpublished if it was alone)."""
    contributed_project_withdraw(_record_key(contribution))


@transaction.atomic
def project_propose(
    author: Any, values: dict[str, Any], location: ResolvedLocation, reason: str = ""
) -> Contribution:
    """Record a proposed new project; published at once when the author may publish without review
    and nothing holds it (quota, banned words, repeated text).

    Raises PermissionError for an account that may not propose, ValueError (French message) for a
    value refused.
    """
    if not user_can(author, Action.PROPOSE_PROJECT):
        raise PermissionError("proposer un projet n'est pas permis à ce compte")
    fields = proposal_fields(values, location)
    reason = text_clean(reason or "", max_length=REASON_MAX, multiline=True) or DEFAULT_REASON
    held = contribution_hold_reasons(author, None, fields, reason)
    contribution = Contribution.objects.create(
        kind=Contribution.Kind.NEW_PROJECT,
        project=None,
        author=author,
        fields=fields,
        reason=reason,
        hold_reasons=held,
    )
    if not held and user_can(author, Action.PUBLISH_WITHOUT_REVIEW):
        proposal_publish(contribution, reason)
        contribution.status = Status.PUBLISHED
        contribution.save(update_fields=["status"])
    return contribution
