"""Street addresses written in a description ('installée au 6 rue de la République à Lyon')."""

from __future__ import annotations

import re
from typing import NamedTuple

MAX_PROSE = 20_000  # descriptions are searched in their beginning only
_WAY = (
    r"rue|avenue|av\.|boulevard|bd|place|chemin|all[ée]e|impasse|route|quai|cours|square|passage"
    r"|esplanade|promenade|faubourg|rond-point|parvis|cit[ée]|voie|sentier|mail"
)
_NAME_WORD = r"[A-ZÉÈÊÀÂÎÔÛÇ][\w'’-]*"
_LINK_WORD = r"(?:sur|sous|l[eè]s|en|de|du|des|la|le|les|et|aux?|d['’]|l['’])"
# Number, street type, the street's name, then its commune after a comma, 'à' or a postal code.
_MENTION = re.compile(
    rf"(?<![\w/-])(?P<street>\d{{1,4}}(?:\s?(?i:bis|ter|b)\b)?,?\s+(?i:{_WAY})\s+[^,;:.!?()\n\d]{{2,70}}?)"
    rf"\s*(?:,\s*|\s+(?=\d{{5}}\s|[àa]\s))(?:(?P<postal>\d{{5}})\s+|[àa]\s+)?"
    rf"(?P<commune>{_NAME_WORD}(?:[\s-]+(?:{_LINK_WORD}|{_NAME_WORD})){{0,6}})",
)


class Mention(NamedTuple):
    """A street address found in prose: street, postal code if written, commune as written."""

    street: str
    postal_code: str | None
    commune: str


def street_mentions(prose: str) -> list[Mention]:
    """Street addresses followed by their commune ('12 bis avenue Jean Jaurès, 69007 Lyon')."""
    found = []
    for match in _MENTION.finditer(prose[:MAX_PROSE]):
        commune = re.sub(rf"(?:[\s-]+{_LINK_WORD})+$", "", match.group("commune"))
        found.append(Mention(" ".join(match.group("street").split()), match.group("postal"), commune))
    return found
