"""Docs that cannot drift: every setting and every command of the project is documented."""

from __future__ import annotations

from pathlib import Path

from django.core.management import get_commands

from carrefour.env import BASE_DIR, SETTINGS

README = (BASE_DIR / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme() -> None:
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in README]
    assert not missing, f"settings missing from README.md: {missing}"


def test_every_carrefour_command_is_documented_in_the_readme() -> None:
    ours = sorted(name for name, app in get_commands().items() if str(app).startswith("carrefour."))
    assert ours, "the project should define management commands"
    missing = [name for name in ours if f"carrefour {name}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_readme_gives_the_two_setup_commands_and_ci_runs_the_test_one() -> None:
    assert "make run" in README and "make test" in README
    assert "make test" in Path(BASE_DIR / ".ci" / "run").read_text()
