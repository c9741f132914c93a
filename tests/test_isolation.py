"""Tests never read the developer's data: a stale `make run` (collected static files) changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from carrefour.env import BASE_DIR

# What `carrefour serve` collects: templates then ask for hashed names that the test server lacks.
BROWSER_TEST = "tests/web/test_browser.py::test_search_facets_map_and_project_page"
STATIC = [
    "web/carrefour.css",
    "web/map.js",
    "web/autocomplete.js",
    "leaflet/leaflet.js",
    "leaflet/leaflet.css",
]


def test_test_run_data_dir_is_not_the_developers() -> None:
    assert Path(settings.DATA_DIR).resolve() != (BASE_DIR / "var").resolve()
    assert not Path(settings.STATIC_ROOT).resolve().is_relative_to((BASE_DIR / "var").resolve())


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's chromium")
def test_browser_test_passes_over_a_stale_collectstatic(tmp_path: Path) -> None:
    stale = tmp_path / "var"
    (stale / "staticfiles").mkdir(parents=True)
    paths = {name: name.replace(".", ".0123456789ab.", 1) for name in STATIC}
    (stale / "staticfiles" / "staticfiles.json").write_text(json.dumps({"version": "1.1", "paths": paths}))
    # The developer's data dir as `make run` left it; SQLite: never this run's PostgreSQL test base.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"CARREFOUR_DATA_DIR": str(stale)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", BROWSER_TEST],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
