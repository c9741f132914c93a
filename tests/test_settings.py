"""Settings come from the environment and fail fast in production."""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from carrefour.env import BASE_DIR, ImproperlyConfiguredError, database_config


def _clean_env() -> dict[str, str]:
    """This process's environment without the settings a test sets itself."""
    # The browser tests' session sets DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses.
    unset = {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {k: v for k, v in os.environ.items() if k not in unset}


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "carrefour.cli", "check", "--deploy"],
        env={**_clean_env(), "DJANGO_SETTINGS_MODULE": "carrefour.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key_or_with_debug() -> None:
    missing = _check({"CARREFOUR_PRODUCTION": "1", "ALLOWED_HOSTS": "carrefour.example.org"})
    assert missing.returncode != 0 and "SECRET_KEY must be set" in missing.stderr
    debug = _check({"CARREFOUR_PRODUCTION": "1", "SECRET_KEY": STRONG_KEY, "DEBUG": "1"})
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


STRONG_KEY = secrets.token_urlsafe(50)


def _documented_production() -> dict[str, str]:
    """The `export NAME=value` lines of README.md's production configuration, with a generated key."""
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    block = (
        readme.split("Configuration de production de référence", 1)[1]
        .split("```bash", 1)[1]
        .split("```", 1)[0]
    )
    exported = dict(re.findall(r"^export (\w+)=(\S+)", block, flags=re.MULTILINE))
    assert exported.pop("SECRET_KEY").startswith('"$(python3'), "the README should show how to generate a key"
    return {**exported, "SECRET_KEY": STRONG_KEY}


PRODUCTION = _documented_production()


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = _check({key: value for key, value in PRODUCTION.items() if key != "ALLOWED_HOSTS"})
    assert result.returncode != 0 and "ALLOWED_HOSTS must be set" in result.stderr


@pytest.mark.parametrize(
    "key", ["abc", "x" * 60, "django-insecure-" + STRONG_KEY], ids=["short", "one-character", "startproject"]
)
def test_production_refuses_a_weak_secret_key(key: str) -> None:
    result = _check({**PRODUCTION, "SECRET_KEY": key})
    assert result.returncode != 0 and "SECRET_KEY is too weak" in result.stderr


def test_documented_production_configuration_passes_check_deploy_without_warning() -> None:
    result = _check(PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr + result.stdout and "no issues" in result.stdout


# Requests as the TLS proxy forwards them to `carrefour serve` (the host it serves, its protocol header).
_REQUESTS = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="carrefour.example.org")
plain = client.get("/api/v1/projects/1")
tls = client.get("/api/v1/projects/1", HTTP_X_FORWARDED_PROTO="https")
hsts = tls.get("Strict-Transport-Security")
print(json.dumps([plain.status_code, plain.get("Location"), tls.status_code, hsts]))
"""


def test_production_behind_tls_proxy_redirects_http_and_sends_hsts(tmp_path: Path) -> None:
    env = {
        **_clean_env(),
        "DJANGO_SETTINGS_MODULE": "carrefour.settings",
        "CARREFOUR_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "carrefour.cli", "migrate", "-v", "0"], env=env, check=True)
    result = subprocess.run(
        [sys.executable, "-c", _REQUESTS],
        env={**env, **PRODUCTION},
        capture_output=True,
        text=True,
        check=True,
    )
    plain_status, location, tls_status, hsts = json.loads(result.stdout)
    assert (plain_status, location) == (301, "https://carrefour.example.org/api/v1/projects/1")
    assert tls_status == 404 and hsts == "max-age=31536000; includeSubDomains; preload"
    development = subprocess.run(
        [sys.executable, "-c", _REQUESTS.replace("carrefour.example.org", "localhost")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(development.stdout) == [404, None, 404, None]


def test_sqlite_database_and_secret_key_are_private_after_migrate(tmp_path: Path) -> None:
    env = {
        **_clean_env(),
        "DJANGO_SETTINGS_MODULE": "carrefour.settings",
        "CARREFOUR_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "carrefour.cli", "migrate", "--noinput"],
        env=env,
        capture_output=True,
        check=True,
    )
    files = [
        tmp_path / name for name in ("carrefour.sqlite3", "carrefour.sqlite3-wal", "carrefour.sqlite3-shm")
    ]
    files = [path for path in files if path.exists()] + [tmp_path / "secret_key"]
    assert len(files) >= 2
    for path in files:
        # Password hashes and e-mail addresses: readable by the service's user only.
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_a_world_readable_database_left_by_an_older_version_is_made_private(tmp_path: Path) -> None:
    database = tmp_path / "carrefour.sqlite3"
    database.touch(mode=0o644)
    database.chmod(0o644)
    env = {
        **_clean_env(),
        "DJANGO_SETTINGS_MODULE": "carrefour.settings",
        "CARREFOUR_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "carrefour.cli", "check"], env=env, capture_output=True, check=True)
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
