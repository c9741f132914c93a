"""The one-way rule between apps, checked by the import-linter contract of pyproject.toml."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template import engines

from carrefour.env import BASE_DIR

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run the real contract (root/pyproject.toml) on the package under root, without cache."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_the_layering_contract() -> None:
    result = _lint_imports(BASE_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_stage_importing_the_orchestration_breaks_the_contract(tmp_path: Path) -> None:
    shutil.copy(BASE_DIR / "pyproject.toml", tmp_path)
    package = tmp_path / "carrefour"
    shutil.copytree(BASE_DIR / "carrefour", package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "harvest" / "upward.py").write_text(
        '"""A harvest module reaching up."""\n\nfrom carrefour.orchestration import pipeline\n'
    )
    result = _lint_imports(tmp_path)
    assert result.returncode == 1
    assert "BROKEN" in result.stdout
    assert "carrefour.harvest.upward -> carrefour.orchestration.pipeline" in result.stdout


@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    """Guardrail (as les-emplois): a model change without its migration fails here, not in production."""
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())


def test_an_unknown_template_variable_fails_the_test_rendering_it() -> None:
    with pytest.raises(NameError, match="nulle_part"):
        engines["django"].from_string("<p>{{ nulle_part }}</p>").render({})
