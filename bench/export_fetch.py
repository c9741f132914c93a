"""Fetch pages of the site and the API in-process and write their bodies: run by bench.export_compare.

    CARREFOUR_DATA_DIR=DIR python bench/export_fetch.py OUT_DIR NAME=PATH [NAME=PATH ...]

Run by path with the interpreter of the checkout being compared (baseline or candidate), so it may
import only what every compared revision has: Django's test client and the carrefour settings.
Writes OUT_DIR/NAME (the body) and OUT_DIR/NAME.status (status code and content type).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> None:
    """Command-line entry point."""
    out = Path(sys.argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.settings")
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    for spec in sys.argv[2:]:
        name, path = spec.split("=", 1)
        response = client.get(path)
        body = response.getvalue()  # the whole body, streamed or not
        (out / name).write_bytes(body)
        status = f"{response.status_code} {response.get('Content-Type', '')} {response.get('Location', '')}"
        (out / f"{name}.status").write_text(status.strip() + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
