"""Platforms never seen before, onboarded from docs/sources.md alone and harvested end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from carrefour.harvest.models import HarvestRun
from tests.harvest.platform_site import PlatformSite, harvest, platform_site, route_key
from tests.harvest.sites import payloads

pytestmark = pytest.mark.django_db

__all__ = ["platform_site"]  # the fixture, used by name


# (a) data.gouv.fr tabular API: {data, links: {next, prev}, meta: {page, page_size, total}}.
RID = "5b7ffc61-8c45-4d2a-9b2d-1f0c0d6e3a21"
TABULAR = f"/api/resources/{RID}/data/"


def serve_tabular(site: PlatformSite, total: int) -> list[str]:
    """The tabular API of one resource, 50 rows a page, absolute `next` links, `null` on the last page."""
    pages = []
    last = (total + 49) // 50
    for page in range(1, last + 1):
        target = f"{TABULAR}?page={page}&page_size=50"
        rows = [
            {"__id": n, "nom": f"Tiers-lieu {n}", "commune": "Rennes", "code_postal": "35000"}
            for n in range((page - 1) * 50 + 1, min(page * 50, total) + 1)
        ]
        links = {
            "profile": f"{site.url}/api/resources/{RID}/profile/",
            "swagger": f"{site.url}/api/resources/{RID}/swagger/",
            "next": f"{site.url}{TABULAR}?page={page + 1}&page_size=50" if page < last else None,
            "prev": f"{site.url}{TABULAR}?page={page - 1}&page_size=50" if page > 1 else None,
        }
        site.route(
            target, {"data": rows, "links": links, "meta": {"page": page, "page_size": 50, "total": total}}
        )
        pages.append(target)
    return pages


def test_udata_tabular_resource_is_read_page_by_page_to_the_last(
    platform_site: PlatformSite, tmp_path: Path, settings: Any, capsys: Any
) -> None:
    pages = serve_tabular(platform_site, total=120)
    definition = {
        "slug": "tiers-lieux",
        "preset": "udata",
        "start_urls": ["{base_url}" + f"{TABULAR}?page=1&page_size=50"],
        "fields": {
            "title": {"json": "nom"},
            "commune": {"json": "commune"},
            "postal_code": {"json": "code_postal"},
        },
    }
    run = harvest(platform_site, definition, tmp_path, settings, capsys)
    records = payloads("tiers-lieux")
    assert len(records) == 120 and records["120"]["title"] == "Tiers-lieu 120"
    assert records["1"]["postal_code"] == "35000"
    assert platform_site.requested() == [route_key(page) for page in pages]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


# (b) OpenDataSoft: the full export (one plain array) and Explore v2.1 records filtered by `where`.
ODS_DATASET = "/api/explore/v2.1/catalog/datasets/lieux-solidaires"


def ods_rows(count: int, first: int = 0) -> list[dict[str, Any]]:
    """Records as ODS gives them: the publisher's columns and a `geo_point_2d` {lon, lat}."""
    return [
        {
            "identifiant": f"LS{n:04d}",
            "nom": f"Lieu {n}",
            "commune": "Lyon",
            "geo_point_2d": {"lon": 4.83, "lat": 45.76},
        }
        for n in range(first, first + count)
    ]


def ods_definition(start: str, **extra: Any) -> dict[str, Any]:
    """The documented OpenDataSoft definition, on the given address of the dataset."""
    return {
        "slug": "lieux-metropole",
        "preset": "opendatasoft",
        "start_urls": ["{base_url}" + start],
        "record_id": {"json": "identifiant"},
        "fields": {
            "title": {"json": "nom"},
            "commune": {"json": "commune"},
            "latitude": {"json": "geo_point_2d.lat"},
            "longitude": {"json": "geo_point_2d.lon"},
        },
        **extra,
    }


def test_opendatasoft_records_filtered_by_where_are_read_by_offset_with_their_filter(
    platform_site: PlatformSite, tmp_path: Path, settings: Any, capsys: Any
) -> None:
    start = f"{ODS_DATASET}/records?where=commune%3D%22Lyon%22&limit=100"
    for offset in (0, 100):
        target = start if offset == 0 else f"{start}&offset={offset}"
        platform_site.route(target, {"total_count": 150, "results": ods_rows(min(100, 150 - offset), offset)})
    run = harvest(platform_site, ods_definition(start), tmp_path, settings, capsys)
    records = payloads("lieux-metropole")
    assert len(records) == 150 and records["LS0149"]["latitude"] == 45.76
    # The filter stays on every page, and the short second page ends the list.
    assert platform_site.requested() == [route_key(start), route_key(f"{start}&offset=100")]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def test_opendatasoft_full_export_is_one_plain_array(
    platform_site: PlatformSite, tmp_path: Path, settings: Any, capsys: Any
) -> None:
    export = f"{ODS_DATASET}/exports/json"
    platform_site.route(export, ods_rows(30))
    # Without the preset, as documented: its offset options would survive `type: none` and be refused.
    definition = ods_definition(
        export, kind="json_api", pagination={"type": "none"}, list={"records": {"json": "[*]"}}
    )
    del definition["preset"]
    run = harvest(platform_site, definition, tmp_path, settings, capsys)
    assert len(payloads("lieux-metropole")) == 30
    assert platform_site.requested() == [route_key(export)]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


# (c) WordPress custom post type with ACF fields, categories named through the preset's lookup.
CPT = "/wp-json/wp/v2/lieu?per_page=10"
CATEGORIES = "/wp-json/wp/v2/categories?per_page=100"


def serve_custom_post_type(site: PlatformSite, total: int) -> list[str]:
    """A `lieu` post type, 10 a page, X-WP-Total(Pages) and Link headers, 400 past the last page."""
    pages = []
    last = (total + 9) // 10
    for page in range(1, last + 2):
        target = CPT if page == 1 else f"{CPT}&page={page}"
        if page > last:
            error = {
                "code": "rest_post_invalid_page_number",
                "message": "Le nombre de page demandé est plus grand que le nombre de pages disponibles.",
                "data": {"status": 400},
            }
            site.route(target, error, status=400)
            continue
        posts = [
            {
                "id": n,
                "date": "2026-03-01T10:00:00",
                "modified": "2026-03-02T11:00:00",
                "slug": f"lieu-{n}",
                "status": "publish",
                "type": "lieu",
                "link": f"{site.url}/lieu/lieu-{n}/",
                "title": {"rendered": f"Lieu n&#8217;{n}"},
                "content": {
                    "rendered": f"<p>Un lieu &amp; ses {n} b&eacute;n&eacute;voles.</p>",
                    "protected": False,
                },
                "excerpt": {"rendered": f"<p>Lieu {n}</p>\n", "protected": False},
                "categories": [3, 7] if n % 2 else [7],
                "acf": {"ville": "Nantes", "code_postal": "44000", "site_web": ""},
            }
            for n in range((page - 1) * 10 + 1, min(page * 10, total) + 1)
        ]
        links = [f'<{site.url}{CPT}&page={page + 1}>; rel="next"'] if page < last else []
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(last), "Link": ", ".join(links)}
        site.route(target, posts, headers=headers)
        pages.append(target)
    categories = [
        {"id": 3, "count": 13, "name": "Alimentation", "slug": "alimentation", "taxonomy": "category"},
        {
            "id": 7,
            "count": 25,
            "name": "Culture &amp; loisirs",
            "slug": "culture-loisirs",
            "taxonomy": "category",
        },
    ]
    site.route(CATEGORIES, categories, headers={"X-WP-Total": "2", "X-WP-TotalPages": "1"})
    return pages


def test_wordpress_custom_post_type_with_acf_fields_and_named_categories(
    platform_site: PlatformSite, tmp_path: Path, settings: Any, capsys: Any
) -> None:
    pages = serve_custom_post_type(platform_site, total=25)
    definition = {
        "slug": "lieux-nantais",
        "preset": "wordpress",
        "start_urls": ["{base_url}" + CPT],
        "pagination": {"page_size": 10},
        "fields": {
            "themes": {"json": "categories", "multiple": True, "lookup": "categories"},
            "commune": {"json": "acf.ville"},
            "postal_code": {"json": "acf.code_postal"},
            "website": {"json": "acf.site_web"},
        },
    }
    run = harvest(platform_site, definition, tmp_path, settings, capsys)
    records = payloads("lieux-nantais")
    assert len(records) == 25
    assert records["1"]["themes"] == ["Alimentation", "Culture & loisirs"]
    assert records["2"]["title"] == "Lieu n\u20192" and records["25"]["postal_code"] == "44000"
    assert records["1"]["website"] is None
    # The categories once, three pages, nothing past the announced last page, no tags.
    assert platform_site.requested() == [route_key(CATEGORIES), *map(route_key, pages)]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


# (d) Drupal JSON:API: terms referenced by UUID under `relationships`, named by their own collection.
NODES = "/jsonapi/node/initiative?include=field_thematique"
TERMS = "/jsonapi/taxonomy_term/thematique"
TERM_NAMES = {
    "5e1f0a2c-0000-4000-8000-00000000000a": "Alimentation",
    "5e1f0a2c-0000-4000-8000-00000000000b": "Mobilité",
}


def term(uuid: str) -> dict[str, Any]:
    """A taxonomy term resource object."""
    return {
        "type": "taxonomy_term--thematique",
        "id": uuid,
        "attributes": {"name": TERM_NAMES[uuid], "weight": 0},
    }


def serve_drupal(site: PlatformSite, total: int) -> list[str]:
    """Nodes 50 a page (`page[offset]`), terms `included`, `links.next.href` absent on the last page."""
    pages = []
    uuids = list(TERM_NAMES)
    for offset in range(0, total, 50):
        target = NODES if offset == 0 else f"{NODES}&page%5Boffset%5D={offset}&page%5Blimit%5D=50"
        nodes = [
            {
                "type": "node--initiative",
                "id": f"0c2d9a54-{n:04d}-4000-8000-000000000000",
                "attributes": {
                    "drupal_internal__nid": n,
                    "title": f"Initiative {n}",
                    "changed": "2026-03-02T11:00:00+00:00",
                    "body": {"value": f"<p>Initiative {n}</p>", "format": "basic_html", "summary": ""},
                    "field_commune": "Rennes",
                },
                "relationships": {
                    "field_thematique": {
                        "data": [
                            {"type": "taxonomy_term--thematique", "id": uuid} for uuid in uuids[: 1 + n % 2]
                        ]
                    }
                },
            }
            for n in range(offset + 1, min(offset + 50, total) + 1)
        ]
        links: dict[str, Any] = {"self": {"href": f"{site.url}{target}"}}
        if offset + 50 < total:
            links["next"] = {"href": f"{site.url}{NODES}&page%5Boffset%5D={offset + 50}&page%5Blimit%5D=50"}
        body = {
            "jsonapi": {"version": "1.0"},
            "data": nodes,
            "included": [term(u) for u in uuids],
            "links": links,
        }
        site.route(target, body, ctype="application/vnd.api+json")
        pages.append(target)
    collection = {"data": [term(u) for u in uuids], "links": {"self": {"href": f"{site.url}{TERMS}"}}}
    site.route(TERMS, collection, ctype="application/vnd.api+json")
    return pages


def drupal_definition(lookup_url: str, entries: str) -> dict[str, Any]:
    """The documented drupal_jsonapi definition whose themes are named by a lookup."""
    return {
        "slug": "initiatives-rennes",
        "preset": "drupal_jsonapi",
        "start_urls": ["{base_url}" + NODES],
        "lookups": {
            "thematiques": {
                "url": "{base_url}" + lookup_url,
                "entries": {"json": entries},
                "key": {"json": "id"},
                "value": {"json": "attributes.name"},
                "pagination": {"type": "json_next", "next": {"json": "links.next.href"}},
            }
        },
        "fields": {
            "commune": {"json": "attributes.field_commune"},
            "themes": {
                "json": "relationships.field_thematique.data[*].id",
                "multiple": True,
                "lookup": "thematiques",
            },
        },
    }


def test_drupal_terms_are_named_by_their_taxonomy_collection(
    platform_site: PlatformSite, tmp_path: Path, settings: Any, capsys: Any
) -> None:
    pages = serve_drupal(platform_site, total=120)
    run = harvest(platform_site, drupal_definition(TERMS, "data[*]"), tmp_path, settings, capsys)
    records = payloads("initiatives-rennes")
    assert len(records) == 120
    assert records["0c2d9a54-0001-4000-8000-000000000000"]["themes"] == ["Alimentation", "Mobilité"]
    assert records["0c2d9a54-0002-4000-8000-000000000000"]["description"] == "Initiative 2"
    assert platform_site.requested() == [route_key(TERMS), *map(route_key, pages)]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []
