"""Pure matching: blocking, pair decisions and constrained clustering over signatures (no database)."""

from __future__ import annotations

import multiprocessing
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from carrefour.dedup.signature import HASH_DIGITS

Signature = Mapping[str, Any]
# A block larger than this is split by département, then dropped: a key shared by that many records
# ("solidaire", a template sentence) says nothing, and comparing all of them would be quadratic.
BLOCK_MAX = 40
MIN_TOKEN = 3
MIN_TEXT = 20  # fewer shingles than this (a one-line teaser) cannot tell two projects apart
PARALLEL_PAIRS = 50_000  # below this, forking scoring processes costs more than it saves


def block_keys(sig: Signature) -> list[str]:
    """Blocking keys: rare title words, website, organization and the opening of the description."""
    keys = [f"t:{w}" for w in sig["t"] if len(w) >= MIN_TOKEN]
    if sig["w"]:
        keys.append(f"w:{sig['w']}")
    if sig["o"]:
        keys.append(f"o:{sig['o']}")
    if sig["s"]:
        keys.append(f"s:{sig['s'][:HASH_DIGITS]}")
    return keys


def blocks_build(signatures: Mapping[int, Signature]) -> dict[str, list[int]]:
    """Blocks of record ids sharing a key, too-common keys narrowed to one département or dropped."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for record_id, sig in signatures.items():
        for key in block_keys(sig):
            blocks[key].append(record_id)
    narrowed: dict[str, list[int]] = {}
    for key, ids in blocks.items():
        if len(ids) < 2:
            continue
        if len(ids) <= BLOCK_MAX:
            narrowed[key] = ids
            continue
        by_dep: dict[str, list[int]] = defaultdict(list)
        for record_id in ids:
            by_dep[signatures[record_id]["d"]].append(record_id)
        for dep, sub in by_dep.items():
            if dep and 2 <= len(sub) <= BLOCK_MAX:
                narrowed[f"{key}|{dep}"] = sub
    return narrowed


def candidate_pairs(blocks: Iterable[list[int]], among: set[int] | None = None) -> set[tuple[int, int]]:
    """Distinct pairs (a < b) of records sharing a block, optionally both inside `among`."""
    pairs: set[tuple[int, int]] = set()
    for ids in blocks:
        members = sorted(ids if among is None else [i for i in ids if i in among])
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pairs.add((a, b))
    return pairs


def _conflict(a: Signature, b: Signature) -> bool:
    """Two places that cannot be the same project: a network's sites in different communes stay apart."""
    return any(a[k] and b[k] and a[k] != b[k] for k in ("c", "d", "r"))


def _overlap(sa: frozenset[str], sb: frozenset[str]) -> tuple[float, float]:
    """(containment, Jaccard) of two sets."""
    if not sa or not sb:
        return 0.0, 0.0
    common = len(sa & sb)
    return common / min(len(sa), len(sb)), common / (len(sa) + len(sb) - common)


_HASH = re.compile(f".{{{HASH_DIGITS}}}")


def _hashes(packed: str) -> list[str]:
    return _HASH.findall(packed)


def _prepared(sig: Signature) -> dict[str, Any]:
    """The signature with title words and text hashes as sets, computed once per record."""
    return {**sig, "t": frozenset(sig["t"]), "s": frozenset(_hashes(sig["s"]))}


def pair_score(a: Signature, b: Signature) -> float:
    """Evidence that two records describe the same project; 0 when they must not be merged.

    Precision first. Titles of different projects often coincide (names are reused, organizations are
    named after projects, so are websites): the description is the main evidence, with some title
    agreement. Without enough text on both sides, title, organization and the same commune must all
    agree. Records of one source need everything, as a source rarely publishes a project twice.
    """
    if _conflict(a, b):
        return 0.0
    if isinstance(a["s"], str):
        a, b = _prepared(a), _prepared(b)
    title_in, title_j = _overlap(a["t"], b["t"])
    sa, sb = a["s"], b["s"]
    text_in, _ = _overlap(sa, sb)
    has_text = min(len(sa), len(sb)) >= MIN_TEXT
    same_web = bool(a["w"]) and a["w"] == b["w"]
    same_org = bool(a["o"]) and a["o"] == b["o"]
    same_commune = bool(a["c"]) and a["c"] == b["c"]
    if a["src"] == b["src"]:
        ok = title_j >= 0.99 and text_in >= 0.9 and same_commune
    elif has_text:
        ok = (text_in >= 0.75 and title_in >= 0.3) or (
            text_in >= 0.6 and title_in >= 0.99 and (same_org or same_web or same_commune)
        )
    else:
        ok = title_in >= 0.99 and title_j >= 0.5 and same_commune and (same_org or same_web)
    if not ok:
        return 0.0
    return title_in + title_j + 2 * text_in + same_web + same_org + same_commune


Scored = tuple[float, int, int]
# What forked scoring processes read (inherited, never pickled): signatures and candidate pairs.
_SCORING: tuple[Mapping[int, Signature], list[tuple[int, int]]] = ({}, [])


def _scores(signatures: Mapping[int, Signature], pairs: list[tuple[int, int]]) -> list[Scored]:
    """(score, a, b) of the pairs that match, each signature prepared once.

    Pairs sorted by record are scored faster: neighbours' signatures stay in the CPU cache.
    """
    prepared = {i: _prepared(signatures[i]) for i in {i for pair in pairs for i in pair}}
    return [(score, a, b) for a, b in pairs if (score := pair_score(prepared[a], prepared[b])) > 0]


def _scores_slice(bounds: tuple[int, int]) -> list[Scored]:
    signatures, pairs = _SCORING
    return _scores(signatures, pairs[bounds[0] : bounds[1]])


def pairs_score(
    signatures: Mapping[int, Signature], pairs: Iterable[tuple[int, int]], workers: int = 1
) -> list[Scored]:
    """Matching pairs as (score, a, b), strongest first; scored in `workers` forked processes if many."""
    # Sorted, each worker's share holds the pairs of a range of records: it prepares their signatures
    # and their neighbours', not all of them.
    pairs = sorted(pairs)
    if workers < 2 or len(pairs) < PARALLEL_PAIRS:
        return sorted(_scores(signatures, pairs), reverse=True)
    global _SCORING
    _SCORING = (signatures, pairs)
    step = -(-len(pairs) // workers)
    try:
        # Forked after the signatures exist, so workers inherit them instead of unpickling 100,000.
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_scores_slice, [(i, i + step) for i in range(0, len(pairs), step)])
    finally:
        _SCORING = ({}, [])
    # The total order of (score, a, b) makes the result independent of how pairs were split.
    return sorted((s for part in parts for s in part), reverse=True)


@dataclass
class _Group:
    members: list[int]
    places: dict[str, set[str]] = field(default_factory=lambda: {"c": set(), "d": set(), "r": set()})
    sources: set[int] = field(default_factory=set)


def clusters_compute(
    signatures: Mapping[int, Signature],
    pairs: Iterable[tuple[int, int]],
    must: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
    workers: int = 1,
) -> list[list[int]]:
    """Groups of record ids: admin links first, then matches by decreasing evidence, under constraints.

    Merging two groups is refused when it would put two communes (or départements, régions) in one
    project, two records of one source together (unless they matched each other), or records an
    admin split apart: a chain of weak matches cannot glue different projects. Pairs are scored in
    `workers` processes when there are many; the groups do not depend on it.
    """
    parent = {i: i for i in signatures}
    groups: dict[int, _Group] = {}
    for i, sig in signatures.items():
        group = groups[i] = _Group(members=[i], sources={sig["src"]})
        for key in ("c", "d", "r"):
            if sig[key]:
                group.places[key].add(sig[key])
    forbidden = {frozenset(p) for p in cannot}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int, *, forced: bool) -> None:
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        ga, gb = groups[ra], groups[rb]
        if not forced:
            if any(len(ga.places[k] | gb.places[k]) > 1 for k in ("c", "d", "r")):
                return
            if ga.sources & gb.sources and not (len(ga.members) == 1 and len(gb.members) == 1):
                return
            if forbidden and any(frozenset((x, y)) in forbidden for x in ga.members for y in gb.members):
                return
        if len(ga.members) < len(gb.members):
            ra, rb, ga, gb = rb, ra, gb, ga
        parent[rb] = ra
        ga.members += gb.members
        ga.sources |= gb.sources
        for key in ("c", "d", "r"):
            ga.places[key] |= gb.places[key]
        del groups[rb]

    for a, b in must:
        if a in parent and b in parent:
            union(a, b, forced=True)
    for _score, a, b in pairs_score(signatures, pairs, workers):
        union(a, b, forced=False)
    return [sorted(g.members) for g in groups.values()]
