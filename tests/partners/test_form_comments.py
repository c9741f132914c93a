"""A form save changes the partner's text in place: its comments, key order and quoting are kept."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from carrefour.partners.editor import starter_text
from carrefour.partners.kinds import definition_text_update, form_initial
from carrefour.sources.models import SourceVersion
from tests.accounts.conftest import signed_in
from tests.partners.editor_data import source_versioned

pytestmark = pytest.mark.django_db


def test_a_form_save_keeps_the_comments_of_the_text(make_user: Any, world: dict[str, Any]) -> None:
    source = world["own_source"]
    text = starter_text("csv").replace("slug: ma-source", f"slug: {source.slug}")
    text = text.replace("fields:\n", "# Colonnes de l'export de 2024.\nfields:\n")
    source_versioned(source, text)
    initial = form_initial(SourceVersion.objects.get(source=source).definition)
    assert initial is not None
    data = {key: value for key, value in initial.items() if key != "slug"}
    url = f"/espace-partenaire/sources/{source.slug}/formulaire"
    response = signed_in(make_user("org_member")).post(
        url, {**data, "field_title": "titre", "version": "1", "comment": "Le titre change de colonne"}
    )
    assert response.status_code == 302
    latest = SourceVersion.objects.filter(source=source).order_by("-number").first()
    assert latest is not None and latest.definition["fields"]["title"] == {"column": "titre"}
    assert latest.text.startswith("# Export CSV : une ligne par fiche")
    assert "# Colonnes de l'export de 2024.\nfields:\n  title: {column: titre}\n" in latest.text
    assert 'csv: {delimiter: ";", null_values: [""]}' in latest.text


def test_values_a_yaml_1_1_reader_would_misread_keep_their_meaning() -> None:
    text = "slug: a  # note\nkind: csv\ncsv: {delimiter: ';'}\nfields:\n  title: {column: titre}\n"
    definition = {
        "slug": "a",
        "kind": "csv",
        "csv": {"delimiter": ";", "null_values": ["no", "off", "~"]},
        "fields": {"title": {"column": "yes"}, "summary": {"column": "1:20"}},
    }
    changed = definition_text_update(text, definition)
    assert "# note" in changed
    assert yaml.safe_load(changed) == definition
