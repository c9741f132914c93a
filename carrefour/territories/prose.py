"""Street addresses written in a description ('installée au 6 rue de la République à Lyon')."""

from __future__ import annotations

import re
from typing import NamedTuple

MAX_PROSE = 8_000  # descriptions are searched in their beginning only, blanks collapsed
_WAY = (
    r"rue|avenue|av\.|boulevard|bd|place|chemin|all[ée]e|impasse|route|quai|cours|square|passage"
    r"|esplanade|promenade|faubourg|rond-point|parvis|cit[ée]|voie|sentier|mail"
)
_NAME_WORD = r"[A-ZÉÈÊÀÂÎÔÛÇ][\w'’-]*"
_LINK_WORD = r"(?:sur|sous|l[eè]s|en|de|du|des|la|le|les|et|aux?|d['’]|l['’])"
# Number, street type, the street's name, then its commune after a comma, 'à' or a postal code.
# Whitespace is collapsed to single spaces first, so the pattern holds literal spaces only: each
# start position is tried in bounded time (the name is at most 70 characters), never polynomially.
_MENTION = re.compile(
    rf"(?<![\w/-])(?P<street>\d{{1,4}}(?: ?(?i:bis|ter|b)\b)?,? (?i:{_WAY}) [^,;:.!?()\d]{{2,70}}?)"
    rf"(?:, ?| (?=\d{{5}} |[àa] ))(?:(?P<postal>\d{{5}}) |[àa] )?"
    rf"(?P<commune>{_NAME_WORD}(?:(?: - | |-)(?:{_LINK_WORD}|{_NAME_WORD})){{0,6}})",
)
_TRAILING_LINKS = re.compile(rf"(?:(?: - | |-){_LINK_WORD})+$")


class Mention(NamedTuple):
    """A street address found in prose: street, postal code if written, commune as written."""

    street: str
    postal_code: str | None
    commune: str


def street_mentions(prose: str) -> list[Mention]:
    """Street addresses followed by their commune ('12 bis avenue Jean Jaurès, 69007 Lyon')."""
    # str.split() also splits on Unicode spaces (U+2003…) that html_to_text leaves in place.
    text = " ".join(prose.split())
    found = []
    for match in _MENTION.finditer(text[:MAX_PROSE]):
        commune = _TRAILING_LINKS.sub("", match.group("commune"))
        found.append(Mention(match.group("street"), match.group("postal"), commune))
    return found
