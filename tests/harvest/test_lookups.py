"""Lookup tables: codes of the records turned into labels read on the same site, cached, refreshed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from carrefour.harvest.models import HarvestRun, LookupTable
from carrefour.normalize.services import record_normalize
from carrefour.sources.bounds import definition_partner_problems, source_hosts
from carrefour.sources.definitions import definition_check
from tests.harvest.conftest import MiniSite
from tests.harvest.sites import harvest_definition, payloads

pytestmark = pytest.mark.django_db

JSON = "application/json"
CATEGORIES_PATH = "/wp-json/wp/v2/categories?per_page=2"
PAST_END = json.dumps({"code": "rest_term_invalid_page_number", "data": {"status": 400}})
CATEGORIES = [
    {"id": 3, "name": "Alimentation", "count": 2},
    # WordPress sends term names HTML-escaped.
    {"id": 7, "name": "Culture &amp; loisirs", "count": 2},
    {"id": 12, "name": "Mobilité", "count": 1},
    {"id": 15, "name": "Habitat", "count": 0},
]
POSTS = [
    {"id": 1, "title": {"rendered": "Épicerie solidaire"}, "categories": [3, 7], "modified": "2026-01-01"},
    # An id written as text by a plugin: the same code as 7.
    {"id": 2, "title": {"rendered": "Cinéma itinérant"}, "categories": ["7"], "modified": "2026-01-02"},
    {"id": 3, "title": {"rendered": "Vélos partagés"}, "categories": [12], "modified": "2026-01-03"},
    {"id": 4, "title": {"rendered": "Cantine"}, "categories": [3], "modified": "2026-01-04"},
]
CATEGORIES_LOOKUP = {
    "url": "{base_url}" + CATEGORIES_PATH,
    "entries": {"json": "[*]"},
    "key": {"json": "id"},
    "value": {"json": "name", "html_text": True},
    "pagination": {
        "type": "page_number",
        "total_pages": "X-WP-TotalPages",
        "page_size": 2,
        "past_end_status": [400],
    },
}
WORDPRESS = {
    "slug": "blog",
    "kind": "json_api",
    "start_urls": ["{base_url}/wp-json/wp/v2/posts"],
    "lookups": {"categories": CATEGORIES_LOOKUP},
    "list": {"records": {"json": "[*]"}},
    "record_id": {"json": "id"},
    "fields": {
        "title": {"json": "title.rendered"},
        "themes": {"json": "categories", "multiple": True, "lookup": "categories"},
    },
}


def serve_categories(site: MiniSite, categories: list[dict[str, Any]]) -> None:
    """Categories two per page, the total of pages in a header (a full last page is checked: 400)."""
    pages = [categories[i : i + 2] for i in range(0, len(categories), 2)]
    for number, page in enumerate(pages, start=1):
        path = CATEGORIES_PATH + (f"&page={number}" if number > 1 else "")
        site.route(path, json.dumps(page), ctype=JSON, headers={"X-WP-TotalPages": str(len(pages))})
    site.route(f"{CATEGORIES_PATH}&page={len(pages) + 1}", PAST_END, status=400, ctype=JSON)


def serve_wordpress(site: MiniSite, posts: list[dict[str, Any]] = POSTS) -> None:
    """The posts list (records inline) and the paged categories."""
    site.route("/wp-json/wp/v2/posts", json.dumps(posts), ctype=JSON)
    serve_categories(site, CATEGORIES)


def serve_incremental_wordpress(site: MiniSite) -> None:
    """A listing giving each post's detail URL and `modified` date, the detail pages, the categories."""
    listing = [
        {"id": post["id"], "modified": post["modified"], "href": f"/wp-json/wp/v2/posts/{post['id']}"}
        for post in POSTS
    ]
    site.route("/wp-json/wp/v2/posts", json.dumps(listing), ctype=JSON)
    for post in POSTS:
        site.route(f"/wp-json/wp/v2/posts/{post['id']}", json.dumps(post), ctype=JSON)
    serve_categories(site, CATEGORIES)


def themes(slug: str) -> dict[str, Any]:
    """Stored themes of each record of a source."""
    return {record_id: payload["themes"] for record_id, payload in payloads(slug).items()}


def test_category_ids_become_their_names_read_over_every_page_of_the_taxonomy_first(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_wordpress(mini_site)
    run, _ = harvest_definition(WORDPRESS, mini_site.url, tmp_path / "sources", settings, capsys)
    assert themes("blog") == {
        "1": ["Alimentation", "Culture & loisirs"],
        "2": ["Culture & loisirs"],
        "3": ["Mobilité"],
        "4": ["Alimentation"],
    }
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []
    # The whole taxonomy (past its announced last page, which was full) before the first record page.
    requested = [path for path in mini_site.log if path != "/robots.txt"]
    assert requested == [
        CATEGORIES_PATH,
        f"{CATEGORIES_PATH}&page=2",
        f"{CATEGORIES_PATH}&page=3",
        "/wp-json/wp/v2/posts",
    ]
    table = LookupTable.objects.get(source__slug="blog", name="categories")
    assert table.entries == {"3": "Alimentation", "7": "Culture & loisirs", "12": "Mobilité", "15": "Habitat"}


def test_a_code_missing_from_the_taxonomy_is_kept_raw_counted_and_left_unmapped(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    posts = [*POSTS, {"id": 5, "title": {"rendered": "Recyclerie"}, "categories": [57, 3, 42, 42.0]}]
    serve_wordpress(mini_site, posts)
    vocabularies = {"themes": {"Alimentation": "alimentation"}}
    definition = {**WORDPRESS, "vocabularies": vocabularies}
    run, out = harvest_definition(definition, mini_site.url, tmp_path / "sources", settings, capsys)
    stored = themes("blog")
    assert len(stored) == 5 and stored["5"] == [57, "Alimentation", 42]
    assert run.status == HarvestRun.Status.SUCCESS
    note = "lookup categories : 2 codes absents de la table (42, 57)"
    assert [e["reason"] for e in run.errors] == [note] and note in out
    # The raw code reaches the vocabulary mapping as a term of its own, to be mapped by the partner.
    normalized = record_normalize(payloads("blog")["5"], definition)
    assert sorted(normalized.unmapped["themes"]) == ["42", "57"]


def test_a_taxonomy_down_without_a_cached_copy_fails_the_run_rather_than_publish_raw_ids(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_wordpress(mini_site)
    mini_site.route(CATEGORIES_PATH, "erreur", status=500, ctype="text/plain")
    definition = {**WORDPRESS, "politeness": {"delay": 0, "concurrency": 1, "retries": 0}}
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys, fails=True)
    assert run.status == HarvestRun.Status.FAILED and "lookup categories : HTTP 500" in run.message
    assert payloads("blog") == {} and "/wp-json/wp/v2/posts" not in mini_site.log
    assert not LookupTable.objects.exists()


def test_a_taxonomy_read_only_in_part_is_not_used(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_wordpress(mini_site)
    mini_site.route(f"{CATEGORIES_PATH}&page=2", "erreur", status=503, ctype="text/plain")
    definition = {**WORDPRESS, "politeness": {"delay": 0, "concurrency": 1, "retries": 0}}
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys, fails=True)
    # Half a table would publish post 3's category id as if it were a label: the run stops instead.
    assert run.status == HarvestRun.Status.FAILED and "lookup categories : HTTP 503" in run.message
    assert payloads("blog") == {}


def test_a_filter_reads_the_labels_of_a_lookup(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_wordpress(mini_site)
    skip = {
        "skip_if": {"json": "categories", "lookup": "categories"},
        "in": ["Mobilité"],
        "reason": "hors sujet",
    }
    definition = {**WORDPRESS, "filters": [skip]}
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    assert sorted(payloads("blog")) == ["1", "2", "4"] and run.records_skipped == [["hors sujet", 1]]


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (500, "erreur", "HTTP 500"),
        (200, "<html><body>Maintenance</body></html>", "illisible : JSON invalide"),
        (200, "[]", "illisible : aucune entrée trouvée"),
    ],
)
def test_a_taxonomy_down_or_broken_falls_back_on_the_cached_copy_with_a_warning(
    mini_site: MiniSite,
    tmp_path: Path,
    settings: Any,
    capsys: pytest.CaptureFixture[str],
    status: int,
    body: str,
    reason: str,
) -> None:
    serve_wordpress(mini_site)
    definition = {**WORDPRESS, "politeness": {"delay": 0, "concurrency": 1, "retries": 0}}
    harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    mini_site.route(CATEGORIES_PATH, body, status=status, ctype=JSON)
    new_post = {"id": 6, "title": {"rendered": "Troc"}, "categories": [15, 7]}
    mini_site.route("/wp-json/wp/v2/posts", json.dumps([*POSTS, new_post]), ctype=JSON)
    run, out = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    assert run.status == HarvestRun.Status.SUCCESS and run.records_created == 1
    assert themes("blog")["6"] == ["Habitat", "Culture & loisirs"]
    assert themes("blog")["1"] == ["Alimentation", "Culture & loisirs"]
    [warning] = run.errors
    assert warning["reason"].startswith(f"lookup categories : {reason}")
    assert "table en cache du " in warning["reason"] and "table en cache du" in out


def test_a_renamed_category_updates_every_record_even_those_whose_page_did_not_change(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # Incremental listing: detail pages are fetched again only when their `modified` date changes.
    serve_incremental_wordpress(mini_site)
    definition = {
        **WORDPRESS,
        "list": {"entries": {"json": "[*]"}, "link": {"json": "href"}, "version": {"json": "modified"}},
    }
    first, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    assert first.records_created == 4
    details = [f"/wp-json/wp/v2/posts/{post['id']}" for post in POSTS]

    mini_site.log.clear()
    same, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    # Same taxonomy: the unchanged posts are not fetched again.
    assert not set(details) & set(mini_site.log) and same.records_unchanged == 4

    renamed = [{**c, "name": "Alimentation durable"} if c["id"] == 3 else c for c in CATEGORIES]
    serve_categories(mini_site, renamed)
    mini_site.log.clear()
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    assert set(details) <= set(mini_site.log)
    assert run.status == HarvestRun.Status.SUCCESS and run.records_updated == 2
    assert themes("blog")["1"] == ["Alimentation durable", "Culture & loisirs"]
    assert themes("blog")["4"] == ["Alimentation durable"]
    assert LookupTable.objects.get(name="categories").entries["3"] == "Alimentation durable"


LEGEND = {"A": "Alimentation", "M": "Mobilité", "R": "Réemploi"}
LAYER = {
    "slug": "carte",
    "kind": "geojson",
    "start_urls": ["{base_url}/couche.geojson"],
    "lookups": {"types": {"url": "{base_url}/legende.json"}},
    "record_id": {"json": "properties.code"},
    "fields": {
        "title": {"json": "properties.nom"},
        "actor_type": {"json": "properties.type", "lookup": "types"},
        "longitude": {"json": "longitude"},
        "latitude": {"json": "latitude"},
    },
}


def serve_layer(site: MiniSite, legend: dict[str, str], types: list[str]) -> None:
    """A layer of points whose `type` property is a code of the legend file."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [2.0 + n, 45.0]},
            "properties": {"code": f"p{n}", "nom": f"Lieu {n}", "type": code},
        }
        for n, code in enumerate(types, start=1)
    ]
    layer = {"type": "FeatureCollection", "features": features}
    site.route("/couche.geojson", json.dumps(layer), ctype="application/geo+json")
    site.route("/legende.json", json.dumps(legend), ctype=JSON)


def actor_types(slug: str) -> dict[str, Any]:
    """Stored actor type of each record of a source."""
    return {record_id: payload["actor_type"] for record_id, payload in payloads(slug).items()}


def test_a_layer_legend_turns_codes_into_labels_and_a_change_of_legend_updates_the_records(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_layer(mini_site, LEGEND, ["A", "M", "R", "A"])
    run, _ = harvest_definition(LAYER, mini_site.url, tmp_path / "s", settings, capsys)
    assert actor_types("carte") == {
        "p1": "Alimentation",
        "p2": "Mobilité",
        "p3": "Réemploi",
        "p4": "Alimentation",
    }
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []
    assert mini_site.log == ["/robots.txt", "/legende.json", "/couche.geojson"]

    serve_layer(mini_site, {**LEGEND, "M": "Mobilités douces"}, ["A", "M", "R", "A"])
    run, _ = harvest_definition(LAYER, mini_site.url, tmp_path / "s", settings, capsys)
    assert actor_types("carte")["p2"] == "Mobilités douces"
    assert run.records_updated == 1 and run.records_unchanged == 3


def test_a_code_missing_from_the_legend_is_kept_raw_and_counted(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_layer(mini_site, LEGEND, ["A", "Z", "M", "Z"])
    run, out = harvest_definition(LAYER, mini_site.url, tmp_path / "s", settings, capsys)
    assert actor_types("carte") == {"p1": "Alimentation", "p2": "Z", "p3": "Mobilité", "p4": "Z"}
    assert run.status == HarvestRun.Status.SUCCESS
    assert [e["reason"] for e in run.errors] == ["lookup types : 1 code absent de la table (Z)"]
    assert "lookup types : 1 code absent de la table (Z)" in out


def test_a_legend_holding_labels_in_objects_is_read_with_value(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_layer(mini_site, {}, ["A", "M"])
    legend = {"version": 2, "types": {"A": {"libelle": "Alimentation"}, "M": {"libelle": "Mobilité"}}}
    mini_site.route("/legende.json", json.dumps(legend), ctype=JSON)
    lookup = {"url": "{base_url}/legende.json", "entries": {"json": "types"}, "value": {"json": "libelle"}}
    definition = {**LAYER, "lookups": {"types": lookup}}
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    assert actor_types("carte") == {"p1": "Alimentation", "p2": "Mobilité"} and run.errors == []


def test_a_lookup_option_must_name_a_declared_table() -> None:
    definition = {**LAYER, "name": "Carte"}
    fields = {**LAYER["fields"], "title": {"json": "properties.nom", "lookup": "type"}}
    assert definition_check({**definition, "fields": fields}) == [
        "fields.title.lookup: table de correspondance inconnue 'type' (déclarées dans lookups : types)"
    ]
    without = {k: v for k, v in definition.items() if k != "lookups"}
    assert definition_check(without) == [
        "fields.actor_type.lookup: table de correspondance inconnue 'types' (déclarées dans lookups : aucune)"
    ]
    broken = {"url": "{base_url}/t.json", "entries": {"css": "li"}, "key": {"json": "id"}}
    assert definition_check({**definition, "lookups": {"types": broken}}) == [
        "lookups.types.entries: un chemin `json` est attendu (une table de correspondance est du JSON)",
        "lookups.types.value: obligatoire avec key (le libellé de chaque entrée)",
    ]
    record_id = {**definition, "record_id": {"json": "properties.code", "lookup": "types"}}
    assert definition_check(record_id) == ["record_id.lookup: ne s'emploie que dans fields et filters"]


def test_a_legend_may_be_a_local_file_written_in_the_definition(
    mini_site: MiniSite,
    tmp_path: Path,
    settings: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serve_layer(mini_site, {}, ["A", "R"])
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "legende.json").write_text(json.dumps(LEGEND), encoding="utf-8")
    monkeypatch.setenv("CARREFOUR_SHARED_DIR", str(shared))
    definition = {**LAYER, "lookups": {"types": {"url": "{shared_dir}/legende.json"}}}
    run, _ = harvest_definition(definition, mini_site.url, tmp_path / "s", settings, capsys)
    assert actor_types("carte") == {"p1": "Alimentation", "p2": "Réemploi"} and run.errors == []


def test_a_partner_lookup_is_checked_and_reviewed_like_a_start_url(settings: Any) -> None:
    settings.PARTNER_ALLOWED_HOSTS = []
    local = {
        **LAYER,
        "base_url": "https://carte.example.org",
        "lookups": {"types": {"url": "{shared_dir}/l.json"}},
    }
    assert definition_partner_problems(local) == [
        (
            "lookups.types.url",
            "{shared_dir} n'est pas permis dans la source d'un partenaire (fichiers du serveur)",
        )
    ]
    elsewhere = {**local, "lookups": {"types": {"url": "https://cdn.example.net/legende.json"}}}
    # A table on another host is one more host the administrators validate.
    assert source_hosts(elsewhere) == {"https://carte.example.org", "https://cdn.example.net"}
