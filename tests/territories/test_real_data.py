"""The geocoder on a real partner file: the lauréats of the Fondation La France s'engage."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from carrefour.territories.gazetteer import Gazetteer
from carrefour.territories.services import location_resolve

FFE_FILE = Path("/work/shared/real-data/ffe-laureats.csv")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not FFE_FILE.exists(), reason="shared real data not available"),
]


def test_ffe_laureats_located(gazetteer: Gazetteer) -> None:
    with FFE_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    precisions: Counter[str | None] = Counter()
    for row in rows:
        # "NR" (non renseigné) marks a missing value in this file; the geocoder treats it as blank.
        location = location_resolve(
            address=row["Adresse"],
            postal_code=row["Code postal"],
            commune=row["Ville"],
            departement=row["Département"],
            region=row["Région"],
            latitude=row["lat"],
            longitude=row["long"],
        )
        precisions[location.precision] += 1
    located = sum(precisions[p] for p in ("adresse", "commune", "departement"))
    # Measured: 303 of 303 rows located to the département at least, 290 to the commune.
    assert len(rows) > 300
    assert located / len(rows) >= 0.97
    assert (precisions["commune"] + precisions["adresse"]) / len(rows) >= 0.93
