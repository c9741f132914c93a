"""Docs that cannot drift: every setting and every command of the project is documented."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
from pathlib import Path
from types import ModuleType

from django.apps import apps
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


def _architecture_rows() -> dict[str, tuple[set[str], list[str]]]:
    """App → (models, public functions) as docs/architecture.md's table of apps gives them."""
    text = (BASE_DIR / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"`[a-z_]+`", cells[0]):
            rows[cells[0].strip("`")] = (
                set(re.findall(r"`(\w+)`", cells[2])),
                re.findall(r"`([\w.]+)`", cells[3]),
            )
    return rows


def _public_functions(module: ModuleType) -> set[str]:
    """Functions a module offers: its __all__, else the public functions it defines."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            n
            for n, obj in vars(module).items()
            if inspect.isfunction(obj) and obj.__module__ == module.__name__
        ]
    return {n for n in names if not n.startswith("_") and inspect.isfunction(getattr(module, n))}


def test_architecture_table_lists_every_app_with_its_models() -> None:
    rows = _architecture_rows()
    ours = sorted(
        c.name.removeprefix("carrefour.") for c in apps.get_app_configs() if c.name.startswith("carrefour.")
    )
    assert sorted(rows) == ours
    for app, (models, _functions) in rows.items():
        assert models == {m.__name__ for m in apps.get_app_config(app).get_models()}, app


def test_architecture_table_names_exactly_the_public_functions_of_services_and_selectors() -> None:
    for app, (_models, functions) in _architecture_rows().items():
        offered: set[str] = set()
        for name in ("services", "selectors"):
            if importlib.util.find_spec(f"carrefour.{app}.{name}"):
                offered |= _public_functions(importlib.import_module(f"carrefour.{app}.{name}"))
        listed = {f for f in functions if "." not in f}
        assert listed == offered, (
            f"{app}: documented {sorted(listed)}, services/selectors offer {sorted(offered)}"
        )
        for dotted in (f for f in functions if "." in f):
            module, _, function = dotted.rpartition(".")
            found = getattr(importlib.import_module(f"carrefour.{app}.{module}"), function, None)
            assert inspect.isfunction(inspect.unwrap(found)), (
                f"{app}: {dotted} is not a function of carrefour.{app}.{module}"
            )
