"""Definitions written to a sources directory and harvested through the real `carrefour harvest` command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from carrefour.harvest.models import HarvestRun, RawRecord


def harvest_definition(
    definition: dict[str, Any],
    base_url: str,
    directory: Path,
    settings: Any,
    capsys: pytest.CaptureFixture[str],
    *,
    fails: bool = False,
) -> tuple[HarvestRun, str]:
    """Write the definition alone in SOURCES_DIR, run `carrefour harvest SLUG`: its run and output.

    `fails`: the command must exit with its "at least one harvest failed" error.
    """
    slug = definition["slug"]
    full = {"name": slug, "fictional": True, "politeness": {"delay": 0, "concurrency": 1}, **definition}
    directory.mkdir(exist_ok=True)
    (directory / f"{slug}.yml").write_text(yaml.safe_dump(full, allow_unicode=True), encoding="utf-8")
    settings.SOURCES_DIR = directory
    capsys.readouterr()
    args = ["harvest", slug, "--base-url", f"{slug}={base_url}", "--no-pipeline"]
    if fails:
        with pytest.raises(CommandError, match="at least one harvest failed"):
            call_command(*args)
    else:
        call_command(*args)
    return HarvestRun.objects.filter(source__slug=slug).latest("started_at"), capsys.readouterr().out


def payloads(slug: str) -> dict[str, dict[str, Any]]:
    """Stored raw records of a source: id -> payload."""
    return {r.source_record_id: r.payload for r in RawRecord.objects.filter(source__slug=slug)}
