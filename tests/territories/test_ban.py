"""Online address mode against a local stand-in of the national address API (never the internet)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from carrefour.territories.ban import locations_refine_online
from carrefour.territories.models import GeocodeCache
from tests.net import loopback_serve

pytestmark = pytest.mark.django_db

# Stand-in answers by address: (result_citycode, latitude, longitude, result_score).
ANSWERS = {
    "12 rue de Paris": ("93048", "48.8614", "2.4412", "0.92"),
    "3 place Bellecour": ("69382", "45.7578", "4.8320", "0.95"),  # Lyon 2e: belongs to Lyon (69123)
    "1 rue Ailleurs": ("33063", "44.8378", "-0.5792", "0.90"),  # another commune: must be refused
}


class _BanStandIn(BaseHTTPRequestHandler):
    """POST /search/csv/: multipart CSV in, the same rows plus result columns out, like the real API."""

    requests: list[list[dict[str, str]]] = []

    def do_POST(self) -> None:
        assert self.path == "/search/csv/"
        body = self.rfile.read(int(self.headers["Content-Length"]))
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + body
        )
        parts = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
        rows = list(csv.DictReader(io.StringIO(parts["data"].get_content())))
        self.requests.append(rows)
        out = io.StringIO()
        fields = [*rows[0].keys(), "latitude", "longitude", "result_score", "result_citycode"]
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            citycode, lat, lon, score = ANSWERS.get(row["address"], ("", "", "", ""))
            writer.writerow(
                row | {"latitude": lat, "longitude": lon, "result_score": score, "result_citycode": citycode}
            )
        data = out.getvalue().encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def ban(settings: Any) -> Iterator[type[_BanStandIn]]:
    _BanStandIn.requests = []
    with loopback_serve(_BanStandIn) as url:
        settings.GEOCODER_BAN_URL = url
        yield _BanStandIn


def _commune(address: str, code: str) -> dict[str, Any]:
    return {"address": address, "commune_code": code, "commune_name": "X", "precision": "commune",
            "latitude": 1.0, "longitude": 2.0}  # fmt: skip


def test_off_by_default(settings: Any) -> None:
    settings.GEOCODER_BAN_URL = ""
    location = _commune("12 rue de Paris", "93048")
    assert locations_refine_online([location]) == 0 and location["precision"] == "commune"


def test_agreeing_results_refine_and_others_are_refused(ban: type[_BanStandIn]) -> None:
    montreuil = _commune("12 rue de Paris", "93048")
    lyon = _commune("3 place Bellecour", "69123")
    elsewhere = _commune("1 rue Ailleurs", "93048")
    unknown = _commune("nulle part", "93048")
    department_only = {"address": "12 rue de Paris", "commune_code": None, "precision": "departement"}
    assert locations_refine_online([montreuil, lyon, elsewhere, unknown, department_only]) == 2
    assert (montreuil["precision"], montreuil["latitude"], montreuil["longitude"]) == (
        "adresse",
        48.8614,
        2.4412,
    )
    assert lyon["precision"] == "adresse"
    assert (elsewhere["precision"], elsewhere["latitude"]) == ("commune", 1.0)
    assert unknown["precision"] == "commune"
    assert len(ban.requests) == 1 and len(ban.requests[0]) == 4  # one batch, département-only not sent


def test_results_are_cached(ban: type[_BanStandIn]) -> None:
    locations_refine_online([_commune("12 rue de Paris", "93048")])
    again = _commune("12 rue de Paris", "93048")
    assert locations_refine_online([again]) == 1
    assert len(ban.requests) == 1 and GeocodeCache.objects.count() == 1


def test_unreachable_api_leaves_offline_result(settings: Any) -> None:
    settings.GEOCODER_BAN_URL = "http://127.0.0.1:9"  # discard port: connection refused
    location = _commune("12 rue de Paris", "93048")
    assert locations_refine_online([location]) == 0 and location["precision"] == "commune"
    assert not GeocodeCache.objects.exists()
