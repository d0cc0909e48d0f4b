"""The count-based solver (PPMI + SVD) against skip-gram, and its count on a cluster.

Part 1, on the large corpus (``_common.load("large")``, >= 10M tokens, or
``--corpus``): fits ``Word2VecVectorizer(solver='svd')`` first (so that the
process's peak memory is its own, the corpus's token lists included), then
gensim's skip-gram with 1 worker and ours (``solver='sgd'``, ``n_jobs=1``),
all with the hyperparameters of ``_common.DEFAULTS``, and prints wall time,
analogy accuracy and WordSim-353 per fit, then the acceptance checks: svd
time <= 0.25 x gensim's, svd WordSim >= our skip-gram's - 0.03. Then the
svd solver with other settings of ``eigenvalue_weighting`` (p),
``ns_exponent`` (the contexts' smoothing), ``shift_pmi`` and
``word_vectors``.

Part 2 counts the co-occurrences of the same corpus in 2 shards
(:func:`~sklearn_w2v._engine.cooccurrence.count_sharded`), once in this
process and once on a 2-worker Dask ``LocalCluster`` (one thread per
worker), checks that the counts are equal, prints the throughput per worker
relative to one process and the bytes each worker returned (the engine's
``"count"`` event), and an on-paper estimate of the count's speed-up on N
machines from the measured parts.

Usage: python benchmarks/bench_solvers.py [--corpus large] [--seed 0]
       [--no-cluster | --no-quality]
"""

import argparse
import math
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
from _common import (
    DEFAULTS,
    fit_gensim,
    fit_ours,
    load,
    make_ours,
    peak_rss_mib,
    quality,
)

from sklearn_w2v._engine import hooks
from sklearn_w2v._engine.cooccurrence import count_sharded
from sklearn_w2v._engine.tables import keep_probabilities

SKIPGRAM = dict(DEFAULTS, algorithm="skipgram")
# Settings of the svd solver other than its defaults (eigenvalue_weighting=0,
# ns_exponent=0.75, no shift, word_vectors="input"), for the second table.
SETTINGS = [
    dict(eigenvalue_weighting=0.5),
    dict(eigenvalue_weighting=1.0),
    dict(eigenvalue_weighting=0.0, ns_exponent=1.0),
    dict(eigenvalue_weighting=0.0, shift_pmi=True),
    dict(eigenvalue_weighting=0.0, word_vectors="sum"),
    dict(eigenvalue_weighting=0.5, word_vectors="sum"),
]


def fit_svd(sentences, seed, **params):
    """Fit the svd solver with ``params``; return (keys, vectors), seconds."""
    model = make_ours(SKIPGRAM, solver="svd", random_state=seed, **params)
    started = time.perf_counter()
    model.fit(sentences)
    seconds = time.perf_counter() - started
    return (model.wv_.index_to_key, model.wv_.vectors), seconds


def timed_fit(fit, *args):
    """Return ``fit(*args)`` and its seconds."""
    started = time.perf_counter()
    result = fit(*args)
    return result, time.perf_counter() - started


def quality_tables(sentences, seed):
    """Part 1: the three fits and the checks, then the svd solver's settings."""
    rss_before = peak_rss_mib()
    svd, svd_seconds = fit_svd(sentences, seed)
    rss_after = peak_rss_mib()
    gensim, gensim_seconds = timed_fit(fit_gensim, sentences, SKIPGRAM, 1, seed)
    sgd, sgd_seconds = timed_fit(fit_ours, sentences, SKIPGRAM, 1, seed)
    print(f"{'fit':<28} {'seconds':>8} {'analogy':>8} {'wordsim':>8}")
    scores = {}
    for name, vectors, seconds in (
        ("svd solver (count + SVD)", svd, svd_seconds),
        ("gensim skip-gram, 1 worker", gensim, gensim_seconds),
        ("ours skip-gram, n_jobs=1", sgd, sgd_seconds),
    ):
        scores[name] = quality(*vectors)
        analogy, wordsim = scores[name]
        print(f"{name:<28} {seconds:>8.1f} {analogy:>8.4f} {wordsim:>8.4f}")
    print(
        f"peak RSS: {rss_before:,.0f} MiB with the corpus loaded, "
        f"{rss_after:,.0f} MiB after the svd fit"
    )
    svd_scores = scores["svd solver (count + SVD)"]
    sgd_scores = scores["ours skip-gram, n_jobs=1"]
    ratio = svd_seconds / gensim_seconds
    print(f"check: svd time / gensim time = {ratio:.3f} (<= 0.25: {ratio <= 0.25})")
    gap = svd_scores[1] - sgd_scores[1]
    print(
        f"check: svd WordSim - our skip-gram's = {gap:+.4f} (>= -0.03: {gap >= -0.03})"
    )
    print(f"analogy: svd - our skip-gram's = {svd_scores[0] - sgd_scores[0]:+.4f}")
    print()
    print(
        f"{'settings of solver=svd':<50} {'seconds':>8} {'analogy':>8} {'wordsim':>8}"
    )
    for params in SETTINGS:
        vectors, seconds = fit_svd(sentences, seed, **params)
        analogy, wordsim = quality(*vectors)
        settings = ", ".join(f"{name}={value}" for name, value in params.items())
        print(f"{settings:<50} {seconds:>8.1f} {analogy:>8.4f} {wordsim:>8.4f}")


def encode(sentences):
    """The corpus as word ids of its words of min_count occurrences, with doc ids."""
    counts = Counter(token for sentence in sentences for token in sentence)
    words = [w for w, c in counts.most_common() if c >= DEFAULTS["min_count"]]
    index = {word: i for i, word in enumerate(words)}
    ids, docs = [], []
    for doc, sentence in enumerate(sentences):
        known = [index[t] for t in sentence if t in index]
        ids += known
        docs += [doc] * len(known)
    word_counts = np.array([counts[w] for w in words])
    return np.array(ids, dtype=np.int32), np.array(docs, dtype=np.int32), word_counts


def count(chunks, n_tokens, keep_prob, directory, n_workers):
    """Count in 2 shards; the counts, seconds, and the bytes of the "count" event."""
    events = []
    Path(directory).mkdir()
    with hooks.observing(lambda event, fields: events.append(fields)):
        started = time.perf_counter()
        counts, _ = count_sharded(
            chunks, n_tokens, keep_prob, n_shards=2, directory=directory,
            n_workers=n_workers, seed=0, window=DEFAULTS["window"],
            shrink_windows=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
    [fields] = [f for f in events if "bytes_from_workers" in f]
    return counts, seconds, fields["bytes_from_workers"]


def cluster_table(sentences):
    """Part 2: the count in 2 shards, in this process and on a LocalCluster."""
    from dask.distributed import Client, LocalCluster
    from joblib import parallel_backend

    ids, docs, word_counts = encode(sentences)
    keep_prob = keep_probabilities(word_counts, DEFAULTS["subsample"])
    chunks = [(ids, docs)]
    with tempfile.TemporaryDirectory() as directory:
        here, here_seconds, here_bytes = count(
            chunks, len(ids), keep_prob, f"{directory}/here", None
        )
        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, dashboard_address=None
            ) as cluster,
            Client(cluster),
            parallel_backend("dask"),
        ):
            there, there_seconds, there_bytes = count(
                chunks, len(ids), keep_prob, f"{directory}/there", 2
            )
    equal = (here != there).nnz == 0
    started = time.perf_counter()
    _ = here + there
    sum_seconds = time.perf_counter() - started
    per_worker = here_seconds / there_seconds / 2
    print(f"count of {len(ids):,} tokens in 2 shards ({len(word_counts):,} words):")
    for name, seconds in (
        ("one process", here_seconds),
        ("2-worker LocalCluster", there_seconds),
    ):
        print(f"  {name:<22} {seconds:6.1f} s, {len(ids) / seconds:,.0f} tokens/s")
    print(f"  equal counts: {equal}; nonzeros {here.nnz:,}")
    print(
        f"check: throughput per worker / one process = {per_worker:.2f} "
        f"(>= 0.7: {per_worker >= 0.7})"
    )
    returned = ", ".join(f"{n_bytes / 2**20:,.1f} MiB" for n_bytes in there_bytes)
    print(f"  bytes returned per worker: {returned}")
    # On paper: N machines each count 1/N of the corpus, each returns counts of
    # about the size measured here (they grow with the vocabulary, not the
    # corpus), summed in ceil(log2 N) levels of pairwise sums on the driver.
    shard_bytes = max(there_bytes)
    print(f"  sum of two shards' counts on the driver: {sum_seconds:.2f} s")
    print("  on-paper speed-up of the count on N machines (1 Gbit/s network):")
    for n in (2, 4, 8, 16, 32):
        levels = math.ceil(math.log2(n))
        transfer = shard_bytes * n / 125e6
        seconds = here_seconds / n + levels * sum_seconds + transfer
        print(f"    N={n:>2}: {here_seconds / seconds:5.1f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="large")
    parser.add_argument("--seed", type=int, default=0)
    skip = parser.add_mutually_exclusive_group()
    skip.add_argument("--no-cluster", action="store_true")
    skip.add_argument("--no-quality", action="store_true")
    args = parser.parse_args()
    sentences = load(args.corpus)
    n_tokens = sum(map(len, sentences))
    print(f"{args.corpus}: {len(sentences):,} sentences, {n_tokens:,} tokens")
    print(f"hyperparameters: {DEFAULTS}")
    if not args.no_quality:
        quality_tables(sentences, args.seed)
    if not args.no_cluster:
        print()
        cluster_table(sentences)


if __name__ == "__main__":
    main()
