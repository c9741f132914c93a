"""Parsing of single values as sources publish them: years, websites, coordinates, lists."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from carrefour.normalize.text import text_clean

_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
# Separators outside parentheses only: "Coopérative (SCIC / SCOP)" is one term.
_SPLIT = re.compile(r"\s*(?:\||;|,|/|\n)\s*(?![^()]*\))")
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$", re.I)
NOT_PROVIDED = {"", "nr", "n/a", "na", "nc", "non renseigne", "non renseigné", "-", "?", "null", "none"}


def value_is_missing(value: object) -> bool:
    """True for empty values and the "not provided" markers sources use (NR, N/A, -)."""
    if value is None:
        return True
    if isinstance(value, list):
        return all(value_is_missing(v) for v in value)
    return str(value).strip().casefold() in NOT_PROVIDED


def value_list(value: object) -> list[str]:
    """A multi-valued field as cleaned strings (a single string is split on | ; , / and newlines)."""
    if value_is_missing(value):
        return []
    items = value if isinstance(value, list) else [value]
    result: list[str] = []
    for item in items:
        if value_is_missing(item):
            continue
        text = text_clean(item)
        result.extend(
            part for part in (_SPLIT.split(text) if not isinstance(value, list) else [text]) if part
        )
    return result


def year_parse(value: object) -> int | None:
    """Year of a date or year as published ("2017", "2017-09-01", "01/09/2017", "Lancé en 2014")."""
    if value_is_missing(value):
        return None
    if isinstance(value, int):
        year: int | None = value
    else:
        match = _YEAR.search(str(value))
        year = int(match.group(1)) if match else None
    if year is None or not 1800 <= year <= dt.date.today().year + 2:
        return None
    return year


def http_url(value: object) -> str:
    """The URL when it is http(s) with a host, else "" (no javascript:, data: or file: links)."""
    url = str(value or "").strip()
    parts = urlsplit(url)
    return url if parts.scheme.lower() in {"http", "https"} and parts.netloc else ""


def website_clean(value: object) -> str | None:
    """An http(s) URL, scheme added when a source shows "www.example.org"; None if not a website."""
    if value_is_missing(value):
        return None
    text = text_clean(value)
    if not text or " " in text:
        return None
    if not re.match(r"(?i)^https?://", text):
        if ":" in text.split("/")[0]:
            return None  # javascript:, mailto: and other schemes are not websites
        text = "https://" + text.lstrip("/")
    parts = urlsplit(text)
    host = (parts.hostname or "").rstrip(".")
    if not _HOST.match(host):
        return None
    return text


def float_parse(value: object) -> float | None:
    """A number as published, decimal comma accepted ("48,85341")."""
    if value_is_missing(value):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip().replace(",", ".").replace(" ", ""))
    except ValueError:
        return None
