"""A directory reachable only through its search form (token bound to a session), harvested end to end."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse

from carrefour.harvest.forms import form_fields, form_submission
from carrefour.harvest.models import HarvestRun, RawRecord
from carrefour.sources.definitions import definition_check
from tests.harvest.conftest import MiniSite
from tests.harvest.form_site import ORGANISATIONS, Directory, directory_serve, search_page
from tests.harvest.sites import harvest_definition, payloads

pytestmark = pytest.mark.django_db

DIRECTORY: dict[str, Any] = {
    "slug": "annuaire",
    "kind": "html",
    "start_urls": ["{base_url}/recherche"],
    # The page's select preselects one theme: the definition empties it to list every theme.
    "form": {"css": "form#recherche", "fields": {"theme": ""}, "submit": {"value": "chercher"}},
    "pagination": {"type": "next_form", "form": {"css": "form.page-suivante"}},
    "list": {"records": {"css": "ul.resultats li"}},
    "record_id": {"css": "li::attr(data-id)"},
    "fields": {
        "title": {"css": "li::attr(data-nom)"},
        "commune": {"css": "li::attr(data-ville)"},
        "themes": {"css": "li::attr(data-theme)", "multiple": True},
    },
}
EVERY_ID = sorted(o[0] for o in ORGANISATIONS)
SEARCH, SUBMIT = ("GET", "/recherche"), ("POST", "/resultats")


def harvest(site: Directory, tmp_path: Path, settings: Any, capsys: Any, **kwargs: Any) -> HarvestRun:
    """Serve the directory and harvest it through the `carrefour harvest` command."""
    definition = {**DIRECTORY, **kwargs.pop("changes", {})}
    with directory_serve(site):
        run, _ = harvest_definition(definition, site.url, tmp_path / "sources", settings, capsys, **kwargs)
    return run


def requests(site: Directory) -> list[tuple[str, str]]:
    """The requests the directory received, robots.txt aside."""
    return [r for r in site.log if r[1] != "/robots.txt"]


def test_a_post_search_form_gives_every_record_with_one_request_per_page(
    tmp_path: Path, settings: Any, capsys: Any
) -> None:
    site = Directory()
    run = harvest(site, tmp_path, settings, capsys)
    # Archived organisations are listed only because the page's checked box was sent as it was.
    assert sorted(payloads("annuaire")) == EVERY_ID
    assert payloads("annuaire")["103"]["title"] == "Jardin partagé"
    assert payloads("annuaire")["103"]["commune"] == "Lille"
    # The search page, then one submission per page of 3 results: nothing guessed, nothing repeated.
    assert requests(site) == [SEARCH, SUBMIT, SUBMIT, SUBMIT]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def test_a_get_search_form_is_submitted_with_get(tmp_path: Path, settings: Any, capsys: Any) -> None:
    site = Directory(method="GET")
    run = harvest(site, tmp_path, settings, capsys)
    assert sorted(payloads("annuaire")) == EVERY_ID
    assert requests(site) == [SEARCH, ("GET", "/resultats"), ("GET", "/resultats"), ("GET", "/resultats")]
    assert run.status == HarvestRun.Status.SUCCESS


def test_an_expired_token_reloads_the_search_page_once(tmp_path: Path, settings: Any, capsys: Any) -> None:
    site = Directory(refuse_first=1)
    run = harvest(site, tmp_path, settings, capsys)
    assert sorted(payloads("annuaire")) == EVERY_ID
    assert requests(site) == [SEARCH, SUBMIT, SEARCH, SUBMIT, SUBMIT, SUBMIT]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def test_a_session_expiring_mid_list_resumes_at_the_refused_page(
    tmp_path: Path, settings: Any, capsys: Any
) -> None:
    site = Directory(session_uses=2)
    run = harvest(site, tmp_path, settings, capsys)
    # Page 3 is refused (419), the search page reloaded, page 3 sent again with the new token only.
    assert sorted(payloads("annuaire")) == EVERY_ID
    assert requests(site) == [SEARCH, SUBMIT, SUBMIT, SUBMIT, SEARCH, SUBMIT]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def test_a_search_form_refused_for_good_fails_the_harvest_with_its_reason(
    tmp_path: Path, settings: Any, capsys: Any
) -> None:
    site = Directory(refuse_first=99)
    run = harvest(site, tmp_path, settings, capsys, fails=True)
    assert requests(site) == [SEARCH, SUBMIT, SEARCH, SUBMIT]
    assert run.status == HarvestRun.Status.FAILED
    assert "formulaire refusé (HTTP 403) : jeton expiré ou absent" in run.message


def test_a_next_page_refused_for_good_keeps_the_records_already_stored(
    tmp_path: Path, settings: Any, capsys: Any
) -> None:
    # gone_after 1: a run wrongly taken as complete would mark the unreached records gone at once.
    changes = {"incremental": {"gone_after": 1}}
    harvest(Directory(), tmp_path, settings, capsys, changes=changes)
    site = Directory(accept_at_most=2)
    run = harvest(site, tmp_path, settings, capsys, changes=changes)
    assert requests(site) == [SEARCH, SUBMIT, SUBMIT, SUBMIT, SEARCH, SUBMIT]
    assert run.status == HarvestRun.Status.SUSPICIOUS
    assert "formulaire refusé (HTTP 419) : jeton expiré ou absent" in run.message
    states = dict(RawRecord.objects.filter(source__slug="annuaire").values_list("source_record_id", "state"))
    assert states == dict.fromkeys(EVERY_ID, RawRecord.State.ACTIVE)


def test_a_search_page_without_the_named_form_fails_without_submitting_another_form(
    tmp_path: Path, settings: Any, capsys: Any
) -> None:
    site = Directory(has_form=False)
    run = harvest(site, tmp_path, settings, capsys, fails=True)
    # The page still has a newsletter form: it is not submitted in place of the search form.
    assert requests(site) == [SEARCH]
    assert run.status == HarvestRun.Status.FAILED and "formulaire introuvable" in run.message


def test_form_options_are_checked_against_the_kind_and_the_pagination() -> None:
    base = {**DIRECTORY, "name": "Annuaire"}
    assert definition_check(base) == []
    assert definition_check({**base, "pagination": {"type": "next_form"}}) == [
        "pagination.form: obligatoire quand pagination.type vaut 'next_form'"
    ]
    api = {**base, "kind": "json_api", "pagination": {"type": "none"}, "list": {"records": {"json": "[*]"}}}
    api |= {"record_id": {"json": "id"}, "fields": {"title": {"json": "nom"}}}
    assert definition_check(api) == [
        "form: ne s'emploie qu'avec kind html (un formulaire est dans une page HTML)"
    ]
    broken = definition_check({**base, "form": {"css": "form[", "submit": {"value": 'a"b'}}})
    assert [p.split(":")[0] for p in broken] == ["form.submit.value", "form.css"]


def test_a_binary_answer_instead_of_the_search_page_fails_with_a_clear_reason(
    mini_site: MiniSite, tmp_path: Path, settings: Any, capsys: Any
) -> None:
    mini_site.route("/recherche", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ctype="image/png")
    run, _ = harvest_definition(DIRECTORY, mini_site.url, tmp_path / "s", settings, capsys, fails=True)
    assert run.status == HarvestRun.Status.FAILED
    assert "formulaire introuvable : pas une page de texte" in run.message


def test_a_search_form_whose_action_is_a_server_file_is_not_read(
    tmp_path: Path, settings: Any, capsys: Any
) -> None:
    # A source written by an admin may start from a local file; a form's action comes from the page.
    secret = tmp_path / "secret.html"
    secret.write_text(
        '<ul class="resultats"><li data-id="999" data-nom="secret"></li></ul>', encoding="utf-8"
    )
    site = Directory(action=secret.as_uri())
    run = harvest(site, tmp_path, settings, capsys, fails=True)
    assert payloads("annuaire") == {}
    assert run.status == HarvestRun.Status.FAILED
    assert "adresse file:// trouvée dans un document téléchargé" in run.message


def test_a_session_expiring_into_a_200_search_page_leaves_the_list_incomplete(
    tmp_path: Path, settings: Any, capsys: Any
) -> None:
    changes = {"incremental": {"gone_after": 1}}
    harvest(Directory(), tmp_path, settings, capsys, changes=changes)
    # Page 3 is answered 200 with the search page (no result, no "next" form): not the list's end.
    site = Directory(session_uses=2, expired_status=200)
    run = harvest(site, tmp_path, settings, capsys, changes=changes)
    assert requests(site) == [SEARCH, SUBMIT, SUBMIT, SUBMIT]
    assert run.status == HarvestRun.Status.SUSPICIOUS
    assert "session expirée" in run.message
    states = dict(RawRecord.objects.filter(source__slug="annuaire").values_list("source_record_id", "state"))
    assert states == dict.fromkeys(EVERY_ID, RawRecord.State.ACTIVE)


def test_a_token_reload_keeps_the_accents_of_a_latin1_search(
    tmp_path: Path, settings: Any, capsys: Any
) -> None:
    site = Directory(charset="latin-1", refuse_first=1)
    changes = {"form": {**DIRECTORY["form"], "fields": {"theme": "réemploi"}}}
    run = harvest(site, tmp_path, settings, capsys, changes=changes)
    # The criterion sent again after the reload is still "réemploi" in the site's encoding.
    assert sorted(payloads("annuaire")) == ["102", "105"]
    assert requests(site) == [SEARCH, SUBMIT, SEARCH, SUBMIT]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def test_a_next_form_source_without_search_form_reloads_its_first_page_on_refusal(
    tmp_path: Path, settings: Any, capsys: Any
) -> None:
    definition = {k: v for k, v in DIRECTORY.items() if k != "form"} | {"start_urls": ["{base_url}/liste"]}
    site = Directory(session_uses=1)
    with directory_serve(site):
        run, _ = harvest_definition(definition, site.url, tmp_path / "sources", settings, capsys)
    # Page 3 is refused (419): the first results page is reloaded, page 3 sent again with its new token.
    assert sorted(payloads("annuaire")) == EVERY_ID
    assert requests(site) == [("GET", "/liste"), SUBMIT, SUBMIT, ("GET", "/liste"), SUBMIT]
    assert run.status == HarvestRun.Status.SUCCESS and run.errors == []


def test_a_form_is_read_as_a_browser_sends_it_without_deprecated_scrapy_api() -> None:
    page = search_page(Directory(), "jeton").encode()
    response = HtmlResponse("http://annuaire.test/recherche", body=page, encoding="utf-8")
    with warnings.catch_warnings():
        # FormRequest.from_response is deprecated in Scrapy 2.19 (ScrapyDeprecationWarning).
        warnings.simplefilter("error")
        request = form_submission(response, DIRECTORY["form"], {"role": "entry"})
    assert (request.method, request.url) == ("POST", "http://annuaire.test/resultats")
    # Hidden fields and the checked box as on the page, the disabled field and unchecked box left out,
    # the clicked button, then the definition's value in place of the preselected theme.
    sent = [("_token", "jeton"), ("lang", "fr"), ("q", ""), ("archives", "1"), ("action", "chercher")]
    assert form_fields(request) == [*sent, ("theme", "")]
