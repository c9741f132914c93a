"""The dashboard of a source shows the records its definition's filters skipped, apart from rejections."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from carrefour.harvest.models import HarvestRun
from tests.accounts.conftest import signed_in
from tests.dedup.conftest import NOW

pytestmark = pytest.mark.django_db


def test_records_skipped_by_the_filters_are_listed_per_reason_beside_the_rejections(
    make_user: Any, world: dict[str, Any]
) -> None:
    HarvestRun.objects.create(
        source=world["own_source"],
        started_at=NOW,
        finished_at=NOW + timedelta(seconds=30),
        status="success",
        records_seen=612,
        records_rejected=0,
        records_skipped=[["non publiable selon la source", 307], ["sans nom", 2]],
    )
    page = signed_in(make_user("org_member")).get("/espace-partenaire/sources/source-own/").content.decode()
    assert "Écartées par les filtres de la définition" in page
    assert "<td>—</td>\n                <td>non publiable selon la source (307) ; sans nom (2)</td>" in page
