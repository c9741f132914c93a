"""Vocabulary mapping from the partner space: unmapped terms, a new version, re-application in the worker."""

from __future__ import annotations

import html
import re
from typing import Any

import yaml

from carrefour.dedup.models import ClusterMember
from carrefour.normalize.models import Record
from carrefour.orchestration.models import Job
from carrefour.partners.mapping import definition_text_vocabularies_set
from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.services import source_load_all
from tests.accounts.conftest import signed_in
from tests.partners.conftest import mapping_form, theme_count
from tests.worker import tasks_run


def _unmapped(page: str) -> dict[str, int]:
    """Unmapped terms of the page with their counts."""
    rows = re.findall(r'<tr class="terme-non-associe">\s*<td>([^<]+)</td>\s*<td>(\d+)</td>', page)
    return {html.unescape(term): int(count) for term, count in rows}


def test_unmapped_terms_are_listed_with_counts_and_examples(partner_source: Source, make_user: Any) -> None:
    page = signed_in(make_user("org_member")).get("/espace-partenaire/sources/regards-solidaires/vocabulaire")
    html = page.content.decode()
    assert page.status_code == 200
    # The invalid record (no title) is not counted.
    assert _unmapped(html) == {"Jardins partagés": 3, "Tiers-lieux": 2}
    assert html.count('href="/projets/') >= 5 and "Potager des Canuts" in html
    # Terms already mapped are listed, their code chosen; common codes are offered with their labels.
    assert re.search(
        r"<td>Alimentation durable</td><td>.*?<option value=\"alimentation\" selected>", html, re.S
    )
    assert "Environnement et biodiversité" in html


def test_saving_a_mapping_makes_a_version_and_reapplies_it(partner_source: Source, make_user: Any) -> None:
    user = make_user("org_member")
    client = signed_in(user)
    url = "/espace-partenaire/sources/regards-solidaires/vocabulaire"
    before = theme_count("environnement")
    data = mapping_form(client.get(url).content.decode(), {"Jardins partagés": "environnement"})
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(r"<li>([^<]*)</li>", response.content.decode())
    job = Job.objects.get(kind=Job.Kind.MAPPING_REAPPLY)
    assert response.status_code == 302 and response["Location"] == f"/espace-partenaire/travaux/{job.pk}"
    version = SourceVersion.objects.filter(source=partner_source).order_by("-number").first()
    assert version is not None and version.number == 2 and version.author == user
    assert version.comment == (
        "Correspondances de vocabulaire : « Jardins partagés » → Environnement et biodiversité"
    )
    # The text is the partner's file with one line more: its comments are kept.
    assert "# Regards Solidaires — portraits d'initiatives" in version.text
    assert "Jardins partagés: environnement" in version.text
    partner_source.refresh_from_db()
    assert partner_source.definition["vocabularies"]["themes"]["Jardins partagés"] == "environnement"
    assert "en attente du worker" in client.get(response["Location"]).content.decode()
    assert theme_count("environnement") == before  # nothing changes before the worker runs
    # Saved from the partner space, the source is now the partner's: `carrefour harvest` starts by
    # syncing the definition files, which must not put the file's text (without the mapping) back.
    source_load_all()
    partner_source.refresh_from_db()
    assert partner_source.origin == Source.Origin.PARTNER
    assert partner_source.definition["vocabularies"]["themes"]["Jardins partagés"] == "environnement"

    tasks_run()
    job_page = client.get(response["Location"]).content.decode()
    # Only the records where the term was unmapped are processed again (the invalid one included).
    assert "terminé" in job_page and "Correspondances appliquées : 4 fiches traitées" in job_page
    assert 'http-equiv="refresh"' not in job_page
    assert theme_count("environnement") == before + 3
    page = client.get(url).content.decode()
    assert _unmapped(page) == {"Tiers-lieux": 2}
    assert f'href="/espace-partenaire/travaux/{job.pk}"' in page  # recent jobs of the source
    assert re.search(r"<td>Jardins partagés</td><td>.*?<option value=\"environnement\" selected>", page, re.S)


def test_a_mapping_removed_puts_the_term_back_in_the_list(partner_source: Source, make_user: Any) -> None:
    client = signed_in(make_user("administrator"))
    url = "/espace-partenaire/sources/regards-solidaires/vocabulaire"
    before = theme_count("alimentation")
    client.post(url, mapping_form(client.get(url).content.decode(), {"Alimentation durable": ""}))
    tasks_run()
    # A mapping removed: only the records using the term are processed again.
    assert "Correspondances appliquées : 2 fiches traitées" in Job.objects.get().summary
    assert _unmapped(client.get(url).content.decode())["Alimentation durable"] == 2
    assert theme_count("alimentation") == before - 2
    assert (
        "Alimentation durable"
        not in partner_source.versions.get(number=2).definition["vocabularies"]["themes"]
    )


def test_a_mapping_changed_rewrites_only_the_records_using_it(partner_source: Source, make_user: Any) -> None:
    client = signed_in(make_user("org_member"))
    url = "/espace-partenaire/sources/regards-solidaires/vocabulaire"
    mobility, social = theme_count("mobilite"), theme_count("lien-social")
    stamps = dict(Record.objects.values_list("raw__payload__title", "updated_at"))
    clusters = dict(ClusterMember.objects.values_list("record_id", "cluster_id"))
    client.post(url, mapping_form(client.get(url).content.decode(), {"Mobilité": "lien-social"}))
    tasks_run()
    # "Mobilité" is a term of one record: only it is processed again, written and its project merged.
    assert "Correspondances appliquées : 1 fiches traitées" in Job.objects.get().summary
    assert theme_count("mobilite") == mobility - 1 and theme_count("lien-social") == social + 1
    after = dict(Record.objects.values_list("raw__payload__title", "updated_at"))
    assert [title for title in after if after[title] != stamps[title]] == ["Atelier vélo des Pentes"]
    assert dict(ClusterMember.objects.values_list("record_id", "cluster_id")) == clusters


def test_bad_choices_save_nothing_and_keep_the_choices(partner_source: Source, make_user: Any) -> None:
    client = signed_in(make_user("org_member"))
    url = "/espace-partenaire/sources/regards-solidaires/vocabulaire"
    page = client.get(url).content.decode()
    data = mapping_form(page, {"Jardins partagés": "pas-un-code", "Tiers-lieux": "lien-social"})
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400 and "code inconnu pas-un-code" in html
    assert re.search(r'<option value="lien-social" selected>', html)  # the partner's other choice kept
    forged = {**mapping_form(page, {}), "themes:<b>Inventé</b>": "sante"}
    response = client.post(url, forged)
    assert response.status_code == 400 and "&lt;b&gt;Inventé&lt;/b&gt;" in response.content.decode()
    assert partner_source.versions.count() == 1 and not Job.objects.exists()
    response = client.post(url, mapping_form(page, {}))
    assert response.status_code == 302 and partner_source.versions.count() == 1
    assert "Aucune correspondance n&#x27;a changé" in client.get(url).content.decode()


def test_mapping_waits_for_a_pending_version(partner_source: Source, make_user: Any) -> None:
    SourceVersion.objects.filter(source=partner_source).update(status=SourceVersion.Status.PENDING)
    client = signed_in(make_user("org_member"))
    url = "/espace-partenaire/sources/regards-solidaires/vocabulaire"
    response = client.post(
        url, mapping_form(client.get(url).content.decode(), {"Tiers-lieux": "lien-social"})
    )
    assert response.status_code == 400 and "attend la validation" in response.content.decode()
    assert partner_source.versions.count() == 1 and not Job.objects.exists()


def test_mapping_waits_for_the_source_validation(partner_source: Source, make_user: Any) -> None:
    client = signed_in(make_user("org_member"))
    url = "/espace-partenaire/sources/regards-solidaires/vocabulaire"
    page = client.get(url).content.decode()
    Source.objects.filter(pk=partner_source.pk).update(review_status=Source.Review.PENDING)
    response = client.post(url, mapping_form(page, {"Tiers-lieux": "lien-social"}))
    assert response.status_code == 400 and "n&#x27;est pas validée" in response.content.decode()
    assert partner_source.versions.count() == 1 and not Job.objects.exists()


def test_the_rewritten_text_keeps_the_rest_of_the_definition() -> None:
    text = "slug: a  # the partner's note\nvocabularies:\n"
    assert definition_text_vocabularies_set(text, {"themes": {"Jardins": "environnement"}}) == (
        "slug: a  # the partner's note\nvocabularies:\n  themes:\n    Jardins: environnement\n"
    )
    text = "slug: a\nvocabularies:\n  themes: {jardins: sante}  # flow\n  publics:\n    Aînés: seniors\n"
    changed = definition_text_vocabularies_set(text, {"themes": {"Jardins": ""}, "publics": {"Aînés": "-"}})
    assert yaml.safe_load(changed) == {"slug": "a", "vocabularies": {"publics": {"Aînés": None}}}


def test_a_term_mapped_while_its_records_wait_for_the_reapply_is_listed_once(
    partner_source: Source, make_user: Any
) -> None:
    client = signed_in(make_user("org_member"))
    url = "/espace-partenaire/sources/regards-solidaires/vocabulaire"
    client.post(url, mapping_form(client.get(url).content.decode(), {"Jardins partagés": "environnement"}))
    # The worker has not run: the records still hold the term unmapped, the definition maps it.
    page = client.get(url).content.decode()
    assert page.count('name="themes:Jardins partagés"') == 1
    assert _unmapped(page) == {"Tiers-lieux": 2}
    # The one select is the one posted: changing it changes the mapping.
    response = client.post(url, mapping_form(page, {"Jardins partagés": "lien-social"}))
    assert response.status_code == 302
    partner_source.refresh_from_db()
    assert partner_source.definition["vocabularies"]["themes"]["Jardins partagés"] == "lien-social"


def test_a_term_mapped_under_another_case_is_listed_once_as_mapped(
    partner_source: Source, make_user: Any
) -> None:
    # The normalizer folds case: "jardins partagés" in the definition maps the records' "Jardins partagés".
    definition = partner_source.definition
    vocabularies = {**(definition.get("vocabularies") or {})}
    vocabularies["themes"] = {**(vocabularies.get("themes") or {}), "jardins partagés": "environnement"}
    Source.objects.filter(pk=partner_source.pk).update(
        definition={**definition, "vocabularies": vocabularies}
    )
    page = signed_in(make_user("org_member")).get("/espace-partenaire/sources/regards-solidaires/vocabulaire")
    html_text = page.content.decode()
    assert _unmapped(html_text) == {"Tiers-lieux": 2}
    assert html_text.count('name="themes:jardins partagés"') == 1
    assert 'name="themes:Jardins partagés"' not in html_text


def test_terms_and_codes_a_yaml_1_1_reader_would_misread_are_quoted() -> None:
    # ruamel writes YAML 1.2, where `on`, `yes` and `1:20` are strings; the definitions are read as YAML 1.1.
    text = "slug: a\nvocabularies:\n  themes:\n    Jardins: environnement  # kept\n"
    changed = definition_text_vocabularies_set(
        text, {"themes": {"on": "sante", "yes": "sante", "1:20": "sante"}}
    )
    assert "# kept" in changed
    assert yaml.safe_load(changed)["vocabularies"]["themes"] == {
        "Jardins": "environnement",
        "on": "sante",
        "yes": "sante",
        "1:20": "sante",
    }
