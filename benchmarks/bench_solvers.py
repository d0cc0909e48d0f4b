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
(:func:`~sklearn_w2v._engine.cooccurrence.count_sharded`), in this process
and on a 2-worker Dask ``LocalCluster`` (one thread per worker), 5 times
each, alternated, and keeps the fastest of each (the machine may be
shared). It checks that all the counts are equal and prints the throughput
per worker relative to one process, then the parts of each count (from the
engine's ``"count"`` event: writing the shards, the tasks as the driver
waits for them, each task's wall and CPU time where it ran, the return of
the results, the sum), the bytes each worker returned, and the same check
from CPU times, as if each process had a core of its own: the processes of
one login session share one slot of the CPU (Linux autogroups), so while
other sessions run, two workers get what one process gets and the
wall-time check measures the load, not the count. The workers are warm:
they imported the library when they started (the script is their main
module), as a long-lived cluster has; the cold start, a fresh interpreter's
import of the count, is printed apart. Last, an on-paper estimate of the
count's speed-up on N machines from the measured parts (its assumptions are
printed with it).

Usage: python benchmarks/bench_solvers.py [--corpus large] [--seed 0]
       [--no-cluster | --no-quality]
"""

import argparse
import os
import subprocess
import sys
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
# Runs of each count in part 2; the fastest is kept (the machine may be shared).
REPEATS = 5
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
    """Count in 2 shards; the counts, the wall seconds and the "count" event.

    The event gets ``driver_cpu_seconds``: this process's CPU time (user and
    system, all threads) during the count.
    """
    events = []
    Path(directory).mkdir()
    with hooks.observing(lambda event, fields: events.append(fields)):
        started, cpu_started = time.perf_counter(), time.process_time()
        counts, _ = count_sharded(
            chunks, n_tokens, keep_prob, n_shards=2, directory=directory,
            n_workers=n_workers, seed=0, window=DEFAULTS["window"],
            shrink_windows=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
    [fields] = [f for f in events if "bytes_from_workers" in f]
    fields["driver_cpu_seconds"] = time.process_time() - cpu_started
    return counts, seconds, fields


def import_seconds():
    """Seconds a fresh interpreter takes to import the count (a cold worker's start)."""
    code = (
        "import time; t = time.perf_counter(); "
        "import sklearn_w2v._engine.cooccurrence; print(time.perf_counter() - t)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return float(run.stdout)


def fastest(runs):
    """The run (counts, seconds, fields) of the least wall time."""
    return min(runs, key=lambda run: run[1])


def cluster_table(sentences):
    """Part 2: the count in 2 shards, in this process and on a LocalCluster."""
    from dask.distributed import Client, LocalCluster
    from joblib import parallel_backend

    ids, docs, word_counts = encode(sentences)
    keep_prob = keep_probabilities(word_counts, DEFAULTS["subsample"])
    chunks = [(ids, docs)]
    load_before = os.getloadavg()[0]
    here_runs, there_runs = [], []
    with (
        tempfile.TemporaryDirectory() as directory,
        LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        warm = all(
            client.run(
                lambda: "sklearn_w2v._engine.cooccurrence" in sys.modules
            ).values()
        )
        # Alternate the two, so that a change of the machine's load hits both.
        for repeat in range(REPEATS):
            here_runs.append(
                count(chunks, len(ids), keep_prob, f"{directory}/h{repeat}", None)
            )
            with parallel_backend("dask"):
                there_runs.append(
                    count(chunks, len(ids), keep_prob, f"{directory}/t{repeat}", 2)
                )
    here, here_seconds, here_fields = fastest(here_runs)
    there, there_seconds, there_fields = fastest(there_runs)
    equal = all((run[0] != here).nnz == 0 for run in here_runs + there_runs)
    per_worker = here_seconds / there_seconds / 2
    print(
        f"count of {len(ids):,} tokens in 2 shards ({len(word_counts):,} words), "
        f"fastest of {REPEATS} alternated runs each:"
    )
    for name, seconds in (
        ("one process", here_seconds),
        ("2-worker LocalCluster", there_seconds),
    ):
        print(f"  {name:<22} {seconds:6.2f} s, {len(ids) / seconds:,.0f} tokens/s")
    print(f"  equal counts (all runs): {equal}; nonzeros {here.nnz:,}")
    print(
        f"check: throughput per worker / one process = {per_worker:.2f} "
        f"(>= 0.7: {per_worker >= 0.7})"
    )
    load_after = os.getloadavg()[0]
    print(
        f"  load average (1 min) before/after: {load_before:.1f}/{load_after:.1f} "
        f"on {os.cpu_count()} cores"
    )
    print_parts(here_fields, there_fields)
    print_cpu_estimate(here_fields, there_fields)
    print(
        f"  cold start: a fresh interpreter imports the count in "
        f"{import_seconds():.2f} s, not in the times above: the workers had "
        f"imported it when they started ({warm}), as a long-lived cluster has"
    )
    print_model(here_fields, there_fields)


def print_parts(here, there):
    """Where the time of the two counts went, from their "count" events."""

    def seconds(values):
        return ", ".join(f"{value:.2f}" for value in values)

    print("  parts (s):                 one process  2-worker LocalCluster")
    for name, key in (
        ("write the shards", "write_seconds"),
        ("tasks, as the driver waits", "tasks_seconds"),
        ("sum the counts", "sum_seconds"),
    ):
        print(f"    {name:<28} {here[key]:6.2f}   {there[key]:6.2f}")
    for name, key in (("wall", "task_seconds"), ("CPU", "task_cpu_seconds")):
        cells = f"{seconds(here[key]):>17} {seconds(there[key]):>12}"
        print(f"    each task's {name:<4} {cells}")
    transfer = there["tasks_seconds"] - max(there["task_seconds"])
    print(f"    results' return (serialisation, transfer, scheduling): {transfer:.2f}")
    returned = ", ".join(
        f"{n_bytes / 2**20:,.1f} MiB" for n_bytes in there["bytes_from_workers"]
    )
    print(f"  bytes returned per worker: {returned}")


def print_cpu_estimate(here, there):
    """The check again, from CPU times: as if each process had its own core."""
    # The processes of one session share one fair slot of the CPU (Linux
    # autogroups): while other sessions run, two workers get what one
    # process would get, and the wall-time check measures the load.
    one = here["driver_cpu_seconds"]
    cluster = there["driver_cpu_seconds"] + max(there["task_cpu_seconds"])
    print(
        f"  CPU seconds: one process {one:.2f}; cluster {cluster:.2f} (the "
        f"driver's {there['driver_cpu_seconds']:.2f} + the slowest task's)"
    )
    print(
        f"  from CPU time (each process its own core): throughput per worker / "
        f"one process = {one / cluster / 2:.2f}"
    )


def print_model(here, there):
    """The on-paper speed-up of the count on N machines, from the measured parts."""
    counting = sum(here["task_cpu_seconds"])
    # The share of a core this process got while counting: the driver's parts
    # (writing, summing) scaled by it are what they would cost on a core of
    # their own, as the counting's CPU time is.
    share = counting / sum(here["task_seconds"])
    write, add = share * here["write_seconds"], share * here["sum_seconds"]
    shard_bytes = max(there["bytes_from_workers"])
    print(
        f"  on-paper speed-up of the count on N machines, one core each, against\n"
        f"  one: the counting takes this process's tasks' CPU time / N; the driver\n"
        f"  writes the shards and sums as measured here, times the share of a\n"
        f"  core this process got ({share:.2f}: the tasks' CPU time / wall time);\n"
        f"  it receives each shard's counts, as many bytes as measured here (an\n"
        f"  upper bound: smaller shards have fewer distinct pairs), in turn over\n"
        f"  one 1 Gbit/s link, and makes N - 1 additions as long as the one here:"
    )
    cells = []
    for n in (2, 4, 8, 16, 32):
        seconds = write + counting / n + n * shard_bytes / 125e6 + (n - 1) * add
        cells.append(f"N={n}: {(write + counting + add) / seconds:.1f}x")
    print("    " + ", ".join(cells))


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
