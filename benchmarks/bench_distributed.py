"""Data-parallel training over shards: quality against shard count, and throughput.

Part 1 trains skip-gram on the SOTU corpus (d=100, window 5, min_count 5, 5
negatives, subsample 1e-3, 5 epochs) with ``n_shards`` = 1, 2, 4, 8,
simulated in this process (one process training every shard's replica in
turn: the same rounds and vectors as a cluster), and prints analogy accuracy
on questions-words.txt, WordSim-353 Spearman and seconds per shard count, and
the acceptance check at k = 4 against k = 1 (analogy within 0.01, WordSim
within 0.02). The rounds and the bytes of the messages are read from the
engine's ``"exchange"`` events (``sklearn_w2v._engine.hooks``).

Part 2 compares, on this machine, a 2-worker Dask ``LocalCluster`` (one
thread per worker) training 2 shards with ``n_jobs=2`` forked training, in
words/s (the median of ``--repeats`` fits each, alternated), and prints the
bytes each worker sent per second of training (each receives as many from
the other), the seconds the workers spent syncing and waiting, and the
on-paper speed-up on N machines that docs/user_guide/parallel.rst derives
from these measurements.

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

    Returns the model, its seconds and the fields of its ``"exchange"`` events.
    """
    model = make_ours(dict(DEFAULTS, algorithm="skipgram"), random_state=seed, **params)
    rounds = []

    def observer(event, fields):
        if event == "exchange":
            rounds.append(fields)

    with hooks.observing(observer):
        started = time.perf_counter()
        model.fit(sentences)
        seconds = time.perf_counter() - started
    return model, seconds, rounds


def per_round(epochs):
    """Bytes a shard sent per round (the mean over shards), and rounds per epoch."""
    n_rounds = epochs[0]["n_rounds"]
    sent = [sum(e["bytes_sent"]) / e["n_shards"] for e in epochs]
    return sum(sent) / len(sent) / n_rounds, n_rounds


def quality_table(sentences, shard_counts, seeds):
    print(
        f"{'shards':>6} {'rounds/epoch':>12} {'analogy':>16} {'wordsim':>16} "
        f"{'seconds':>8} {'MiB sent/round':>14}"
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
        sent, n_rounds = per_round(rounds)
        print(
            f"{k:>6} {n_rounds:>12} {mean[0]:>7.4f} ± {std[0]:.4f} "
            f"{mean[1]:>7.4f} ± {std[1]:.4f} {mean[2]:>8.1f} {sent / 2**20:>14.2f}",
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
                model, seconds, epochs = fit(sentences, 0, n_shards=2)
            clustered.append(seconds)
    ours = n_words / statistics.median(clustered)
    theirs = n_words / statistics.median(forked)
    print(
        f"2-worker LocalCluster, 2 shards: {ours:,.0f} words/s; n_jobs=2 forked: "
        f"{theirs:,.0f} words/s; ratio {ours / theirs:.2f} (>= 0.6: "
        f"{ours / theirs >= 0.6})"
    )
    sent, n_rounds = per_round(epochs)
    training = statistics.median(clustered)
    per_second = sent * n_rounds * len(epochs) / training
    syncing = sum(sum(e["seconds_syncing"]) for e in epochs) / 2 / len(epochs)
    waiting = sum(sum(e["seconds_waiting"]) for e in epochs) / 2 / len(epochs)
    weights = model.input_vectors_.nbytes + model.output_vectors_.nbytes
    print(
        f"per worker: {sent / 2**20:.2f} MiB sent per round ({n_rounds} rounds an "
        f"epoch), {per_second / 2**20:.1f} MiB/s of training sent and as much "
        f"received; per epoch {syncing:.2f} s syncing, {waiting:.2f} s waiting; "
        f"the weights ({weights / 2**20:.2f} MiB) go to each worker once an epoch"
    )
    estimate(n_words, theirs, training, n_rounds, sent, syncing, waiting)


def message_costs(sent, n_components, counts=(2, 4, 8, 16, 32)):
    """Seconds per round, for N tasks, of what grows with N in a task's sync.

    With N tasks each task unpickles N - 1 messages, checks them and combines
    N: timed here on stand-in messages of ``sent`` bytes (every row of one
    range changed, the common case of the busiest rows).
    """
    import pickle

    from sklearn_w2v._engine.delta_combination import combine_ranges
    from sklearn_w2v._engine.replicas import EpochPlan, check_message

    rng = np.random.default_rng(0)
    n_rows = max(int(sent / (4 * n_components + 8)), 1)
    ranges = [(0, n_rows)]
    costs = {}
    for n in counts:
        plan = EpochPlan(0, 1, 0, (("", ""),) * n, (1.0,) * n, None)
        messages = [
            [
                (
                    np.arange(n_rows, dtype=np.int32),
                    rng.standard_normal((n_rows, n_components)).astype(np.float32),
                    rng.random(n_rows).astype(np.float32),
                )
            ]
            for _ in range(n)
        ]
        blobs = [pickle.dumps(message, protocol=5) for message in messages[1:]]
        repeats = max(64 // n, 3)
        started = time.perf_counter()
        for _ in range(repeats):
            received = [pickle.loads(blob) for blob in blobs]
            for shard, message in enumerate(received, 1):
                check_message(message, shard, plan, 0, ranges, n_components)
            combine_ranges([message[0] for message in messages], n_rows)
        costs[n] = (time.perf_counter() - started) / repeats
    return costs


def estimate(n_words, forked_speed, cluster_seconds, n_rounds, sent, syncing, waiting):
    """The on-paper speed-up of docs/user_guide/parallel.rst, printed.

    On N machines each shard trains b(N) = 8 / N minibatches' worth of
    centers a round (``shard_batches``), an epoch is R_1 / (N b(N)) rounds,
    R_1 the minibatches of an epoch, and a round takes c b(N) / b(2) of
    training, c what a worker's round trained here (the cluster's seconds
    per round less its syncing and waiting), the sync s(N), the wait w
    measured here, and the messages' travel, (N - 1) m / B: each machine
    sends its m bytes to the N - 1 others and receives theirs, on a link of
    B bytes/s each way, before the next round. T_1 is one core's epoch
    (half the n_jobs=2 speed); s(N) is s as measured with 2 tasks, with the
    part that grows with N (unpickling, checking and combining the messages,
    :func:`message_costs`) timed again for N tasks; m and w as measured with
    2 tasks.
    """
    from sklearn_w2v._engine.sharded import shard_batches

    epochs = DEFAULTS["epochs"]
    t1 = n_words / epochs / (forked_speed / 2)
    batches = 2 * n_rounds * shard_batches(2)
    s, w = syncing / n_rounds, waiting / n_rounds
    c = cluster_seconds / epochs / n_rounds - s - w
    costs = message_costs(sent, DEFAULTS["n_components"])
    print(
        f"on paper: T_1 = {t1:.1f} s an epoch on one core ({1e3 * t1 / batches:.1f} "
        f"ms a minibatch), R_1 = {batches:.0f} minibatches; with 2 shards a "
        f"round trained c = {1e3 * c:.1f} ms ({shard_batches(2):.0f} minibatches),"
        f" s = {1e3 * s:.1f} ms, w = {1e3 * w:.1f} ms, m = {sent / 2**20:.2f} MiB "
        "(measured here); the messages' part of s for N tasks: "
        + ", ".join(f"N={n}: {1e3 * t:.1f} ms" for n, t in costs.items())
    )
    for gbit in (1, 10):
        bandwidth = gbit * 1e9 / 8
        speedups = []
        for n in costs:
            per_round = shard_batches(n)
            train = c * per_round / shard_batches(2)
            network = (n - 1) * sent / bandwidth
            sync = max(s - costs[2], 0.0) + costs[n]
            seconds = batches / n / per_round * (train + sync + w + network)
            speedups.append(f"N={n}: {t1 / seconds:.1f}x ({t1 / seconds / n:.2f} N)")
        print(f"  {gbit:>2} Gbit/s: " + ", ".join(speedups))


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
        f"skip-gram, {args.seeds} seed(s)"
    )
    if not args.no_quality:
        quality_table(sentences, args.shards, args.seeds)
    if not args.no_cluster:
        throughput(sentences, args.repeats)


if __name__ == "__main__":
    main()
