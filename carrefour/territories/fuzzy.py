"""Misspelled or truncated commune names, matched only among the communes of a known area."""

from __future__ import annotations

from difflib import SequenceMatcher

from carrefour.territories.gazetteer import Place
from carrefour.territories.names import name_normalize

MIN_PREFIX = 8  # a truncated name shorter than this says too little ('saint e')
MIN_RATIO = 0.85  # similarity of a misspelled name to the commune's
MIN_MARGIN = 0.05  # the best match must beat the second by this much, else it is a guess


def commune_fuzzy_find(name: str, pool: list[Place]) -> Place | None:
    """The one commune of `pool` that `name` is a truncation or a near spelling of; else None."""
    keys = {place: name_normalize(place.name) for place in pool}
    if len(name) >= MIN_PREFIX:
        truncated = [place for place, key in keys.items() if key.startswith(name)]
        if len(truncated) == 1:
            return truncated[0]
        if truncated:
            return None
    scored = []
    matcher = SequenceMatcher(b=name, autojunk=False)
    for place, key in keys.items():
        matcher.set_seq1(key)
        # quick_ratio bounds ratio from above: most communes are discarded without the full comparison.
        if matcher.real_quick_ratio() >= MIN_RATIO and matcher.quick_ratio() >= MIN_RATIO:
            scored.append((matcher.ratio(), place))
    scored.sort(key=lambda item: item[0], reverse=True)
    if not scored or scored[0][0] < MIN_RATIO:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < MIN_MARGIN:
        return None
    return scored[0][1]
