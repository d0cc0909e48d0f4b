"""Data-parallel training over shards: quality against shard count, and throughput.

Part 1 trains skip-gram on the SOTU corpus (d=100, window 5, min_count 5, 5
negatives, subsample 1e-3, 5 epochs) with ``n_shards`` = 1, 2, 4, 8,
simulated sequentially in this process (the same tasks and rounds a cluster
would run), and prints analogy accuracy on questions-words.txt, WordSim-353
Spearman and seconds per shard count, and the acceptance check at k = 4
against k = 1 (analogy within 0.01, WordSim within 0.02). The rounds and the
bytes they move are read from the engine's ``"round"`` events
(``sklearn_w2v._engine.hooks``).

Part 2 compares, on this machine, a 2-worker Dask ``LocalCluster`` (one
thread per worker) training 2 shards with ``n_jobs=2`` forked training, in
words/s, and prints the bytes sent per round each way, with the on-paper
speed-up on N machines that docs/user_guide/parallel.rst derives from them.

Usage: python benchmarks/bench_distributed.py [--shards 1 2 4 8] [--seeds N]
       [--repeats N] [--no-cluster | --no-quality]
"""

import argparse
import statistics
import time

import numpy as np
from _common import DEFAULTS, load_sentences, make_ours, quality

from sklearn_w2v._engine import hooks


def fit(sentences, seed, **params):
    """Fit skip-gram with the benchmark's hyperparameters.

    Returns the model, its seconds and the fields of its ``"round"`` events.
    """
    model = make_ours(dict(DEFAULTS, algorithm="skipgram"), random_state=seed, **params)
    rounds = []

    def observer(event, fields):
        if event == "round":
            rounds.append(fields)

    with hooks.observing(observer):
        started = time.perf_counter()
        model.fit(sentences)
        seconds = time.perf_counter() - started
    return model, seconds, rounds


def per_round(rounds):
    """Bytes to and from the workers per round, and rounds per epoch."""
    return (
        sum(r["bytes_to_workers"] for r in rounds) / len(rounds),
        sum(r["bytes_from_workers"] for r in rounds) / len(rounds),
        rounds[0]["n_rounds"],
    )


def quality_table(sentences, shard_counts, seeds):
    print(
        f"{'shards':>6} {'rounds/epoch':>12} {'analogy':>16} {'wordsim':>16} "
        f"{'seconds':>8} {'MiB back/round':>14}"
    )
    means = {}
    for k in shard_counts:
        rows = []
        for seed in range(seeds):
            model, seconds, rounds = fit(sentences, seed, n_shards=k)
            rows.append((*quality(model.wv_.index_to_key, model.wv_.vectors), seconds))
        rows = np.array(rows)
        mean, std = rows.mean(axis=0), rows.std(axis=0)
        means[k] = mean
        _, back, n_rounds = per_round(rounds)
        print(
            f"{k:>6} {n_rounds:>12} {mean[0]:>7.4f} ± {std[0]:.4f} "
            f"{mean[1]:>7.4f} ± {std[1]:.4f} {mean[2]:>8.1f} {back / 2**20:>14.2f}",
            flush=True,
        )
    if 1 in means and 4 in means:
        analogy = means[4][0] - means[1][0]
        wordsim = means[4][1] - means[1][1]
        print(
            f"check k=4 vs k=1: analogy {analogy:+.4f} (within 0.01: "
            f"{abs(analogy) <= 0.01}), wordsim {wordsim:+.4f} (within 0.02: "
            f"{abs(wordsim) <= 0.02})"
        )


def throughput(sentences, repeats):
    from dask.distributed import Client, LocalCluster
    from joblib import parallel_backend

    n_words = sum(map(len, sentences)) * DEFAULTS["epochs"]
    forked, clustered = [], []
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        for _ in range(repeats):
            forked.append(fit(sentences, 0, n_jobs=2)[1])
            with parallel_backend("dask"):
                model, seconds, rounds = fit(sentences, 0, n_shards=2)
            clustered.append(seconds)
    ours = n_words / statistics.median(clustered)
    theirs = n_words / statistics.median(forked)
    print(
        f"2-worker LocalCluster, 2 shards: {ours:,.0f} words/s; n_jobs=2 forked: "
        f"{theirs:,.0f} words/s; ratio {ours / theirs:.2f}"
    )
    to_workers, back, n_rounds = per_round(rounds)
    weights = model.input_vectors_.nbytes + model.output_vectors_.nbytes
    print(
        f"per round ({n_rounds} rounds/epoch, 2 shards): driver -> workers "
        f"{to_workers / 2**20:.2f} MiB (the weights, {weights / 2**20:.2f} MiB, to "
        f"each worker), workers -> driver {back / 2**20:.2f} MiB "
        f"(changed rows, their deltas and curvatures)"
    )
    estimate(n_words, theirs, statistics.median(clustered), weights, back, n_rounds)


def estimate(n_words, forked_speed, cluster_seconds, weights, back, n_rounds):
    """The on-paper speed-up of docs/user_guide/parallel.rst, printed.

    Per epoch on N machines: compute T1 / N, plus R rounds (a round trains a
    fixed number of minibatches over all shards, so R does not depend on N),
    each moving N * (|W| + m * (4 d + 12)) bytes through the driver's link and
    paying a latency l. T1 is one core's epoch (half the n_jobs=2 speed), m
    the rows a shard changes per round as measured with 2 shards (an upper
    bound for more shards, which train less each), l the LocalCluster's
    overhead per round here.
    """
    epochs, row_bytes = DEFAULTS["epochs"], 4 * DEFAULTS["n_components"] + 12
    t1 = n_words / epochs / (forked_speed / 2)
    rows = back / 2 / row_bytes
    latency = max(cluster_seconds / epochs - t1 / 2, 0.0) / n_rounds
    print(
        f"on paper: T1 = {t1:.1f} s per epoch on one core, R = {n_rounds} rounds, "
        f"m = {rows:,.0f} rows per shard per round, l = {1e3 * latency:.0f} ms "
        "per round (measured here)"
    )
    for gbit in (1, 10):
        bandwidth = gbit * 1e9 / 8
        speedups = []
        for n in (2, 4, 8, 16, 32):
            traffic = n_rounds * n * (weights + rows * row_bytes)
            seconds = t1 / n + traffic / bandwidth + n_rounds * latency
            speedups.append(f"N={n}: {t1 / seconds:.1f}x")
        print(f"  {gbit:>2} Gbit/s at the driver: " + ", ".join(speedups))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shards", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=1)
    skip = parser.add_mutually_exclusive_group()
    skip.add_argument("--no-cluster", action="store_true")
    skip.add_argument("--no-quality", action="store_true")
    args = parser.parse_args()
    sentences = load_sentences()
    print(
        f"SOTU: {len(sentences):,} sentences, {sum(map(len, sentences)):,} tokens; "
        f"skip-gram, {args.seeds} seed(s), curvature rule"
    )
    if not args.no_quality:
        quality_table(sentences, args.shards, args.seeds)
    if not args.no_cluster:
        throughput(sentences, args.repeats)


if __name__ == "__main__":
    main()
