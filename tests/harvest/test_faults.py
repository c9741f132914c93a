"""Harvest behaviour on broken or hostile sites (a tiny programmable site on loopback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from carrefour.harvest.models import HarvestRun, RawRecord
from carrefour.harvest.services import harvest_changed_raw_ids, harvest_run
from tests.harvest.conftest import MiniSite, make_source

pytestmark = pytest.mark.django_db

HTML_SOURCE = {
    "slug": "mini-html",
    "kind": "html",
    "start_urls": ["{base_url}/list"],
    "pagination": {"type": "next_link", "next": {"css": "a[rel=next]::attr(href)"}},
    "list": {"links": {"css": "ul.items a::attr(href)"}},
    "record_id": {"url": "last_segment"},
    "fields": {"title": {"css": "h1"}, "themes": {"css": "li.theme", "multiple": True}},
}

CSV_SOURCE = {
    "slug": "mini-csv",
    "kind": "csv",
    "start_urls": ["{base_url}/data.csv"],
    "encoding": "utf-8",
    "csv": {"delimiter": ";", "null_values": ["", "NR"]},
    "record_id": {"column": "id"},
    "fields": {
        "title": {"column": "nom"},
        "themes": {"column": "themes", "split": " | ", "multiple": True},
        "latitude": {"column": "lat", "decimal_comma": True},
        "start_year": {"column": "date", "date_format": "%d/%m/%Y"},
    },
}


def list_page(*links: str, next_link: str = "") -> str:
    """An HTML list page."""
    items = "".join(f'<li><a href="{link}">x</a></li>' for link in links)
    nxt = f'<a rel="next" href="{next_link}">Suivant</a>' if next_link else ""
    return f"<html><body><ul class='items'>{items}</ul>{nxt}</body></html>"


def detail(title: str) -> str:
    """An HTML detail page."""
    themes = "<li class='theme'>A</li><li class='theme'>B</li>"
    return f"<html><body><h1> {title} </h1><ul>{themes}</ul></body></html>"


def test_pagination_and_details(mini_site: MiniSite) -> None:
    mini_site.route("/list", list_page("/p/a", "/p/b", next_link="/list2"))
    mini_site.route("/list2", list_page("/p/c"))
    for slug in "abc":
        mini_site.route(f"/p/{slug}", detail(f"Projet {slug}"))
    run = harvest_run(make_source(HTML_SOURCE), base_url=mini_site.url)
    assert run.status == HarvestRun.Status.SUCCESS, run.message
    assert run.pages_fetched == 5
    payloads = {r.source_record_id: r.payload for r in RawRecord.objects.all()}
    assert payloads["c"] == {"title": "Projet c", "themes": ["A", "B"]}


def test_robots_txt_obeyed(mini_site: MiniSite) -> None:
    mini_site.route("/robots.txt", "User-agent: *\nDisallow: /private/\n", ctype="text/plain")
    mini_site.route("/list", list_page("/p/a", "/private/b"))
    mini_site.route("/p/a", detail("Public"))
    mini_site.route("/private/b", detail("Private"))
    run = harvest_run(make_source(HTML_SOURCE), base_url=mini_site.url)
    assert run.records_seen == 1 and run.records_rejected == 1
    assert run.errors[0]["reason"] == "interdit par le robots.txt du site"
    assert "/private/b" not in mini_site.log and "/robots.txt" in mini_site.log


def test_redirect_to_private_address_refused(mini_site: MiniSite) -> None:
    mini_site.route("/list", list_page("/p/a", "/go"))
    mini_site.route("/p/a", detail("A"))
    mini_site.route("/go", "", status=302, headers={"Location": "http://10.255.255.1/secret"})
    run = harvest_run(make_source(HTML_SOURCE), base_url=mini_site.url)
    assert run.records_seen == 1
    assert any("l'adresse non publique 10.255.255.1" in e["reason"] for e in run.errors)


def test_local_file_linked_from_a_page_is_never_read(mini_site: MiniSite, tmp_path: Path) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text(detail("Secret"), encoding="utf-8")
    mini_site.route("/list", list_page("/p/a", secret.as_uri()))
    mini_site.route("/p/a", detail("A"))
    run = harvest_run(make_source(HTML_SOURCE), base_url=mini_site.url)
    assert run.records_seen == 1 and run.records_rejected == 1
    assert not RawRecord.objects.filter(payload__title="Secret").exists()
    assert "file://" in run.errors[0]["reason"]


def test_private_host_refused_without_connecting() -> None:
    run = harvest_run(make_source(HTML_SOURCE), base_url="http://169.254.169.254")
    assert run.status == HarvestRun.Status.FAILED
    assert "l'adresse non publique 169.254.169.254" in run.message


def test_garbage_after_success_fails_and_keeps_records(mini_site: MiniSite) -> None:
    mini_site.route("/list", list_page("/p/a", "/p/b"))
    mini_site.route("/p/a", detail("A"))
    mini_site.route("/p/b", detail("B"))
    src = make_source(HTML_SOURCE)
    assert harvest_run(src, base_url=mini_site.url).status == HarvestRun.Status.SUCCESS
    before = list(RawRecord.objects.order_by("pk").values())
    mini_site.route("/list", "<html><body><p>Maintenance en cours</p></body></html>")
    run = harvest_run(src, base_url=mini_site.url)
    assert run.status == HarvestRun.Status.FAILED
    assert "illisible : " in run.message
    assert list(RawRecord.objects.order_by("pk").values()) == before
    mini_site.route("/list", b"\x00\x01binary", ctype="application/octet-stream")
    assert harvest_run(src, base_url=mini_site.url).status == HarvestRun.Status.FAILED
    assert list(RawRecord.objects.order_by("pk").values()) == before


def test_sharp_drop_is_suspicious_and_nothing_marked_gone(mini_site: MiniSite) -> None:
    links = [f"/p/{i}" for i in range(6)]
    mini_site.route("/list", list_page(*links))
    for link in links:
        mini_site.route(link, detail(link))
    src = make_source(HTML_SOURCE)
    assert harvest_run(src, base_url=mini_site.url).status == HarvestRun.Status.SUCCESS
    mini_site.route("/list", list_page("/p/0"))
    run = harvest_run(src, base_url=mini_site.url)
    assert run.status == HarvestRun.Status.SUSPICIOUS
    assert "dropped" in run.message
    assert RawRecord.objects.filter(state=RawRecord.State.ACTIVE).count() == 6


def test_records_gone_after_two_successful_runs_without_them(mini_site: MiniSite) -> None:
    links = [f"/p/{i}" for i in range(4)]
    mini_site.route("/list", list_page(*links))
    for link in links:
        mini_site.route(link, detail(link))
    src = make_source(HTML_SOURCE)
    harvest_run(src, base_url=mini_site.url)
    mini_site.route("/list", list_page(*links[:3]))
    assert harvest_run(src, base_url=mini_site.url).records_gone == 0
    third = harvest_run(src, base_url=mini_site.url)
    assert third.records_gone == 1
    gone = RawRecord.objects.get(state=RawRecord.State.GONE)
    assert gone.source_record_id == "3" and harvest_changed_raw_ids(third) == [gone.pk]


def test_csv_broken_row_rejected_rest_kept(mini_site: MiniSite) -> None:
    body = (
        "\ufeffid;nom;themes;lat;date\r\n"
        "A1;Premier;Santé | Culture;48,85341;05/03/2017\r\n"
        "A2;Ligne cassée;Santé\r\n"
        '"A3";"Troisième ; avec ""guillemets""\nsur deux lignes";NR;;NR\r\n'
        ";Sans identifiant;Santé;;\r\n"
    )
    mini_site.route("/data.csv", body.encode("utf-8"), ctype="text/csv")
    run = harvest_run(make_source(CSV_SOURCE), base_url=mini_site.url)
    assert run.status == HarvestRun.Status.SUCCESS, run.message
    assert (run.records_seen, run.records_rejected) == (2, 2)
    reasons = [e["reason"] for e in run.errors]
    assert any("ligne 2 : 3 cellules, 5 attendues" in r for r in reasons)
    assert any("identifiant de fiche absent (ligne 4)" in r for r in reasons)
    first = RawRecord.objects.get(source_record_id="A1")
    assert first.payload == {
        "title": "Premier",
        "themes": ["Santé", "Culture"],
        "latitude": 48.85341,
        "start_year": "2017-03-05",
    }
    assert first.url.endswith("/data.csv#A1")
    third = RawRecord.objects.get(source_record_id="A3").payload
    assert third["title"] == 'Troisième ; avec "guillemets"\nsur deux lignes'
    assert third["themes"] == [] and third["start_year"] is None


def test_csv_missing_columns_is_garbage(mini_site: MiniSite) -> None:
    mini_site.route("/data.csv", "<html><body>Erreur 500</body></html>")
    run = harvest_run(make_source(CSV_SOURCE), base_url=mini_site.url)
    assert run.status == HarvestRun.Status.FAILED
    assert "colonnes absentes de l'en-tête CSV" in run.message
