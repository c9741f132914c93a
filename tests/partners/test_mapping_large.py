"""A source with 1,500 unmapped terms: its mapping page comes in pages each of which can be saved."""

from __future__ import annotations

import re
from typing import Any

from carrefour.harvest.models import RawRecord
from carrefour.orchestration.pipeline import pipeline_process
from carrefour.partners.mapping import PAGE_ROWS
from carrefour.sources.models import Source
from tests.accounts.conftest import signed_in
from tests.partners.conftest import NOW, mapping_form

URL = "/espace-partenaire/sources/regards-solidaires/vocabulaire"
TERMS = 1500


def _rows(page: str) -> list[str]:
    """The unmapped terms listed on the page, in order."""
    return re.findall(r'<tr class="terme-non-associe">\s*<td>([^<]+)</td>', page)


def test_thousands_of_unmapped_terms_are_mapped_page_by_page(partner_source: Source, make_user: Any) -> None:
    # 150 records with 10 terms each of their own, and one term they all share.
    raws = [
        RawRecord.objects.create(
            source=partner_source,
            source_record_id=f"grand-{n}",
            url=f"https://regards.example/grand/{n}",
            payload={
                "title": f"Initiative n°{n}",
                "themes": ["Thème partagé", *(f"Thème {n * 10 + i:04d}" for i in range(10))],
                "location_text": "Lyon (69)",
            },
            content_hash=f"grand-{n}",
            fetched_at=NOW,
            first_seen_at=NOW,
            last_seen_at=NOW,
        )
        for n in range(TERMS // 10)
    ]
    pipeline_process([raw.pk for raw in raws])
    client = signed_in(make_user("org_member"))
    page = client.get(URL).content.decode()
    assert f"Termes sans correspondance ({TERMS + 3})" in page  # the shared one, the fixture's two
    rows = _rows(page)
    assert len(rows) == PAGE_ROWS and rows[0] == "Thème partagé"  # the most frequent first
    response = client.post(URL, mapping_form(page, {"Thème partagé": "lien-social"}))
    assert response.status_code == 302
    last = client.get(f"{URL}?themes=16").content.decode()
    assert _rows(last)[-1] == "Thème 1499" and "16 / 16" in last
    response = client.post(f"{URL}?themes=16", mapping_form(last, {"Thème 1499": "environnement"}))
    assert response.status_code == 302
    partner_source.refresh_from_db()
    themes = partner_source.definition["vocabularies"]["themes"]
    assert themes["Thème partagé"] == "lien-social" and themes["Thème 1499"] == "environnement"
    assert "Thème 0000" not in themes and partner_source.versions.count() == 3
