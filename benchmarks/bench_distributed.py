"""Data-parallel training over shards: quality against shard count, and throughput.

Part 1 trains skip-gram on the SOTU corpus (d=100, window 5, min_count 5, 5
negatives, subsample 1e-3, 5 epochs) with ``n_shards`` = 1, 2, 4, 8,
simulated sequentially in this process (the same tasks and rounds a cluster
would run), and prints analogy accuracy on questions-words.txt, WordSim-353
Spearman and seconds per shard count, then the acceptance check at k = 4
against k = 1 (analogy within 0.01, WordSim within 0.02).

Part 2 compares, on this machine, a 2-worker Dask ``LocalCluster`` (one
thread per worker) training 2 shards with ``n_jobs=2`` forked training, in
words/s, and prints the bytes sent per round each way, with the on-paper
speed-up on N machines that docs/user_guide/parallel.rst derives from them.

Usage: python benchmarks/bench_distributed.py [--shards 1 2 4 8] [--seeds N]
       [--no-cluster]
"""

import argparse
import statistics
import time

import numpy as np
from _common import DEFAULTS, load_sentences, quality

from sklearn_w2v import Word2VecVectorizer


def fit(sentences, seed, **params):
    """Fit skip-gram with the benchmark's hyperparameters; model and seconds."""
    model = Word2VecVectorizer(
        algorithm="skipgram",
        n_components=DEFAULTS["n_components"],
        window=DEFAULTS["window"],
        min_count=DEFAULTS["min_count"],
        n_negative=DEFAULTS["n_negative"],
        subsample=DEFAULTS["subsample"],
        epochs=DEFAULTS["epochs"],
        random_state=seed,
        **params,
    )
    started = time.perf_counter()
    model.fit(sentences)
    return model, time.perf_counter() - started


def per_round(model):
    """Bytes to and from the workers per round, and rounds per epoch."""
    stats = model._sync_stats
    n_rounds = stats["n_rounds"] * DEFAULTS["epochs"]
    return (
        stats["bytes_to_workers"] / n_rounds,
        stats["bytes_from_workers"] / n_rounds,
        stats["n_rounds"],
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
            model, seconds = fit(sentences, seed, n_shards=k)
            rows.append((*quality(model.wv_.index_to_key, model.wv_.vectors), seconds))
        rows = np.array(rows)
        mean, std = rows.mean(axis=0), rows.std(axis=0)
        means[k] = mean
        _, back, n_rounds = per_round(model)
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
    forked, cluster_speeds = [], []
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        for _ in range(repeats):
            _, seconds = fit(sentences, 0, n_jobs=2)
            forked.append(n_words / seconds)
            with parallel_backend("dask"):
                model, seconds = fit(sentences, 0)
            cluster_speeds.append(n_words / seconds)
    ours, theirs = statistics.median(cluster_speeds), statistics.median(forked)
    print(
        f"2-worker LocalCluster, 2 shards: {ours:,.0f} words/s; n_jobs=2 forked: "
        f"{theirs:,.0f} words/s; ratio {ours / theirs:.2f}"
    )
    to_workers, back, n_rounds = per_round(model)
    weights = model.input_vectors_.nbytes + model.output_vectors_.nbytes
    print(
        f"per round ({n_rounds} rounds/epoch, 2 shards): driver -> workers "
        f"{to_workers / 2**20:.2f} MiB (the weights, {weights / 2**20:.2f} MiB, to "
        f"each worker), workers -> driver {back / 2**20:.2f} MiB "
        f"(changed rows and their deltas)"
    )
    # The estimate of docs/user_guide/parallel.rst: per epoch, compute T1 / N
    # plus R(N) rounds of N * (|W| + m * (4 d + 8)) bytes through the driver.
    t1 = n_words / DEFAULTS["epochs"] / theirs * 2  # one core's seconds per epoch
    rows_back = back / 2 / (4 * DEFAULTS["n_components"] + 8)
    rounds_x_shards = n_rounds * 2
    for gbit in (1, 10):
        bandwidth = gbit * 1e9 / 8
        estimates = []
        for n in (2, 4, 8, 16, 32):
            rounds = rounds_x_shards / n
            traffic = rounds * n * (weights + rows_back * (4 * DEFAULTS["n_components"] + 8))
            estimates.append(f"N={n}: {t1 / (t1 / n + traffic / bandwidth):.1f}x")
        print(f"on paper, {gbit} Gbit/s at the driver: " + ", ".join(estimates))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shards", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--no-cluster", action="store_true")
    args = parser.parse_args()
    sentences = load_sentences()
    print(
        f"SOTU: {len(sentences):,} sentences, {sum(map(len, sentences)):,} tokens; "
        f"skip-gram, {args.seeds} seed(s)"
    )
    quality_table(sentences, args.shards, args.seeds)
    if not args.no_cluster:
        throughput(sentences, args.repeats)


if __name__ == "__main__":
    main()
