"""Platform presets harvested end to end by `carrefour harvest` against look-alike APIs on loopback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import Response

from carrefour.harvest.models import HarvestRun
from carrefour.harvest.paging import offset_next
from tests.harvest.conftest import MiniSite
from tests.harvest.sites import harvest_definition, payloads

pytestmark = pytest.mark.django_db

JSON = "application/json"
ODS = "/api/explore/v2.1/catalog/datasets/lieux/records?limit=100"
CKAN = "/api/3/action/datastore_search?resource_id=r1&limit=100"
WP = "/wp-json/wp/v2/posts?per_page=100"
DRUPAL = "/jsonapi/node/initiative"


def rows(count: int, first: int = 0) -> list[dict[str, Any]]:
    """Tabular rows as open data portals give them: columns named by the publisher."""
    return [{"code": f"L{n:05d}", "nom": f"Lieu {n}", "commune": "Lyon"} for n in range(first, first + count)]


def listed(site: MiniSite) -> list[str]:
    """The pages requested, in order (robots.txt aside)."""
    return [path for path in site.log if path != "/robots.txt"]


def with_offset(path: str, offset: int) -> str:
    """A list address at an offset (the start address has none)."""
    return f"{path}&offset={offset}" if offset else path


def serve_ods(site: MiniSite, held: int, announced: int, *, first: int = 0) -> list[str]:
    """An Explore v2.1-like endpoint: 100 records a page, total_count in the body, 400 past 10,000."""
    paths = []
    for offset in range(first, max(held, announced) + 200, 100):
        path = with_offset(ODS, offset)
        if offset + 100 > 10_000:
            body = {"error_code": "InvalidRESTParameterError", "message": "offset + limit > 10000"}
            site.route(path, json.dumps(body), status=400, ctype=JSON)
            continue
        page = rows(max(0, min(100, held - offset)), offset)
        site.route(path, json.dumps({"total_count": announced, "results": page}), ctype=JSON)
        paths.append(path)
    return paths


def ods_definition(**extra: Any) -> dict[str, Any]:
    """What a partner writes for an OpenDataSoft dataset: the preset, its address, its columns."""
    return {
        "slug": "lieux",
        "preset": "opendatasoft",
        "start_urls": ["{base_url}" + ODS],
        "record_id": {"json": "code"},
        "fields": {"title": {"json": "nom"}, "commune": {"json": "commune"}},
        **extra,
    }


def test_opendatasoft_stops_at_the_announced_total_without_asking_past_it(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = serve_ods(mini_site, held=200, announced=200)
    run, _ = harvest_definition(ods_definition(), mini_site.url, tmp_path / "s", settings, capsys)
    records = payloads("lieux")
    assert len(records) == 200 and records["L00199"]["title"] == "Lieu 199"
    # The second page is full but ends at total_count: no third request for an empty page.
    assert listed(mini_site) == paths[:2]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def test_opendatasoft_total_announcing_more_than_held_ends_at_the_empty_page_after_the_short_one(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = serve_ods(mini_site, held=250, announced=900)
    # The short third page (50 records) may be a server serving fewer than asked: the total says
    # more remain, so the offset after those 50 is asked once; it is empty, the list ends there.
    empty = with_offset(ODS, 250)
    mini_site.route(empty, json.dumps({"total_count": 900, "results": []}), ctype=JSON)
    run, _ = harvest_definition(ods_definition(), mini_site.url, tmp_path / "s", settings, capsys)
    assert len(payloads("lieux")) == 250 and listed(mini_site) == [*paths[:3], empty]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def test_opendatasoft_total_announcing_fewer_than_held_loses_nothing(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = serve_ods(mini_site, held=250, announced=150)
    run, _ = harvest_definition(ods_definition(), mini_site.url, tmp_path / "s", settings, capsys)
    # The second page, full, goes past "150": the count is wrong, the next offset is still asked.
    assert len(payloads("lieux")) == 250 and listed(mini_site) == paths[:3]
    assert run.status == HarvestRun.Status.SUCCESS


def test_opendatasoft_address_without_limit_keeps_every_record_and_asks_100_after_the_first_page(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = ODS.split("?")[0]
    # Without `limit`, Explore v2.1 serves its default of 10 records: the preset expects 100.
    pages = [(bare, 0, 10), *((f"{bare}?offset={first}&limit=100", first, 100) for first in (10, 110, 210))]
    for path, first, count in pages:
        page = rows(min(count, 250 - first), first)
        mini_site.route(path, json.dumps({"total_count": 250, "results": page}), ctype=JSON)
    run, _ = harvest_definition(
        ods_definition(start_urls=["{base_url}" + bare]), mini_site.url, tmp_path / "s", settings, capsys
    )
    # The short first page is not the end: 240 records remain by the total, read 100 at a time.
    assert len(payloads("lieux")) == 250 and listed(mini_site) == [path for path, _, _ in pages]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def test_opendatasoft_refusal_past_10000_records_is_reported_not_taken_for_the_end(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_ods(mini_site, held=10_050, announced=10_050, first=9_800)
    definition = ods_definition(start_urls=["{base_url}" + with_offset(ODS, 9_800)])
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    # Records 9,800 to 9,999 are kept; the 400 at offset 10,000 tells the partner the export is needed.
    assert len(payloads("lieux")) == 200
    assert listed(mini_site)[-1] == with_offset(ODS, 10_000)
    assert run.status == HarvestRun.Status.SUSPICIOUS and run.message.endswith("HTTP 400")


def test_ckan_datastore_is_read_by_offset_up_to_its_total(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = []
    for offset in range(0, 400, 100):
        # CKAN gives a relative `next` link on every page, the last (and past it) included.
        links = {"start": CKAN, "next": f"{CKAN}&offset={offset + 100}"}
        page = [{"_id": offset + n + 1, **row} for n, row in enumerate(rows(100, offset)) if n + offset < 250]
        body = {"success": True, "result": {"records": page, "total": 250, "_links": links}}
        path = with_offset(CKAN, offset)
        mini_site.route(path, json.dumps(body), ctype=JSON)
        paths.append(path)
    definition = {
        "slug": "equipements",
        "preset": "ckan",
        "start_urls": ["{base_url}" + CKAN],
        "fields": {"title": {"json": "nom"}, "commune": {"json": "commune"}},
    }
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    records = payloads("equipements")
    assert len(records) == 250 and records["250"]["title"] == "Lieu 249"
    assert listed(mini_site) == paths[:3]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def drupal_page(first: int, count: int, following: str | None) -> str:
    """A JSON:API collection page: nodes under `data`, the next page's address under `links.next`."""
    nodes = [
        {
            "type": "node--initiative",
            "id": f"0b1c2d3e-0000-4000-8000-{n:012d}",
            "attributes": {
                "title": f"Initiative {n}",
                "body": {"value": f"<p>Une <strong>initiative</strong> n°{n}.</p>", "format": "basic_html"},
                "changed": "2026-11-02T10:00:00+00:00",
                "field_commune": "Rennes",
            },
        }
        for n in range(first, first + count)
    ]
    links = {"self": {"href": "x"}, **({"next": {"href": following}} if following else {})}
    return json.dumps({"jsonapi": {"version": "1.0"}, "data": nodes, "links": links})


def test_drupal_jsonapi_follows_links_next_until_the_last_page(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [DRUPAL, *(f"{DRUPAL}?page%5Boffset%5D={n * 50}&page%5Blimit%5D=50" for n in (1, 2))]
    for number, path in enumerate(paths):
        following = mini_site.url + paths[number + 1] if number < 2 else None
        mini_site.route(path, drupal_page(number * 50, 50 if number < 2 else 20, following), ctype=JSON)
    definition = {
        "slug": "initiatives",
        "preset": "drupal_jsonapi",
        "start_urls": ["{base_url}" + DRUPAL],
        "fields": {"commune": {"json": "attributes.field_commune"}},
    }
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    records = payloads("initiatives")
    assert len(records) == 120 and listed(mini_site) == paths
    record = records["0b1c2d3e-0000-4000-8000-000000000119"]
    assert record["title"] == "Initiative 119" and record["description"] == "Une initiative n°119."
    assert record["commune"] == "Rennes"
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def serve_wordpress(site: MiniSite, *, total_pages: int) -> list[str]:
    """A WordPress-like posts endpoint: 250 posts, X-WP-TotalPages (maybe lying), 400 past the end."""
    paths = []
    for number in range(1, 8):
        path = WP + (f"&page={number}" if number > 1 else "")
        posts = [
            {
                "id": n,
                "link": f"https://blog.example.org/{n}/",
                "title": {"rendered": f"L&#8217;atelier n°{n}"},
                "excerpt": {"rendered": f"<p>Résumé {n}</p>\n"},
                "content": {"rendered": f"<p>Texte {n}</p>"},
                "modified": "2026-11-02T10:00:00",
                "categories": [3, 7],
            }
            for n in range((number - 1) * 100 + 1, min(number * 100, 250) + 1)
        ]
        if posts:
            headers = {"X-WP-TotalPages": str(total_pages), "X-WP-Total": "250"}
            site.route(path, json.dumps(posts), ctype=JSON, headers=headers)
        else:
            past = json.dumps({"code": "rest_post_invalid_page_number", "data": {"status": 400}})
            site.route(path, past, status=400, ctype=JSON)
        paths.append(path)
    return paths


WORDPRESS = {
    "slug": "blog",
    "preset": "wordpress",
    "start_urls": ["{base_url}" + WP],
    "fields": {"commune": {"const": "Nantes"}},
}


def test_wordpress_posts_are_read_page_by_page_as_text(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = serve_wordpress(mini_site, total_pages=3)
    run, _ = harvest_definition(WORDPRESS, mini_site.url, tmp_path / "s", settings, capsys)
    records = payloads("blog")
    assert len(records) == 250 and listed(mini_site) == paths[:3]
    post = records["250"]
    assert post["title"] == "L’atelier n°250" and post["summary"] == "Résumé 250"
    assert post["description"] == "Texte 250" and post["commune"] == "Nantes"
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def test_wordpress_preset_reads_categories_by_name_and_leaves_unused_tags_unrequested(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = serve_wordpress(mini_site, total_pages=3)
    categories = [{"id": 3, "name": "Alimentation"}, {"id": 7, "name": "Culture &amp; loisirs"}]
    taxonomy = "/wp-json/wp/v2/categories?per_page=100"
    mini_site.route(taxonomy, json.dumps(categories), ctype=JSON, headers={"X-WP-TotalPages": "1"})
    # The partner writes only the site's root and the field reading the categories.
    definition = {
        "slug": "blog",
        "preset": "wordpress",
        "fields": {"themes": {"json": "categories", "multiple": True, "lookup": "categories"}},
    }
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    records = payloads("blog")
    assert len(records) == 250 and records["1"]["themes"] == ["Alimentation", "Culture & loisirs"]
    assert records["1"]["title"] == "L’atelier n°1"
    assert [p for p in mini_site.log if p != "/robots.txt"] == [taxonomy, *paths[:3]]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def test_wordpress_total_announcing_too_many_pages_ends_at_its_past_the_end_answer(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = serve_wordpress(mini_site, total_pages=6)
    run, _ = harvest_definition(WORDPRESS, mini_site.url, tmp_path / "s", settings, capsys)
    # Page 4 answers 400: the preset names it the end of the list, neither an error nor suspicious.
    assert len(payloads("blog")) == 250 and listed(mini_site) == paths[:4]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == [] and run.message == ""


def test_offset_reads_the_total_from_a_header_when_the_body_has_none() -> None:
    pagination = {"type": "offset", "page_size": 100, "total_count": "X-Total-Count"}
    last = Response("https://example.org/api?limit=100&offset=100", headers={"X-Total-Count": "200"})
    assert offset_next(pagination, last, 100, None) == []
    lagging = Response("https://example.org/api?limit=100&offset=100", headers={"X-Total-Count": "150"})
    assert offset_next(pagination, lagging, 100, None) == ["https://example.org/api?limit=100&offset=200"]
    # A total read in the body comes first.
    assert offset_next(pagination, last, 100, 900) == ["https://example.org/api?limit=100&offset=200"]


def test_offset_advances_by_the_records_served_while_the_total_says_more_remain() -> None:
    pagination = {"type": "offset", "page_size": 100}
    # A server capping pages at 50 whatever `limit` says: the next offset is 50, not 100.
    capped = Response("https://example.org/api?limit=100")
    assert offset_next(pagination, capped, 50, 120) == ["https://example.org/api?limit=100&offset=50"]
    tail = Response("https://example.org/api?limit=100&offset=100")
    assert offset_next(pagination, tail, 20, 120) == []
    # Without a total, a short page is the last; an empty page always is, whatever the total says.
    assert offset_next(pagination, capped, 50, None) == []
    assert offset_next(pagination, tail, 0, 900) == []
