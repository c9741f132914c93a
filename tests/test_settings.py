"""Settings come from the environment and fail fast in production."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from carrefour.env import ImproperlyConfiguredError, database_config


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-m", "carrefour.cli", "check", "--deploy"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "carrefour.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key_or_with_debug() -> None:
    missing = _check({"CARREFOUR_PRODUCTION": "1", "ALLOWED_HOSTS": "carrefour.example.org"})
    assert missing.returncode != 0 and "SECRET_KEY must be set" in missing.stderr
    debug = _check({"CARREFOUR_PRODUCTION": "1", "SECRET_KEY": "x" * 60, "DEBUG": "1"})
    assert debug.returncode != 0 and "DEBUG cannot be on" in debug.stderr


def test_debug_is_off_unless_asked() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        env={
            **{k: v for k, v in os.environ.items() if k != "DEBUG"},
            "DJANGO_SETTINGS_MODULE": "carrefour.settings",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


def test_database_url_parsing() -> None:
    config = database_config("postgresql://carrefour:s%40cret@db.example.org:5433/carrefour?sslmode=require")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"], config["NAME"]) == (
        "carrefour",
        "s@cret",
        "db.example.org",
        "5433",
        "carrefour",
    )
    assert config["OPTIONS"] == {"sslmode": "require"}
    socket = database_config("postgresql://postgres@/carrefour?host=/tmp/pg&port=54329")
    assert (socket["HOST"], socket["PORT"]) == ("/tmp/pg", "54329")
    with pytest.raises(ImproperlyConfiguredError):
        database_config("mysql://root@localhost/carrefour")
    assert database_config("")["ENGINE"] == "django.db.backends.sqlite3"
