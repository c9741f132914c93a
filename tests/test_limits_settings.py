"""Malformed limit settings stop the start-up with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CARREFOUR_RATE_API", "beaucoup"),
        ("CARREFOUR_RATE_FORM", "20 par heure"),
        ("CARREFOUR_LOGIN_FAILURES", "cinq"),
        ("CARREFOUR_LOGIN_LOCKOUT_MINUTES", "0"),
        ("CARREFOUR_ADMIN_PATH", "/"),
    ],
)
def test_bad_limit_settings_fail_at_start_up(name: str, value: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "carrefour.cli", "check"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "carrefour.settings", name: value},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and name in result.stderr


def test_limit_settings_accept_rates_and_nothing() -> None:
    env = {
        "CARREFOUR_RATE_API": "1000/5m",
        "CARREFOUR_RATE_SEARCH": "",
        "CARREFOUR_ADMIN_PATH": "gestion-7f3k/",
    }
    result = subprocess.run(
        [sys.executable, "-m", "carrefour.cli", "check"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "carrefour.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
