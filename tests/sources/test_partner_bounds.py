"""Partner-declared sources: public http(s) hosts only, capped runs, and nothing runs before validation."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from carrefour.harvest.selectors import source_list_due
from carrefour.sources.bounds import LOCAL_FILES, MAX_LOOKUP_ENTRIES, MAX_TOTAL_MB, ONLY_HOSTS
from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.versions import DefinitionTextError, source_definition_bounded, source_version_save

TEXT = """\
slug: jardins
name: Jardins partagés
kind: csv
base_url: "https://jardins.example.org"
start_urls: ["{start}"]
record_id: {{column: id}}
fields:
  title: {{column: nom}}
"""

pytestmark = pytest.mark.django_db


@pytest.fixture
def member() -> User:
    """A partner member."""
    return User.objects.create_user("membre")


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        ("file:///etc/passwd", "seules les adresses http:// et https:// sont permises"),
        ("real-data/ffe-laureats.csv", "seules les adresses http:// et https:// sont permises"),
        ("{shared_dir}/real-data/ffe-laureats.csv", "{shared_dir} n'est pas permis"),
        ("ftp://jardins.example.org/data.csv", "seules les adresses http:// et https:// sont permises"),
        ("http://127.0.0.1:8000/data.csv", "hôte refusé, il mène à une adresse privée ou locale"),
        ("http://10.1.2.3/data.csv", "hôte refusé, il mène à une adresse privée ou locale"),
        ("http://169.254.169.254/latest/meta-data", "hôte refusé, il mène à une adresse privée ou locale"),
        ("http://localhost:8000/data.csv", "'http://localhost:8000/data.csv' : hôte refusé"),
        ("http://[jardins/data.csv", "adresse invalide"),
    ],
)
def test_a_partner_cannot_declare_local_files_or_private_hosts(member: User, start: str, reason: str) -> None:
    with pytest.raises(DefinitionTextError) as info:
        source_version_save(TEXT.format(start=start), author=member)
    assert [(p.line, p.path) for p in info.value.problems] == [(5, "start_urls[0]")]
    assert reason in info.value.problems[0].message
    assert not Source.objects.exists()


def test_a_private_base_url_is_refused_at_its_line(member: User) -> None:
    text = TEXT.format(start="{base_url}/data.csv").replace("https://jardins.example.org", "http://10.0.0.7")
    with pytest.raises(DefinitionTextError) as info:
        source_version_save(text, author=member)
    assert [(p.line, p.path) for p in info.value.problems] == [(4, "base_url"), (5, "start_urls[0]")]


def test_hosts_listed_in_partner_allowed_hosts_are_accepted(member: User, settings: Any) -> None:
    settings.PARTNER_ALLOWED_HOSTS = ["127.0.0.1"]
    version = source_version_save(TEXT.format(start="http://127.0.0.1:8000/data.csv"), author=member)
    assert version.status == SourceVersion.Status.PENDING
    with pytest.raises(DefinitionTextError, match=r"localhost:8000/data\.csv' : hôte refusé"):
        source_version_save(TEXT.format(start="http://localhost:8000/data.csv"), author=member)


def test_repository_definitions_may_still_read_local_files(member: User) -> None:
    version = source_version_save(
        TEXT.format(start="real-data/ffe-laureats.csv"), author=None, origin=Source.Origin.FILE
    )
    assert version.source.origin == Source.Origin.FILE


def test_partner_runs_are_capped_and_use_the_partner_allowed_hosts(settings: Any) -> None:
    settings.PARTNER_ALLOWED_HOSTS = ["partenaire.test"]
    settings.HARVEST_ALLOWED_HOSTS = ["127.0.0.1"]
    declared = {
        "slug": "x",
        "base_url": "https://partenaire.test",
        "start_urls": ["https://partenaire.test/a", "https://cdn.partenaire.test/b.csv"],
        "politeness": {"max_pages": 5000, "max_duration": 60, "delay": 2, "obey_robots": False},
    }
    bounded, hosts = source_definition_bounded(Source.Origin.PARTNER, declared)
    assert hosts == ["partenaire.test"]
    assert bounded["politeness"] == {
        "max_pages": 2000,
        "max_duration": 60,
        "max_size_mb": 100,
        "delay": 2,
        "obey_robots": True,
        "concurrency": 2,
        LOCAL_FILES: False,
        ONLY_HOSTS: ["cdn.partenaire.test", "partenaire.test"],
        MAX_TOTAL_MB: 100,  # the whole run, beside max_size_mb for each response
        MAX_LOOKUP_ENTRIES: 5000,  # codes of each lookup table
    }
    assert declared["politeness"]["max_pages"] == 5000  # the stored definition is left as written
    # Silent definitions get the caps too; repository sources are left alone.
    silent, _ = source_definition_bounded(Source(origin=Source.Origin.PARTNER), {"slug": "x"})
    assert silent["politeness"]["max_duration"] == 1800
    hasty = {"slug": "x", "politeness": {"delay": 0, "concurrency": 16}}
    assert source_definition_bounded(Source.Origin.PARTNER, hasty)[0]["politeness"]["delay"] == 0.1
    assert source_definition_bounded(Source.Origin.PARTNER, hasty)[0]["politeness"]["concurrency"] == 2
    assert source_definition_bounded(Source(origin=Source.Origin.FILE), declared) == (declared, ["127.0.0.1"])


def test_only_validated_sources_are_due_or_harvested(member: User) -> None:
    pending = source_version_save(TEXT.format(start="https://jardins.example.org/data.csv"), author=member)
    refused = source_version_save(
        TEXT.format(start="https://vergers.example.org/data.csv").replace("jardins", "vergers"), author=member
    )
    refused.source.review_status = Source.Review.REFUSED
    refused.source.save()
    Source.objects.create(slug="valide", name="Valide", kind="csv")
    assert [source.slug for source in source_list_due()] == ["valide"]
    with pytest.raises(CommandError) as info:
        call_command("harvest", "jardins", "vergers", "--no-pipeline")
    assert str(info.value) == (
        "not validated, not harvested: jardins (en attente de validation), vergers (refusée)"
    )
    assert not pending.source.runs.exists()


def test_a_partner_editing_a_file_source_is_bounded_as_a_partner(member: User) -> None:
    file_text = TEXT.format(start="{shared_dir}/real-data/ffe-laureats.csv")
    source = source_version_save(file_text, author=None, origin=Source.Origin.FILE).source
    with pytest.raises(DefinitionTextError, match="shared_dir} n'est pas permis"):
        source_version_save(file_text.replace("Jardins partagés", "Jardins"), author=member, source=source)
    source.refresh_from_db()
    assert (source.origin, source.name) == (Source.Origin.FILE, "Jardins partagés")


def test_a_partner_source_is_harvested_at_most_daily(member: User) -> None:
    text = TEXT.format(start="https://jardins.example.org/data.csv") + "frequency: hourly\n"
    with pytest.raises(DefinitionTextError) as info:
        source_version_save(text, author=member)
    assert [(p.line, p.path) for p in info.value.problems] == [(9, "frequency")]
    assert "au plus une fois par jour" in info.value.problems[0].message
    assert source_version_save(text.replace("hourly", "daily"), author=member).number == 1
