"""Pagination read from HTTP headers (WordPress-like API on loopback): complete, no guessed request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import Response

from carrefour.harvest.models import HarvestRun
from carrefour.harvest.paging import link_header_urls, page_number_next
from carrefour.sources.definitions import definition_check
from tests.harvest.conftest import MiniSite
from tests.harvest.sites import harvest_definition, payloads

pytestmark = pytest.mark.django_db

POSTS = [{"id": n, "title": {"rendered": f"Article {n}"}} for n in range(1, 6)]
PAST_END = json.dumps({"code": "rest_post_invalid_page_number", "data": {"status": 400}})

WORDPRESS = {
    "slug": "blog",
    "kind": "json_api",
    "start_urls": ["{base_url}/wp-json/wp/v2/posts?per_page=2"],
    "list": {"records": {"json": "[*]"}},
    "record_id": {"json": "id"},
    "fields": {"title": {"json": "title.rendered"}},
}


def page_path(number: int) -> str:
    """Path of a page of the posts endpoint (the first one is the start URL)."""
    return "/wp-json/wp/v2/posts?per_page=2" + (f"&page={number}" if number > 1 else "")


def serve_posts(site: MiniSite, *, total_pages: int, links: dict[int, str] | None = None) -> None:
    """Five posts, two per page, totals in X-WP-* headers (maybe lying), 400 past the last page."""
    for number in range(1, 4):
        headers = {"X-WP-TotalPages": str(total_pages), "X-WP-Total": str(total_pages * 2)}
        if links and number in links:
            headers["Link"] = links[number]
        body = json.dumps(POSTS[(number - 1) * 2 : number * 2])
        site.route(page_path(number), body, ctype="application/json", headers=headers)
    for number in range(4, 12):
        site.route(page_path(number), PAST_END, status=400, ctype="application/json")


def listed(site: MiniSite) -> list[str]:
    """The list pages requested, in order (robots.txt aside)."""
    return [path for path in site.log if path != "/robots.txt"]


PAGE_NUMBER = {"type": "page_number", "total_pages": "X-WP-TotalPages", "past_end_status": [400]}


def test_page_numbers_stop_at_the_announced_last_page(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_posts(mini_site, total_pages=3)
    definition = {**WORDPRESS, "pagination": PAGE_NUMBER}
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "sources", settings, capsys)
    assert sorted(payloads("blog"), key=int) == ["1", "2", "3", "4", "5"]
    assert listed(mini_site) == [page_path(1), page_path(2), page_path(3)]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def test_a_total_announcing_too_many_pages_ends_cleanly_at_the_first_past_the_end_answer(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_posts(mini_site, total_pages=10)
    definition = {**WORDPRESS, "pagination": PAGE_NUMBER}
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "sources", settings, capsys)
    assert len(payloads("blog")) == 5
    # One request past the end, answered 400: the end of the list, neither an error nor suspicious.
    assert listed(mini_site) == [page_path(n) for n in range(1, 5)]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == [] and run.message == ""


def test_a_total_lagging_behind_does_not_truncate_when_the_page_size_is_declared(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_posts(mini_site, total_pages=2)
    pagination = {
        "type": "page_number",
        "total_count": "X-WP-Total",
        "page_size": 2,
        "past_end_status": [400],
    }
    run, _ = harvest_definition(
        {**WORDPRESS, "pagination": pagination}, mini_site.url, tmp_path / "s", settings, capsys
    )
    # "4 posts, 2 per page" but page 2 is full: page 3 is asked, and it holds the fifth post.
    assert len(payloads("blog")) == 5 and run.status == HarvestRun.Status.SUCCESS
    assert listed(mini_site) == [page_path(1), page_path(2), page_path(3)]


def test_a_past_the_end_status_the_definition_does_not_name_is_still_a_listing_error(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_posts(mini_site, total_pages=10)
    pagination = {"type": "page_number", "total_pages": "X-WP-TotalPages"}
    run, _ = harvest_definition(
        {**WORDPRESS, "pagination": pagination}, mini_site.url, tmp_path / "s", settings, capsys
    )
    assert len(payloads("blog")) == 5
    assert run.status == HarvestRun.Status.SUSPICIOUS and run.message.endswith("HTTP 400")


def test_link_headers_are_followed_and_a_link_loop_ends_the_list(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    base = mini_site.url
    links = {
        1: f'<{base}{page_path(2)}>; rel="next", <{base}{page_path(3)}>; rel="last"',
        # Relative target, several relations in one parameter, a comma inside the URL.
        2: f'<{page_path(1)}>; rel="prev first", <{page_path(3)}&x=a,b>; rel="next"',
        # The last page points back to the first one: followed once, never in circles.
        3: f"<{base}{page_path(1)}>; rel=next",
    }
    serve_posts(mini_site, total_pages=3, links=links)
    last = page_path(3) + "&x=a,b"
    mini_site.route(last, json.dumps(POSTS[4:]), ctype="application/json", headers={"Link": links[3]})
    pagination = {"type": "link_header", "past_end_status": [400]}
    run, _ = harvest_definition(
        {**WORDPRESS, "pagination": pagination}, mini_site.url, tmp_path / "s", settings, capsys
    )
    assert sorted(payloads("blog"), key=int) == ["1", "2", "3", "4", "5"]
    assert listed(mini_site) == [page_path(1), page_path(2), last]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def test_a_past_the_end_status_on_the_entry_page_is_still_a_failure(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    mini_site.route(page_path(1), PAST_END, status=400, ctype="application/json")
    definition = {**WORDPRESS, "pagination": PAGE_NUMBER}
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys, fails=True)
    assert run.status == HarvestRun.Status.FAILED and "HTTP 400" in run.message


def test_a_server_ignoring_the_page_parameter_ends_the_list_at_the_first_repeated_page(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    for number in range(1, 12):
        mini_site.route(page_path(number), json.dumps(POSTS[:2]), ctype="application/json")
    pagination = {"type": "page_number", "past_end_status": [400]}
    run, _ = harvest_definition(
        {**WORDPRESS, "pagination": pagination}, mini_site.url, tmp_path / "s", settings, capsys
    )
    # Page 2 is page 1 again: the list ends there instead of walking up to politeness.max_pages.
    assert sorted(payloads("blog")) == ["1", "2"] and listed(mini_site) == [page_path(1), page_path(2)]
    assert run.status == HarvestRun.Status.SUCCESS


def test_a_link_header_full_of_stray_angle_brackets_still_gives_its_next_page() -> None:
    page = "https://example.org/api?page=1"
    hostile = "<" * 64_000
    headers = {"Link": [f'<?page=2>; rel="next", {hostile}', hostile, '<?page=9>; rel="last"']}
    # Before the fix this line took minutes, blocking the crawl; now it is read in linear time.
    assert link_header_urls(Response(page, headers=headers), "next") == ["https://example.org/api?page=2"]


def test_unicode_digits_in_totals_and_page_numbers_are_not_numbers(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # "²" (latin-1 byte 0xB2) passes str.isdigit() but not int(): it must be ignored, not a listing error.
    for number in range(1, 4):
        body = json.dumps(POSTS[(number - 1) * 2 : number * 2])
        headers = {"X-WP-TotalPages": "²"}
        mini_site.route(page_path(number), body, ctype="application/json", headers=headers)
    mini_site.route(page_path(4), PAST_END, status=400, ctype="application/json")
    definition = {**WORDPRESS, "pagination": PAGE_NUMBER}
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    assert sorted(payloads("blog"), key=int) == ["1", "2", "3", "4", "5"]
    assert listed(mini_site) == [page_path(n) for n in range(1, 5)]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []
    superscript = Response("https://example.org/api?page=%C2%B2")
    assert page_number_next({"type": "page_number"}, superscript, 2) == ["https://example.org/api?page=2"]


def test_a_server_ignoring_the_page_parameter_behind_a_changing_timestamp_still_ends_the_list(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every answer is the first page again, stamped with the time it was generated: new bytes each time.
    for number in range(1, 12):
        body = {"generated_at": f"2026-12-07T21:{number:02d}:00Z", "csrf": f"t{number}", "items": POSTS[:2]}
        mini_site.route(page_path(number), json.dumps(body), ctype="application/json")
    definition = {
        **WORDPRESS,
        "list": {"records": {"json": "items[*]"}},
        "pagination": {"type": "page_number", "past_end_status": [400]},
    }
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    # Page 2 brings no record not already read: the list ends there, not at politeness.max_pages.
    assert sorted(payloads("blog")) == ["1", "2"] and listed(mini_site) == [page_path(1), page_path(2)]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def test_pagination_options_of_another_type_are_refused_rather_than_ignored() -> None:
    base = {**WORDPRESS, "name": "Blog"}
    link = definition_check({**base, "pagination": {"type": "link_header", "total_pages": "X-WP-TotalPages"}})
    assert link == ["pagination.total_pages: ne s'emploie qu'avec pagination.type 'page_number'"]
    numbered = definition_check(
        {**base, "pagination": {"type": "page_number", "total_count": "X-Total", "next": {"json": "next"}}}
    )
    assert numbered == [
        "pagination.next: inutile avec pagination.type 'page_number' : retirez-le",
        "pagination.page_size: obligatoire avec pagination.total_count (pages = total / taille)",
    ]
    assert definition_check({**base, "pagination": {"type": "page_number", "past_end_status": [302]}}) == [
        "pagination.past_end_status[0]: doit valoir au moins 400 (trouvé : 302)"
    ]
