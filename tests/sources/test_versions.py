"""Definitions saved as versioned texts: errors at their line, review, revert, diff."""

from __future__ import annotations

import sys

import pytest
from django.contrib.auth.models import User

from carrefour.sources.models import Source, SourceVersion
from carrefour.sources.versions import (
    DefinitionTextError,
    definition_text_check,
    source_version_diff,
    source_version_refuse,
    source_version_revert,
    source_version_save,
    source_version_validate,
)

# Line numbers matter in these tests: line 4 is start_urls, 9 fields, 10 title, 13 the vocabulary term.
TEXT = """\
slug: jardins
name: Jardins partagés
kind: html
start_urls: ["https://jardins.example.org/liste"]
pagination: {type: next_link, next: {css: "a[rel=next]::attr(href)"}}
list:
  links: {css: "a.fiche::attr(href)"}
record_id: {url: last_segment}
fields:
  title: {css: h1}
vocabularies:
  themes:
    "Jardins: partagés": environnement
"""


def problems_of(text: str) -> list[tuple[int | None, str]]:
    """(line, message) of every problem of a text."""
    definition, problems = definition_text_check(text)
    assert (definition is None) or problems, "the text was expected to be invalid"
    return [(problem.line, str(problem)) for problem in problems]


def test_a_valid_text_has_no_problem() -> None:
    definition, problems = definition_text_check(TEXT)
    assert problems == [] and definition is not None
    assert definition["vocabularies"]["themes"]["Jardins: partagés"] == "environnement"


@pytest.mark.parametrize(
    ("change", "line", "expected"),
    [
        (lambda t: t.replace("kind: html", "kind: [html"), 4, "erreur de syntaxe YAML"),
        (
            lambda t: t.replace("  title: {css: h1}", "  title: {css: h1}\n  titel: {css: h2}"),
            11,
            "« titel »",
        ),
        (lambda t: t + "frequence: daily\n", 14, "clé inconnue « frequence »"),
        (
            lambda t: t.replace("{css: h1}", '{css: "div >"}'),
            10,
            "(fields.title.css) : sélecteur CSS invalide",
        ),
        (lambda t: t.replace("environnement", "jardinage"), 13, "code inconnu 'jardinage'"),
        # A `/regex/` key that does not compile is refused before it can stop the normalization.
        (
            lambda t: t.replace('"Jardins: partagés"', '"/jardins? (partag/"'),
            13,
            "expression régulière invalide 'jardins? (partag'",
        ),
        (lambda t: t.replace("kind: html", "kind: ftp"), 3, "(kind) : valeur 'ftp' non prévue"),
        # A missing key is reported at its parent: here pagination, on line 5.
        (
            lambda t: t.replace('type: next_link, next: {css: "a[rel=next]::attr(href)"}', "type: next_link"),
            5,
            "(pagination.next) : obligatoire",
        ),
        (lambda t: t.replace("slug: jardins\n", ""), 1, "la clé « slug » est obligatoire"),
    ],
)
def test_problems_point_at_the_line_of_the_offending_key(change, line: int, expected: str) -> None:
    found = problems_of(change(TEXT))
    assert any(at == line and expected in message for at, message in found), found


def test_a_key_yaml_reads_as_a_date_is_a_problem_not_a_crash() -> None:
    problems = problems_of(
        TEXT.replace('    "Jardins: partagés": environnement', "    2024-01-01: environnement")
    )
    message = "chaque clé doit être du texte (une date ou une liste lue : mettez-la entre guillemets)"
    assert problems == [(None, f"(texte) : {message}")]


def test_texts_that_are_not_definitions_get_a_clear_problem() -> None:
    assert problems_of("") == [(None, "(texte) : un bloc de clés (clé: valeur) est attendu")]


def test_yaml_anchors_aliases_and_deep_nesting_are_refused_at_their_line() -> None:
    # 18 aliases in 44 KB used to pass (the limit was 20) and expanded to 61 MB of JSON.
    bomb = "a: &a [" + ", ".join(["x" * 100] * 400) + "]\n"
    bomb += "".join(f"b{i}: &b{i} [*{'a' if i == 0 else f'b{i - 1}'}, *a]\n" for i in range(9))
    assert problems_of(bomb) == [(1, "ligne 1 : les ancres et alias YAML (&, *) ne sont pas acceptés")]
    anchored = TEXT.replace("fields:\n  title: {css: h1}", "fields:\n  title: &t {css: h1}")
    assert problems_of(anchored) == [(10, "ligne 10 : les ancres et alias YAML (&, *) ne sont pas acceptés")]
    deep = TEXT + "extra: " + "[" * 40 + "]" * 40 + "\n"
    assert problems_of(deep) == [(14, "ligne 14 : imbrication trop profonde (plus de 30 niveaux)")]
    # Within the text limit, yet six times longer as JSON (each "é" becomes "\\u00e9").
    huge = TEXT + "extra: " + "é" * 190_000 + "\n"
    assert "définition trop grande" in problems_of(huge)[0][1]


def test_a_nesting_that_exhausts_the_recursion_is_a_problem_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("carrefour.sources.versions.MAX_DEPTH", 10_000)
    deep = "a: " + "[" * 3000 + "]" * 3000 + "\n"
    limit = sys.getrecursionlimit()
    assert problems_of(deep) == [(None, "(texte) : imbrication trop profonde (plus de 10000 niveaux)")]
    assert sys.getrecursionlimit() == limit


@pytest.fixture
def people(db: None) -> tuple[User, User]:
    """A partner member writing definitions and an administrator reviewing them."""
    return User.objects.create_user("membre"), User.objects.create_user("admin", is_staff=True)


def statuses(source: Source) -> list[tuple[int, str]]:
    """(number, status) of every version of a source, oldest first."""
    return list(source.versions.order_by("number").values_list("number", "status"))


def test_a_new_source_waits_for_its_review_then_runs_once_validated(people: tuple[User, User]) -> None:
    member, admin = people
    first = source_version_save(TEXT, author=member, comment="Première version")
    source = first.source
    assert (source.origin, source.review_status) == (Source.Origin.PARTNER, Source.Review.PENDING)
    assert (first.number, first.status, first.author) == (1, SourceVersion.Status.PENDING, member)
    assert source.name == "Jardins partagés" and source.definition["slug"] == "jardins"
    # Saving again before any review withdraws the first proposal.
    second = source_version_save(TEXT.replace("Jardins partagés", "Jardins"), author=member, source=source)
    assert statuses(source) == [(1, "withdrawn"), (2, "pending")]
    source_version_validate(second, reviewer=admin)
    source.refresh_from_db()
    second.refresh_from_db()
    assert (source.review_status, source.name) == (Source.Review.VALIDATED, "Jardins")
    assert (second.status, second.reviewed_by) == (SourceVersion.Status.APPLIED, admin)
    assert second.reviewed_at is not None
    with pytest.raises(ValueError, match="not pending"):
        source_version_validate(second, reviewer=admin)


def test_changes_of_a_validated_source_apply_at_once_unless_its_hosts_change(
    people: tuple[User, User],
) -> None:
    member, admin = people
    source = source_version_save(TEXT, author=member).source
    source_version_validate(source.versions.get(), reviewer=admin)
    renamed = source_version_save(TEXT.replace("Jardins partagés", "Jardins !"), author=member, source=source)
    source.refresh_from_db()
    assert renamed.status == SourceVersion.Status.APPLIED and source.name == "Jardins !"
    # Same text again: nothing new.
    assert source_version_save(renamed.text, author=member, source=source) == renamed
    moved = source_version_save(
        TEXT.replace("jardins.example.org", "autre.example.org"), author=member, source=source
    )
    source.refresh_from_db()
    assert moved.status == SourceVersion.Status.PENDING
    # The live definition stays the validated one until the move is reviewed.
    assert source.review_status == Source.Review.VALIDATED and source.definition["start_urls"] == [
        "https://jardins.example.org/liste"
    ]
    source_version_refuse(moved, reviewer=admin, reason="Ce site n'est pas le vôtre.")
    moved.refresh_from_db()
    source.refresh_from_db()
    assert (moved.status, moved.review_reason) == (
        SourceVersion.Status.REFUSED,
        "Ce site n'est pas le vôtre.",
    )
    assert source.review_status == Source.Review.VALIDATED and source.name == "Jardins !"
    assert statuses(source) == [(1, "applied"), (2, "applied"), (3, "refused")]
    # Proposing the refused text again is a new proposal for review, not the refused version returned.
    again = source_version_save(moved.text, author=member, source=source)
    assert (again.number, again.status) == (moved.number + 1, SourceVersion.Status.PENDING)


def test_a_change_of_platform_waits_for_review_and_website_must_be_http(people: tuple[User, User]) -> None:
    member, admin = people
    source = source_version_save(TEXT, author=member).source
    source_version_validate(source.versions.get(), reviewer=admin)
    other = source_version_save(TEXT + "platform: wordpress\n", author=member, source=source)
    assert other.status == SourceVersion.Status.PENDING
    found = problems_of(TEXT + 'website: "javascript:alert(1)"\n')
    assert any(
        line == 14 and "(website) : 'javascript:alert(1)' n'a pas la forme attendue" in text
        for line, text in found
    )


def test_a_refused_new_source_keeps_the_reason_and_can_be_proposed_again(people: tuple[User, User]) -> None:
    member, admin = people
    version = source_version_save(TEXT, author=member)
    with pytest.raises(ValueError, match="reason"):
        source_version_refuse(version, reviewer=admin, reason="  ")
    source_version_refuse(version, reviewer=admin, reason="Licence manquante")
    source = Source.objects.get(slug="jardins")
    assert (source.review_status, source.review_reason) == (Source.Review.REFUSED, "Licence manquante")
    again = source_version_save(TEXT + "licence: Licence Ouverte 2.0\n", author=member, source=source)
    source.refresh_from_db()
    assert again.status == SourceVersion.Status.PENDING and source.review_status == Source.Review.PENDING


def test_revert_saves_the_old_text_as_the_newest_version_and_diff_shows_changes(
    people: tuple[User, User],
) -> None:
    member, admin = people
    first = source_version_save(TEXT, author=member)
    source_version_validate(first, reviewer=admin)
    second = source_version_save(TEXT.replace("{css: h1}", "{css: h2}"), author=member, source=first.source)
    assert source_version_diff(second) == [
        "--- version 1",
        "+++ version 2",
        "@@ -7,7 +7,7 @@",
        '   links: {css: "a.fiche::attr(href)"}',
        " record_id: {url: last_segment}",
        " fields:",
        "-  title: {css: h1}",
        "+  title: {css: h2}",
        " vocabularies:",
        "   themes:",
        '     "Jardins: partagés": environnement',
    ]
    assert source_version_diff(first)[:2] == ["--- (aucune)", "+++ version 1"]
    back = source_version_revert(first, author=member)
    first.source.refresh_from_db()
    assert (back.number, back.status, back.text) == (3, SourceVersion.Status.APPLIED, TEXT)
    assert back.comment == "Retour à la version 1"
    assert first.source.definition["fields"]["title"] == {"css": "h1"}


def test_saving_refuses_a_taken_slug_or_a_slug_change_at_the_slug_line(people: tuple[User, User]) -> None:
    member, _ = people
    Source.objects.create(slug="jardins", name="Déjà là", kind="html")
    with pytest.raises(DefinitionTextError) as taken:
        source_version_save(TEXT, author=member)
    assert [(p.line, p.path) for p in taken.value.problems] == [(1, "slug")]
    other = source_version_save(TEXT.replace("slug: jardins", "slug: vergers"), author=member).source
    with pytest.raises(DefinitionTextError, match="ligne 1 \\(slug\\) : le slug d'une source ne change pas"):
        source_version_save(TEXT, author=member, source=other)
    with pytest.raises(DefinitionTextError, match=r"ligne 3 \(kind\)"):
        source_version_save(TEXT.replace("kind: html", "kind: ftp"), author=member, source=other)
    assert statuses(other) == [(1, "pending")]


def test_a_later_change_withdraws_a_waiting_change_of_hosts(people: tuple[User, User]) -> None:
    member, admin = people
    first = source_version_save(TEXT, author=member)
    source_version_validate(first, reviewer=admin)
    source_version_save(
        TEXT.replace("jardins.example.org", "autre.example.org"), author=member, source=first.source
    )
    fixed = source_version_save(TEXT.replace("{css: h1}", "{css: h2}"), author=member, source=first.source)
    # Validating the old proposal would drop the newer change: it is withdrawn, the new one applies.
    assert fixed.status == SourceVersion.Status.APPLIED
    assert statuses(first.source) == [(1, "applied"), (2, "withdrawn"), (3, "applied")]


def test_a_platform_another_source_publishes_under_is_refused_at_its_line(people: tuple[User, User]) -> None:
    member, admin = people
    Source.objects.create(slug="portraits", name="Portraits", kind="html")
    Source.objects.create(slug="annuaire", name="Annuaire", kind="html", definition={"platform": "wordpress"})
    for platform, line in (("portraits", 14), ("wordpress", 14)):
        with pytest.raises(DefinitionTextError) as taken:
            source_version_save(TEXT + f"platform: {platform}\n", author=member)
        assert [(p.line, p.path) for p in taken.value.problems] == [(line, "platform")]
        assert f"la plateforme « {platform} » est déjà celle d'une autre source" in str(taken.value)
    # A slug is the platform of a source that declares none: another source cannot take it either.
    Source.objects.create(
        slug="vergers-anciens", name="Vergers", kind="html", definition={"platform": "jardins"}
    )
    with pytest.raises(DefinitionTextError, match="ligne 1 \\(slug\\) : la plateforme « jardins »"):
        source_version_save(TEXT, author=member)
    assert not SourceVersion.objects.exists()
    # Its own platform, kept or declared again, is no clash.
    source = source_version_save(
        TEXT.replace("jardins", "vergers") + "platform: vergers-du-sud\n", author=member
    )
    source_version_validate(source, reviewer=admin)
    renamed = TEXT.replace("jardins", "vergers").replace("Jardins partagés", "Vergers")
    again = source_version_save(renamed + "platform: vergers-du-sud\n", author=member, source=source.source)
    assert again.status == SourceVersion.Status.APPLIED


def test_a_platform_asked_for_by_a_pending_version_is_taken_and_checked_again_at_validation(
    people: tuple[User, User],
) -> None:
    from carrefour.partners.editor import ReviewRefusedError, source_version_decide
    from carrefour.sources.platforms import source_for_platform

    member, admin = people
    first = source_version_save(TEXT, author=member)
    source_version_validate(first, reviewer=admin)
    vergers = source_version_save(TEXT.replace("jardins", "vergers"), author=member)
    source_version_validate(vergers, reviewer=admin)
    # A change of platform waits for review; meanwhile nobody else can ask for the same platform.
    asked = source_version_save(TEXT + "platform: commun\n", author=member, source=first.source)
    assert asked.status == SourceVersion.Status.PENDING
    with pytest.raises(
        DefinitionTextError, match="la plateforme « commun » est déjà celle d'une autre source"
    ):
        source_version_save(
            TEXT.replace("jardins", "vergers") + "platform: commun\n", author=member, source=vergers.source
        )
    # Should another source go in service under it all the same (an older pending text), validation refuses.
    Source.objects.filter(pk=vergers.source.pk).update(definition={"platform": "commun"})
    with pytest.raises(ReviewRefusedError, match="ne peut pas être validée : la plateforme « commun »"):
        source_version_decide(asked, reviewer=admin, accept=True)
    asked.refresh_from_db()
    assert asked.status == SourceVersion.Status.PENDING
    assert source_for_platform("commun") == vergers.source


def test_moving_a_file_source_to_another_path_waits_for_a_second_administrator(
    people: tuple[User, User],
) -> None:
    member, admin = people
    local = TEXT.replace('["https://jardins.example.org/liste"]', '["{shared_dir}/jardins/liste.html"]')
    first = source_version_save(local, author=admin, origin=Source.Origin.FILE)
    source_version_validate(first, reviewer=member)
    renamed = source_version_save(
        local.replace("Jardins partagés", "Jardins"),
        author=admin,
        source=first.source,
        origin=Source.Origin.FILE,
    )
    assert renamed.status == SourceVersion.Status.APPLIED
    # Another file of the server is another place, however the path is written: reviewed like a new host.
    for path in ("file:///srv/carrefour/.env", "{shared_dir}/../.env"):
        moved = source_version_save(
            local.replace("{shared_dir}/jardins/liste.html", path),
            author=admin,
            source=first.source,
            origin=Source.Origin.FILE,
        )
        assert moved.status == SourceVersion.Status.PENDING
    first.source.refresh_from_db()
    assert first.source.definition["start_urls"] == ["{shared_dir}/jardins/liste.html"]


def test_a_pending_partner_proposal_does_not_block_the_maintainers_file(people: tuple[User, User]) -> None:
    member, admin = people
    first = source_version_save(TEXT, author=member)
    source_version_validate(first, reviewer=admin)
    asked = source_version_save(TEXT + "platform: commun\n", author=member, source=first.source)
    assert asked.status == SourceVersion.Status.PENDING
    # A partner cannot squat a platform by proposing it: a maintainer's file import still goes through.
    filed = source_version_save(
        TEXT.replace("jardins", "vergers") + "platform: commun\n", author=admin, origin=Source.Origin.FILE
    )
    assert filed.source.platform == "commun"
