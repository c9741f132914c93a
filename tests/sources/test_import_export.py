"""Definition files as import/export format: `carrefour sources import|export`, versions from files."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.services import source_load_all
from carrefour.sources.versions import source_version_save

pytestmark = pytest.mark.django_db

TEXT = """\
# Les jardins du quartier (commentaire gardé tel quel)
slug: {slug}
name: {name}
kind: csv
start_urls: ["https://jardins.example.org/data.csv"]
record_id: {{column: id}}
fields:
  title: {{column: nom}}
"""


def write(directory: Path, slug: str, name: str = "Jardins") -> Path:
    """A definition file."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{slug}.yml"
    path.write_text(TEXT.format(slug=slug, name=name), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Output of a `carrefour sources …` command."""
    call_command("sources", *args)
    return capsys.readouterr().out


def test_import_creates_applied_versions_only_for_changed_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "a", "jardins")
    write(tmp_path / "a", "vergers", "Vergers")
    lone = write(tmp_path / "b", "ruches", "Ruches")
    out = run(capsys, "import", str(tmp_path / "a"), str(lone))
    assert "3 created: jardins, vergers, ruches" in out and "0 updated\n" in out
    version = Source.objects.get(slug="jardins").versions.get()
    assert (version.number, version.status, version.author) == (1, SourceVersion.Status.APPLIED, None)
    assert version.text.startswith("# Les jardins du quartier")
    write(tmp_path / "a", "jardins", "Jardins partagés")
    out = run(capsys, "import", str(tmp_path / "a"))
    assert "1 updated: jardins" in out and "1 unchanged: vergers" in out
    source = Source.objects.get(slug="jardins")
    assert source.name == "Jardins partagés" and source.versions.count() == 2
    # Importing named files never disables the sources left out.
    assert Source.objects.get(slug="ruches").enabled


def test_an_invalid_file_blocks_the_import_with_its_problem(tmp_path: Path) -> None:
    write(tmp_path, "jardins")
    (tmp_path / "casse.yml").write_text("slug: casse\nkind: [html\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"casse\.yml: définition de source invalide"):
        call_command("sources", "import", str(tmp_path))
    with pytest.raises(CommandError, match="no such file or directory"):
        call_command("sources", "import", str(tmp_path / "absent.yml"))
    assert not Source.objects.exists()


def test_a_file_never_overwrites_a_source_edited_by_its_partner(
    tmp_path: Path, settings: Any, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    version = source_version_save(
        TEXT.format(slug="jardins", name="Du partenaire"), author=User.objects.create()
    )
    write(tmp_path, "jardins", "Du fichier")
    write(tmp_path, "vergers", "Vergers")
    settings.SOURCES_DIR = tmp_path
    with caplog.at_level(logging.WARNING):
        loaded = source_load_all()
    assert [source.slug for source in loaded] == ["vergers"]
    assert "jardins: edited by its partner" in caplog.text
    source = Source.objects.get(slug="jardins")
    assert source.name == "Du partenaire" and list(source.versions.all()) == [version]
    assert source.enabled  # not a file source: the sync leaves it alone
    assert "1 skipped (edited by their partner): jardins" in run(capsys, "import")


def test_export_then_import_round_trips_the_definitions(
    tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    source_load_all()  # the repository's definitions
    partner = source_version_save(TEXT.format(slug="jardins", name="Jardins"), author=User.objects.create())
    Source.objects.create(
        slug="ancienne",
        name="Ancienne",
        kind="csv",
        definition=yaml.safe_load(TEXT.format(slug="ancienne", name="Ancienne")),
    )
    out = run(capsys, "export", "--output", str(tmp_path / "export"))
    files = {path.stem: path for path in (tmp_path / "export").glob("*.yml")}
    assert f"{len(files)} definitions written" in out
    repository = Path(settings.SOURCES_DIR) / "regards-solidaires.yml"
    assert files["regards-solidaires"].read_text(encoding="utf-8") == repository.read_text(encoding="utf-8")
    # A pending partner source has no version in service yet: its definition is dumped as YAML.
    assert yaml.safe_load(files["jardins"].read_text(encoding="utf-8")) == partner.definition
    assert yaml.safe_load(files["ancienne"].read_text(encoding="utf-8"))["name"] == "Ancienne"
    Source.objects.filter(slug__in=["jardins", "ancienne"]).delete()
    out = run(
        capsys, "import", str(files["jardins"]), str(files["ancienne"]), str(files["regards-solidaires"])
    )
    assert "2 created: jardins, ancienne" in out and "1 unchanged: regards-solidaires" in out
    assert Source.objects.get(slug="jardins").definition == partner.definition
    with pytest.raises(CommandError, match=r"unknown source.*: inconnue"):
        call_command("sources", "export", "inconnue", "--output", str(tmp_path))


def test_a_partner_edit_of_a_file_source_makes_it_a_partner_source_the_file_no_longer_overwrites(
    tmp_path: Path, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SOURCES_DIR = tmp_path
    write(tmp_path, "jardins", "Du fichier")
    source = source_load_all()[0]
    assert source.origin == Source.Origin.FILE
    edited = TEXT.format(slug="jardins", name="Du partenaire")
    version = source_version_save(edited, author=User.objects.create_user("membre"), source=source)
    assert version.status == SourceVersion.Status.APPLIED
    with caplog.at_level(logging.WARNING):
        assert source_load_all() == []  # the next `carrefour harvest` starts with this sync
    assert "jardins: edited by its partner" in caplog.text
    source.refresh_from_db()
    assert (source.origin, source.name) == (Source.Origin.PARTNER, "Du partenaire")


def test_an_administrator_browser_edit_is_not_overwritten_until_the_file_says_the_same(
    tmp_path: Path, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SOURCES_DIR = tmp_path
    path = write(tmp_path, "jardins", "Du fichier")
    source = source_load_all()[0]
    edited = TEXT.format(slug="jardins", name="De l'administrateur")
    admin = User.objects.create_user("admin", is_staff=True)
    source_version_save(edited, author=admin, source=source, origin=Source.Origin.FILE)
    with caplog.at_level(logging.WARNING):
        assert source_load_all() == []
    assert "jardins: edited in the browser" in caplog.text
    source.refresh_from_db()
    assert (source.origin, source.name) == (Source.Origin.FILE, "De l'administrateur")
    # The maintainers commit the exported text: the file is in charge again.
    path.write_text(edited, encoding="utf-8")
    assert [loaded.slug for loaded in source_load_all()] == ["jardins"]
    path.write_text(TEXT.format(slug="jardins", name="Fichier suivant"), encoding="utf-8")
    source_load_all()
    assert Source.objects.get(slug="jardins").name == "Fichier suivant"


def test_a_full_import_never_disables_a_partner_source_whose_old_file_is_gone(
    tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.SOURCES_DIR = tmp_path
    write(tmp_path, "jardins", "Du fichier")
    write(tmp_path, "vergers", "Vergers")
    jardins, vergers = source_load_all()
    source_version_save(
        TEXT.format(slug="jardins", name="Du partenaire"),
        author=User.objects.create_user("membre"),
        source=jardins,
    )
    # The maintainers delete both files: the partner's source is the partner's, the other one goes.
    for slug in ("jardins", "vergers"):
        (tmp_path / f"{slug}.yml").unlink()
    stamp = Source.objects.get(slug="vergers").updated_at
    run(capsys, "import")
    jardins.refresh_from_db()
    vergers.refresh_from_db()
    assert jardins.origin == Source.Origin.PARTNER and jardins.definition_path
    assert jardins.enabled and not vergers.enabled
    # The disabled source is stamped: the public pages, cached on that stamp, drop it at once.
    assert vergers.updated_at > stamp
