"""Similar projects after in-place updates: how often the old more-like-this panicked, what the fix costs.

    python -m bench.similar_bench [--documents 100000] [--queries 200] [--updates 1,10,30]

Raw Tantivy (our French analyzer, a title and a text field), documents drawn from a Zipf vocabulary in
which a few words are very frequent ("projet" in 95 % of the texts, "association" in 80 %, "habitants"
in 60 %), as boilerplate words are in partner descriptions. One index is built, then for each share of
updated documents (delete + add, one commit, as index_update does), in one run: the share of sampled
documents whose similar-projects query panics without a ceiling on document frequency (before the fix),
the latency of that query on the fresh index, and the latency of the bounded query (after the fix).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time

import tantivy

FREQUENT = {"projet": 0.95, "association": 0.80, "habitants": 0.60}


def _text(rng: random.Random, vocabulary: list[str], weights: list[float]) -> str:
    """A description: frequent boilerplate words, then 30 words drawn from the Zipf vocabulary."""
    words = [word for word, share in FREQUENT.items() if rng.random() < share]
    return " ".join(words + rng.choices(vocabulary, weights, k=30))


def _like(address: tantivy.DocAddress, ceiling: int | None) -> tantivy.Query:
    """The similar-projects query of carrefour/search/similar.py, with or without its ceiling."""
    return tantivy.Query.more_like_this_query(
        address,
        min_doc_frequency=2,
        max_doc_frequency=ceiling,
        min_term_frequency=1,
        max_query_terms=25,
        min_word_length=3,
    )


def _run(index: tantivy.Index, sample: list[int], ceiling: bool) -> tuple[int, list[float]]:
    """Panics and latencies (ms) of the similar query for the sampled ids."""
    searcher = index.searcher()
    schema = index.schema
    panics, times = 0, []
    for doc_id in sample:
        address = searcher.search(tantivy.Query.term_query(schema, "id", doc_id), limit=1).hits[0][1]
        start = time.perf_counter()
        try:
            searcher.search(_like(address, searcher.num_docs if ceiling else None), limit=6, count=False)
        except BaseException as error:  # pyo3's PanicException
            if type(error).__name__ != "PanicException":
                raise
            panics += 1
            continue
        times.append((time.perf_counter() - start) * 1000)
    return panics, times


def _ms(times: list[float]) -> str:
    """p50 / p95 in ms."""
    if not times:
        return "-"
    ordered = sorted(times)
    return f"{statistics.median(ordered):.2f} / {ordered[int(len(ordered) * 0.95) - 1]:.2f}"


def main() -> None:
    """Build, update, measure; print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--updates", default="1,10,30", help="percentages of documents updated, cumulative")
    args = parser.parse_args()
    os.environ.setdefault("CARREFOUR_DATA_DIR", tempfile.mkdtemp(prefix="carrefour-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.settings")
    import django

    django.setup()
    from carrefour.search.schema import FRENCH, analyzer_french

    rng = random.Random(42)
    vocabulary = [f"mot{n}" for n in range(20_000)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("excerpt", stored=True, tokenizer_name=FRENCH)
    with tempfile.TemporaryDirectory() as path:
        index = tantivy.Index(builder.build(), path=path)
        index.register_tokenizer(FRENCH, analyzer_french())
        writer = index.writer(400_000_000, 1)
        start = time.perf_counter()
        for doc_id in range(args.documents):
            writer.add_document(tantivy.Document(id=doc_id, excerpt=_text(rng, vocabulary, weights)))
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        print(f"built {args.documents} documents in {time.perf_counter() - start:.1f} s")
        sample = rng.sample(range(args.documents), args.queries)
        _panics, before = _run(index, sample, ceiling=False)
        _panics, after = _run(index, sample, ceiling=True)
        print(f"load average {os.getloadavg()[0]:.1f}")
        print("| updated | panics without ceiling | p50 / p95 ms without | p50 / p95 ms with ceiling |")
        print("|---|---|---|---|")
        print(f"| 0 % | 0 / {len(sample)} | {_ms(before)} | {_ms(after)} |")
        updated = 0
        for percent in (int(p) for p in args.updates.split(",")):
            target = args.documents * percent // 100
            writer = index.writer(100_000_000, 1)
            start = time.perf_counter()
            for doc_id in range(updated, target):
                writer.delete_documents_by_term("id", doc_id)
                writer.add_document(tantivy.Document(id=doc_id, excerpt=_text(rng, vocabulary, weights)))
            writer.commit()
            writer.wait_merging_threads()
            index.reload()
            seconds = time.perf_counter() - start
            updated = target
            panics, unbounded = _run(index, sample, ceiling=False)
            _none, bounded = _run(index, sample, ceiling=True)
            assert not _none, "the bounded query panicked"
            counts = f"{panics} / {len(sample)}"
            print(f"| {percent} % ({seconds:.1f} s) | {counts} | {_ms(unbounded)} | {_ms(bounded)} |")
        print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
