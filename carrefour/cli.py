"""The `carrefour` console command: Django management commands with the project's settings."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run a management command (`carrefour harvest --all`, `carrefour serve`, …)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["carrefour", *sys.argv[1:]])


if __name__ == "__main__":
    main()
