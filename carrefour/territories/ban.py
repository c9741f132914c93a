"""Optional online mode: addresses sent in batches to the national address API (BAN, /search/csv/).

Off unless `settings.GEOCODER_BAN_URL` is set (e.g. https://api-adresse.data.gouv.fr). Only records
already located at a commune with an address are sent; a result is kept only when its commune
agrees with the offline one, so the API can add a point, never move a project elsewhere.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import urllib.error
import urllib.request
import uuid
from typing import Any

from django.conf import settings

from carrefour.territories.models import GeocodeCache

logger = logging.getLogger(__name__)
BAN_BATCH = 1000
MIN_SCORE = 0.5
TIMEOUT = 60


def _commune_of(citycode: str) -> str:
    """Commune of a BAN citycode: arrondissements of Paris, Lyon and Marseille belong to their city."""
    if citycode.startswith("751") and citycode != "75100":
        return "75056"
    if citycode.startswith("6938"):
        return "69123"
    if citycode.startswith("132"):
        return "13055"
    return citycode


def _key(location: dict[str, Any]) -> str:
    query = f"{location.get('address')}|{location.get('postal_code') or ''}|{location.get('commune_code')}"
    return hashlib.sha256(query.encode()).hexdigest()


def _multipart(rows: list[dict[str, str]]) -> tuple[bytes, str]:
    """multipart/form-data body: the CSV file, the query columns and the postcode filter."""
    out = io.StringIO()
    # Read by the BAN geocoder, never opened in a spreadsheet: cells left as written (no ' prefix),
    # unlike the downloads (carrefour.projects.exports.csv_cell).
    writer = csv.DictWriter(out, fieldnames=["key", "address", "postcode", "city"])
    writer.writeheader()
    writer.writerows(rows)
    boundary = uuid.uuid4().hex
    parts = [
        ("data", out.getvalue(), 'filename="adresses.csv"\r\nContent-Type: text/csv'),
        ("columns", "address", ""),
        ("columns", "city", ""),
        ("postcode", "postcode", ""),
    ]
    body = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
        + (f"; {extra}" if extra else "")
        + f"\r\n\r\n{value}\r\n"
        for name, value, extra in parts
    )
    return (body + f"--{boundary}--\r\n").encode(), boundary


def ban_search_csv(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """POST rows (key, address, postcode, city) to /search/csv/; the answered rows (empty on failure)."""
    body, boundary = _multipart(rows)
    url = str(settings.GEOCODER_BAN_URL).rstrip("/") + "/search/csv/"
    if not url.startswith(("http://", "https://")):
        return []
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "User-Agent": settings.HARVEST_USER_AGENT,
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (checked above)
            text = response.read().decode("utf-8-sig")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        logger.warning("BAN unreachable, addresses left to the offline geocoder: %s", exc)
        return []
    return list(csv.DictReader(io.StringIO(text)))


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _cache_fill(todo: dict[str, dict[str, Any]]) -> None:
    """Ask the API for the queries not cached yet, and cache every answer (agreeing or not)."""
    keys = list(todo)
    for start in range(0, len(keys), BAN_BATCH):
        chunk = keys[start : start + BAN_BATCH]
        rows = [
            {
                "key": key,
                "address": str(todo[key]["address"]),
                "postcode": str(todo[key].get("postal_code") or ""),
                "city": str(todo[key].get("commune_name") or ""),
            }
            for key in chunk
        ]
        answers = {row.get("key", ""): row for row in ban_search_csv(rows)}
        if not answers:
            return  # API down: nothing cached, asked again next time
        GeocodeCache.objects.bulk_create(
            [
                GeocodeCache(
                    key=key,
                    latitude=_float(answers.get(key, {}).get("latitude")),
                    longitude=_float(answers.get(key, {}).get("longitude")),
                    citycode=_commune_of(answers.get(key, {}).get("result_citycode") or ""),
                    score=_float(answers.get(key, {}).get("result_score")),
                )
                for key in chunk
            ],
            ignore_conflicts=True,
        )


def locations_refine_online(locations: list[dict[str, Any]]) -> int:
    """Give an address point to commune-located records the BAN agrees on; number refined (in place)."""
    if not settings.GEOCODER_BAN_URL:
        return 0
    wanted = {_key(loc): loc for loc in locations if loc.get("address") and loc.get("commune_code")}
    cached = {c.key: c for c in GeocodeCache.objects.filter(key__in=list(wanted))}
    missing = {key: loc for key, loc in wanted.items() if key not in cached}
    if missing:
        _cache_fill(missing)
        cached.update({c.key: c for c in GeocodeCache.objects.filter(key__in=list(missing))})
    refined = 0
    for loc in locations:
        if not (loc.get("address") and loc.get("commune_code")):
            continue
        hit = cached.get(_key(loc))
        if (
            hit is None
            or hit.citycode != loc["commune_code"]
            or hit.latitude is None
            or (hit.score or 0) < MIN_SCORE
        ):
            continue
        loc.update(latitude=hit.latitude, longitude=hit.longitude, precision="adresse")
        refined += 1
    return refined
