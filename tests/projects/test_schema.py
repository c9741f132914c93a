"""The published common schema: in step with the partners' vocabularies and with what we export."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.conf import settings
from django.core.management import call_command

from carrefour.projects.exports import project_export
from tests.simulator import SHARED_DIR

SCHEMA = json.loads((Path(settings.SCHEMA_DIR) / "project.schema.json").read_text(encoding="utf-8"))
OURS = json.loads((Path(settings.SCHEMA_DIR) / "vocabularies.json").read_text(encoding="utf-8"))


def test_our_vocabulary_copy_matches_the_partners_one() -> None:
    shared = json.loads((SHARED_DIR / "schema" / "vocabularies.json").read_text(encoding="utf-8"))
    for name in ("themes", "publics", "actor_types", "scales", "statuses", "location_precisions"):
        assert OURS[name] == shared[name], name


def test_schema_enums_are_the_vocabulary_codes() -> None:
    props = SCHEMA["properties"]
    assert set(props["themes"]["items"]["enum"]) == set(OURS["themes"])
    assert set(props["publics"]["items"]["enum"]) == set(OURS["publics"])
    assert set(props["actor_type"]["enum"]) - {None} == set(OURS["actor_types"])
    assert set(props["status"]["enum"]) == set(OURS["statuses"])
    assert SCHEMA["version"] == "1.0.0"


@pytest.mark.django_db
def test_every_exported_project_validates_against_the_schema(corpus: Path) -> None:
    call_command("import", str(corpus), stdout=io.StringIO(), stderr=io.StringIO())
    buffer = io.StringIO()
    project_export("jsonl", buffer)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    projects: list[dict[str, Any]] = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert projects
    for project in projects:
        errors = [e.message for e in validator.iter_errors(project)]
        assert not errors, (project["title"], errors)
