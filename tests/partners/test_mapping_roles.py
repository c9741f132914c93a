"""The mapping page, "Moissonner maintenant" and the job page against every role of ROLES."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from carrefour.orchestration.jobs import job_start
from carrefour.orchestration.models import Job
from carrefour.orchestration.partner_tasks import source_harvest_now
from carrefour.sources.models import Source
from tests.accounts.conftest import ROLES, signed_in
from tests.contributions.test_roles import _expected

pytestmark = pytest.mark.django_db
# Written out apart from the matrix (carrefour/accounts/roles.py) so that a change there shows here.
EDITORS = {"administrator", "superuser", "org_member", "org_admin"}
ADMINISTRATORS = {"administrator", "superuser"}


@pytest.mark.parametrize("role", ROLES)
def test_own_source_pages_follow_the_matrix(role: str, make_user: Any, partner_source: Source) -> None:
    client = signed_in(make_user(role))
    _expected(role, EDITORS, client.get("/espace-partenaire/sources/regards-solidaires/vocabulaire"))
    response = client.post("/espace-partenaire/sources/regards-solidaires/moissonner")
    _expected(role, EDITORS, response)
    assert Job.objects.filter(kind=Job.Kind.HARVEST_NOW).count() == (role in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_other_organisation_source_pages_are_administrators_only(
    role: str, make_user: Any, world: dict[str, Any]
) -> None:
    client = signed_in(make_user(role))
    other = world["other_source"]
    Source.objects.filter(pk=other.pk).update(kind="json_api")
    _expected(role, ADMINISTRATORS, client.get(f"/espace-partenaire/sources/{other.slug}/vocabulaire"))
    _expected(role, ADMINISTRATORS, client.post(f"/espace-partenaire/sources/{other.slug}/moissonner"))


@pytest.mark.parametrize("role", ROLES)
def test_job_page_follows_the_rights_on_its_source(role: str, make_user: Any, world: dict[str, Any]) -> None:
    own = job_start(
        Job.Kind.HARVEST_NOW, source_harvest_now, world["own_source"].pk, source=world["own_source"]
    )
    other = job_start(
        Job.Kind.HARVEST_NOW, source_harvest_now, world["other_source"].pk, source=world["other_source"]
    )
    client = signed_in(make_user(role))
    _expected(role, EDITORS, client.get(f"/espace-partenaire/travaux/{own.pk}"))
    _expected(role, ADMINISTRATORS, client.get(f"/espace-partenaire/travaux/{other.pk}"))


def test_an_unknown_job_is_not_found(make_user: Any) -> None:
    assert signed_in(make_user("administrator")).get("/espace-partenaire/travaux/999").status_code == 404
    assert Client().get("/espace-partenaire/sources/inconnue/vocabulaire").status_code == 404
