"""Conflicts no source names (a value blanked, a location without precision) belong to the feeding sources."""

from __future__ import annotations

from typing import Any

import pytest

from carrefour.contributions.models import Notification
from carrefour.orchestration.pipeline import pipeline_process
from carrefour.projects.models import FieldOverride, Project, ProjectChange
from carrefour.projects.overrides import project_fields_edit
from tests.accounts.conftest import ROLES, signed_in
from tests.dedup.conftest import RawFactory
from tests.partners.test_conflict_sources import _other_member
from tests.partners.test_dashboard import DASHBOARD, PLACE

pytestmark = pytest.mark.django_db
ALLOWED = {"org_member", "org_admin", "administrator", "superuser"}
LOCATION = {
    "location_text": "Montreuil",
    "commune_name": "Montreuil",
    "commune_code": "93048",
    "departement_code": "93",
    "region_code": "11",
    "latitude": 48.86,
    "longitude": 2.44,
}


def _blanked(raw: RawFactory, field: str) -> FieldOverride:
    """A field corrected by hand, then emptied by a new harvest of source-own: no source gives it now."""
    record = raw("source-own", "1", title="Jardin des Lilas", summary="Un jardin.", **PLACE)
    pipeline_process([record.pk], update_index=False)
    project = Project.objects.get(sources__raw=record)
    edit = {"organization": "Association des Lilas"} if field == "organization" else {"location": LOCATION}
    project_fields_edit(project, edit, None, reason="Vu sur place")
    kept = (
        {"location_text": PLACE["location_text"]}
        if field == "organization"
        else {"organization": "Les Lilas"}
    )
    raw("source-own", "1", title="Jardin des Lilas", summary="Un jardin.", **kept)
    pipeline_process([record.pk], update_index=False)
    return FieldOverride.objects.get(project=project, field=field, conflict=True)


@pytest.mark.parametrize("field", ["organization", "location"])
def test_a_conflict_no_source_names_is_listed_counted_and_told_to_the_publisher(
    field: str, make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    member, other = make_user("org_member"), _other_member(world)
    override = _blanked(raw, field)
    # No source gives the value in conflict: the change row names none.
    change = ProjectChange.objects.filter(project=override.project, kind=ProjectChange.Kind.SOURCE_CHANGED)
    assert change.exists() and not change.exclude(source_slug="").exists()
    client = signed_in(member)
    assert "Votre source contredit une correction (1)" in client.get(DASHBOARD).content.decode()
    assert "1 correction contredite par vos sources" in client.get("/espace-partenaire/").content.decode()
    told = Notification.objects.filter(user=member).values_list("message", flat=True)
    assert any("Jardin des Lilas" in message for message in told)
    # A member of an organisation whose source does not feed the project is neither told nor shown it.
    assert not Notification.objects.filter(user=other).exists()
    assert "contredite" not in signed_in(other).get("/espace-partenaire/").content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_a_blanked_field_s_conflict_is_settled_by_the_publisher_s_organisation_only(
    role: str, make_user: Any, world: dict[str, Any], raw: RawFactory
) -> None:
    override = _blanked(raw, "organization")
    response = signed_in(make_user(role)).post(f"{DASHBOARD}conflits/{override.pk}/reprendre")
    left = FieldOverride.objects.filter(pk=override.pk, conflict=True).exists()
    if role in ALLOWED:
        assert response.status_code == 302 and not left
    else:
        assert response.status_code == (302 if role == "visitor" else 403) and left
        assert role != "visitor" or "/compte/login" in response["Location"]
