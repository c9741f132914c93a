"""Pure matching: pair rules, blocking and constrained clustering."""

from __future__ import annotations

from typing import Any

import pytest

from carrefour.dedup import matching
from carrefour.dedup.matching import BLOCK_MAX, blocks_build, candidate_pairs, clusters_compute, pair_score

TEXT = "".join(f"{i:06x}" for i in range(40))
OTHER_TEXT = "".join(f"{i:06x}" for i in range(100, 140))


def sig(src: int = 1, t: tuple[str, ...] = ("jardin", "lilas"), **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"t": sorted(t), "o": "", "c": "93048", "d": "93", "r": "11", "w": "", "s": TEXT}
    base["src"] = src
    base.update(extra)
    return base


def test_same_text_and_title_across_sources_match() -> None:
    assert pair_score(sig(1), sig(2)) > 0


def test_a_network_site_in_another_commune_never_matches() -> None:
    assert pair_score(sig(1), sig(2, c="75056", d="75")) == 0


def test_same_title_and_organization_without_the_same_text_do_not_match() -> None:
    # Names are reused by unrelated projects: a title match needs the description to agree too.
    assert pair_score(sig(1, o="lilas"), sig(2, o="lilas", s=OTHER_TEXT, c="")) == 0


def test_without_text_title_organization_and_commune_must_all_agree() -> None:
    short = {"s": TEXT[:60]}
    assert pair_score(sig(1, o="lilas", **short), sig(2, o="lilas", **short)) > 0
    assert pair_score(sig(1, o="lilas", **short), sig(2, o="autre", **short)) == 0


def test_one_source_publishing_twice_needs_everything() -> None:
    assert pair_score(sig(1), sig(1)) > 0
    assert pair_score(sig(1), sig(1, t=("jardin", "lilas", "partage"))) == 0


def test_blocks_drop_common_keys_and_keep_rare_ones() -> None:
    sigs = {i: sig(i, t=("solidaire", f"nom{i // 2}"), d=f"{i % 90:02d}", s="") for i in range(BLOCK_MAX * 3)}
    blocks = blocks_build(sigs)
    assert "t:solidaire" not in blocks
    assert blocks["t:nom0"] == [0, 1]


def test_a_chain_of_matches_cannot_glue_two_communes() -> None:
    sigs = {1: sig(1, c=""), 2: sig(2), 3: sig(3, c="93066")}
    groups = clusters_compute(sigs, candidate_pairs([[1, 2, 3]]))
    assert sorted(map(len, groups)) == [1, 2]


def test_admin_links_win() -> None:
    sigs = {1: sig(1), 2: sig(2), 3: sig(3, t=("autre",), s=OTHER_TEXT)}
    groups = clusters_compute(sigs, candidate_pairs([[1, 2, 3]]), must=[(1, 3)], cannot=[(1, 2)])
    assert sorted(sorted(g) for g in groups) == [[1, 3], [2]]


def test_scoring_in_worker_processes_gives_the_same_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    # Three sources publish each project; some copies sit in another commune or carry another text.
    sigs = {
        i: sig(
            i % 3,
            t=("jardin", f"nom{i // 3}"),
            s="".join(f"{i // 3 * 50 + k:06x}" for k in range(40 - i % 4)),
            c="93066" if i % 7 == 0 else "93048",
        )
        for i in range(300)
    }
    pairs = candidate_pairs(blocks_build(sigs).values())
    sequential = clusters_compute(sigs, pairs)
    monkeypatch.setattr(matching, "PARALLEL_PAIRS", 0)
    parallel = clusters_compute(sigs, pairs, workers=2)
    assert sorted(parallel) == sorted(sequential)
    assert len(sequential) < len(sigs)
