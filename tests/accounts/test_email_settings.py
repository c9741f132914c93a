"""E-mail from the environment: SMTP URL, files in development, fail fast in production; real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from carrefour.env import ImproperlyConfiguredError, email_config
from tests.mail import Mailbox


def _carrefour(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A `carrefour` command in a fresh process with this environment (no e-mail setting inherited)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("CARREFOUR_EMAIL")}
    return subprocess.run(
        [sys.executable, "-m", "carrefour.cli", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_smtp_urls() -> None:
    starttls = email_config("smtp://carrefour:s%40cret@smtp.example.org", production=True)
    assert (starttls["EMAIL_HOST"], starttls["EMAIL_PORT"], starttls["EMAIL_HOST_PASSWORD"]) == (
        "smtp.example.org",
        587,
        "s@cret",
    )
    assert starttls["EMAIL_USE_TLS"] is True and starttls["EMAIL_USE_SSL"] is False
    implicit = email_config("smtps://smtp.example.org", production=True)
    assert (implicit["EMAIL_PORT"], implicit["EMAIL_USE_SSL"], implicit["EMAIL_USE_TLS"]) == (
        465,
        True,
        False,
    )
    relay = email_config("smtp://localhost:25?tls=0", production=True)
    assert (relay["EMAIL_PORT"], relay["EMAIL_USE_TLS"]) == (25, False)
    assert email_config("console:", production=False)["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfiguredError, match="not 'http'"):
        email_config("http://smtp.example.org", production=False)


def test_production_refuses_to_start_without_smtp() -> None:
    with pytest.raises(ImproperlyConfiguredError, match="CARREFOUR_EMAIL_URL must be set"):
        email_config("", production=True)


def test_development_writes_each_mail_to_a_file(tmp_path: Path) -> None:
    result = _carrefour("sendtestemail", "dev@example.org", CARREFOUR_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    [mail] = (tmp_path / "mails").iterdir()
    assert "To: dev@example.org" in mail.read_text()


def test_a_carrefour_process_sends_through_the_smtp_server_of_its_environment(
    mailbox: Mailbox, settings: object, tmp_path: Path
) -> None:
    url = f"smtp://{settings.EMAIL_HOST}:{settings.EMAIL_PORT}?tls=0"  # type: ignore[attr-defined]
    result = _carrefour(
        "sendtestemail",
        "ops@example.org",
        CARREFOUR_DATA_DIR=str(tmp_path),
        CARREFOUR_EMAIL_URL=url,
        CARREFOUR_EMAIL_FROM="ne-pas-repondre@carrefour.example.org",
    )
    assert result.returncode == 0, result.stderr
    [message] = mailbox.to("ops@example.org")
    assert str(message["From"]) == "ne-pas-repondre@carrefour.example.org"
    assert not (tmp_path / "mails").exists()
