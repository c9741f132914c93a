"""Lookup tables against hostile or odd endpoints: every failure is reported, no table loops or grows
without end, and a changed table is cached only once every record got its labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from carrefour.harvest.lookups import LookupFetcher
from carrefour.harvest.models import HarvestRun, LookupTable
from carrefour.harvest.services import harvest_run
from carrefour.sources import bounds
from carrefour.sources.bounds import definition_partner_problems
from carrefour.sources.definitions import definition_check
from tests.harvest.conftest import MiniSite, make_source
from tests.harvest.sites import harvest_definition
from tests.harvest.test_lookups import (
    CATEGORIES,
    CATEGORIES_LOOKUP,
    JSON,
    POSTS,
    WORDPRESS,
    serve_categories,
    serve_incremental_wordpress,
    serve_wordpress,
    themes,
)
from tests.harvest.test_partner_runs import partner

pytestmark = pytest.mark.django_db

TERMS = "/terms?limit=2"
NO_RETRY = {"delay": 0, "concurrency": 1, "retries": 0}


def terms_lookup(**pagination: Any) -> dict[str, Any]:
    """A lookup of `/terms` whose entries sit under `items`, paged by offset two at a time."""
    paging = {"type": "offset", "page_size": 2, **pagination}
    return {
        **CATEGORIES_LOOKUP,
        "url": "{base_url}" + TERMS,
        "entries": {"json": "items"},
        "pagination": paging,
    }


def test_a_lookup_whose_total_pattern_stalls_fails_the_run_with_its_reason(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_wordpress(mini_site)
    hostile = {"total": "a" * 100 + "b", "items": CATEGORIES[:2]}
    mini_site.route(TERMS, json.dumps(hostile), ctype=JSON)
    lookup = terms_lookup(total={"json": "total", "regex": "(a|aa)+$"})
    definition = {**WORDPRESS, "lookups": {"categories": lookup}}
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys, fails=True)
    # Not a silent empty crawl: the run names the lookup and why it could not be read.
    assert run.status == HarvestRun.Status.FAILED
    assert "lookup categories : illisible : expression régulière trop lente" in run.message
    assert "/wp-json/wp/v2/posts" not in mini_site.log


def test_a_lookup_next_link_scrapy_refuses_fails_the_run_with_its_reason(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_wordpress(mini_site)
    mini_site.route(TERMS, json.dumps({"next": "javascript:void(0)", "items": CATEGORIES[:2]}), ctype=JSON)
    lookup = {**terms_lookup(), "pagination": {"type": "json_next", "next": {"json": "next"}}}
    definition = {**WORDPRESS, "lookups": {"categories": lookup}}
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys, fails=True)
    assert "lookup categories : illisible : Missing scheme in request url: javascript:void(0)" in run.message


def test_lookup_extractors_are_checked_like_the_others_when_the_definition_is_read() -> None:
    def problems(**lookup: Any) -> list[str]:
        return definition_check({**WORDPRESS, "name": "Blog", "lookups": {"categories": lookup}})

    assert problems(**CATEGORIES_LOOKUP) == []
    [bad_value] = problems(**{**CATEGORIES_LOOKUP, "value": {"json": "name", "regex": "(("}})
    assert bad_value.startswith("lookups.categories.value: expression régulière invalide '((' : ")
    [bad_total] = problems(**terms_lookup(total={"json": "total", "replace": [["[", ""]]}))
    assert bad_total.startswith("lookups.categories.pagination.total: expression régulière invalide '['")
    assert problems(**terms_lookup(total={"css": ".total"})) == [
        "lookups.categories.pagination.total: un chemin `json` est attendu "
        "(une table de correspondance est du JSON)"
    ]
    assert problems(
        **{**CATEGORIES_LOOKUP, "pagination": {"type": "next_form", "form": {"css": "form"}}}
    ) == [
        "lookups.categories.pagination.type: 'next_form' ne s'emploie pas pour une table "
        "(lue sans formulaire) ; possibles : page_number, offset, link_header, next_link, json_next",
        "lookups.categories.pagination.form: ne s'emploie pas pour une table (lue sans formulaire)",
    ]
    assert problems(**{**CATEGORIES_LOOKUP, "entries": {"json": "[*]", "multiple": True}}) == [
        "lookups.categories.entries: seul le chemin `json` est lu ici (retirez : multiple)"
    ]


def test_a_lookup_server_ignoring_the_page_parameter_ends_the_table_at_the_first_page_adding_nothing(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_wordpress(mini_site)
    path = "/wp-json/wp/v2/categories"
    # Every page the same terms, the body echoing the URL asked (as CKAN's or HAL's links do).
    for page in ("", "?page=2", "?page=3"):
        body = {"self": path + page, "items": CATEGORIES}
        mini_site.route(path + page, json.dumps(body), ctype=JSON)
    lookup = {**CATEGORIES_LOOKUP, "url": "{base_url}" + path, "entries": {"json": "items"}}
    lookup["pagination"] = {"type": "page_number"}
    definition = {**WORDPRESS, "lookups": {"categories": lookup}}
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []
    assert [p for p in mini_site.log if p.startswith(path)] == [path, path + "?page=2"]
    assert themes("blog")["3"] == ["Mobilité"]


def test_a_lookup_entry_without_label_does_not_cut_an_offset_table_short(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_wordpress(mini_site)
    # A full first page (2 entries) whose first term has no name: page 2 must still be read.
    first = [{"id": 3, "name": ""}, {"id": 7, "name": "Culture"}]
    mini_site.route(TERMS, json.dumps({"items": first}), ctype=JSON)
    mini_site.route(f"{TERMS}&offset=2", json.dumps({"items": [{"id": 12, "name": "Mobilité"}]}), ctype=JSON)
    definition = {**WORDPRESS, "lookups": {"categories": terms_lookup()}}
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    assert themes("blog")["3"] == ["Mobilité"] and themes("blog")["2"] == ["Culture"]
    # Only the term without a label is reported missing.
    assert [e["reason"] for e in run.errors] == ["lookup categories : 1 code absent de la table (3)"]


def test_a_changed_table_is_not_cached_as_applied_while_a_record_kept_the_old_labels(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_incremental_wordpress(mini_site)
    definition = {
        **WORDPRESS,
        "politeness": NO_RETRY,
        "list": {"entries": {"json": "[*]"}, "link": {"json": "href"}, "version": {"json": "modified"}},
    }
    harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)

    serve_categories(
        mini_site, [{**c, "name": "Alimentation durable"} if c["id"] == 3 else c for c in CATEGORIES]
    )
    mini_site.route("/wp-json/wp/v2/posts/4", "indisponible", status=503, ctype="text/plain")
    renamed, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    assert renamed.records_rejected == 1 and themes("blog")["4"] == ["Alimentation"]
    # The new labels are kept to fall back on, but not as the table every record was built with.
    assert LookupTable.objects.get(name="categories").entries["3"] == "Alimentation durable"

    mini_site.route("/wp-json/wp/v2/posts/4", json.dumps(POSTS[3]), ctype=JSON)
    mini_site.log.clear()
    again, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    # Post 4's entry did not change, yet its page is read again: its record gets the new label.
    assert "/wp-json/wp/v2/posts/4" in mini_site.log
    assert again.status == HarvestRun.Status.SUCCESS and themes("blog")["4"] == ["Alimentation durable"]

    mini_site.log.clear()
    harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    # Every record now holds the new labels: the next run skips the unchanged pages again.
    assert "/wp-json/wp/v2/posts/4" not in mini_site.log


def test_a_partner_lookup_table_is_bounded_in_number_and_size(
    mini_site: MiniSite, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    many = {f"t{n}": {"url": f"https://carte.example.org/t{n}.json"} for n in range(11)}
    assert definition_partner_problems({**WORDPRESS, "lookups": many}) == [
        ("lookups", "au plus 10 tables de correspondance pour une source partenaire (11 ici)")
    ]
    serve_wordpress(mini_site)
    settings.PARTNER_ALLOWED_HOSTS = ["127.0.0.1"]
    monkeypatch.setattr(bounds, "PARTNER_MAX_LOOKUP_ENTRIES", 3)
    source = make_source(WORDPRESS)
    # The same four categories: fine in a repository's source, too many for a partner capped at three.
    assert harvest_run(source, base_url=mini_site.url).status == HarvestRun.Status.SUCCESS
    LookupTable.objects.all().delete()
    run = harvest_run(partner(source), base_url=mini_site.url)
    assert run.status == HarvestRun.Status.FAILED
    assert "lookup categories : table trop grande : plus de 3 codes" in run.message


def test_the_unknown_codes_a_crawl_reports_are_counted_but_only_a_few_named() -> None:
    events: list[dict[str, Any]] = []
    fetcher = LookupFetcher(WORDPRESS, events.append, None, list, str)
    fetcher.tables.translate("categories", [*range(1000, 1030), 1000])
    fetcher.report_missing()
    [event] = events
    assert event["count"] == 30 and event["codes"] == sorted(str(n) for n in range(1000, 1030))[:20]
