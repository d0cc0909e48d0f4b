"""Where a fit's time goes: a stage-by-stage profile of training.

Fits Word2VecVectorizer once per (corpus, jobs) with timers wrapped around
the training stages, in every job (forked jobs write theirs to a file that
the parent adds up), and prints seconds per stage, summed over jobs, and
microseconds per trained center word, so that two corpora of different size
compare. Stages:

- count: the counting pass and vocabulary (``fit`` before training);
- stream: reading the spool, subsampling, drawing spans (``epoch_segments``);
- noise: negative draws from the noise table;
- layout: laying out minibatches (``lay_out_run``);
- gather ctx: CBOW's hidden vectors, a sparse sum of context rows;
- gather out: the output rows of the windows (``np.take``; for skip-gram,
  the context rows too);
- arithmetic: logits, sigmoid, loss and gradients (the kernel's remainder);
- damping: the per-row summed curvature (``damped_weights``);
- scatter: the sparse scatter-add into both matrices (``scatter_add``);
- pooling: the pooling statistics after training;
- other: wall time minus the stages (per job: the kernel's Python glue,
  waiting for the other job).

Timers cost about a microsecond a call, a few percent of a minibatch.

With ``--floor``: microseconds per trained center of our kernel, of the
least a NumPy/SciPy step must do, and of gensim's training, all three on the
same text: about a million subsampled centers from 20 runs of sentences
spread evenly over the corpus, timed ``--repeats`` times in turn (the
minimum, median and maximum are printed). The floors compute no damping, no
curvature and no loss:

- CBOW, negative sampling: one sparse sum, one gather, the logits, one
  batched product, one scatter;
- CBOW, ``--loss hierarchical_softmax``: one sparse sum, one gather of the
  flat path table and one of the node rows, the logits, one sparse sum for
  the errors, one scatter;
- ``--algorithm skipgram``: the gathers of the context and output rows, the
  batched products of each span group (logits, then both errors) and one
  scatter, on the same layout as ours (hierarchical softmax's paths padded
  and split at the median length).

With ``--scaling``: training seconds of 1 job, of 2 jobs sharing the
weights, and of two independent 1-job fits run at once, against gensim's 1
and 2 workers: where the second job's time goes.

Usage: python benchmarks/profile_training.py [--corpus {sotu,large,both}]
    [--algorithm {cbow,skipgram}] [--loss LOSS] [--jobs N [N ...]] [--epochs N]
    [--floor [--repeats N] | --scaling [--batch-size N]]
"""

import argparse
import functools
import glob
import json
import os
import tempfile
import time
from collections import Counter, defaultdict

import numpy as np
from _common import DEFAULTS, load_sentences, make_gensim, make_ours
from bench_training import load
from threadpoolctl import threadpool_limits

import sklearn_w2v._base as base
import sklearn_w2v._engine.loop as training
import sklearn_w2v._engine.losses.hierarchical_softmax as hierarchical_softmax
import sklearn_w2v._engine.losses.logistic as logistic
import sklearn_w2v._engine.losses.negative_sampling as negative_sampling
from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v._engine.layout import cbow_windows, group_contexts
from sklearn_w2v._engine.losses.logistic import sigmoid
from sklearn_w2v._engine.losses.negative_sampling import cbow_update, skipgram_update
from sklearn_w2v._engine.sampling import draw_negatives, draw_spans, subsample_stream
from sklearn_w2v._engine.scatter import scatter_add, segment_sums
from sklearn_w2v._engine.tables import huffman_tree, keep_probabilities, noise_table

STAGES = [
    "count",
    "stream",
    "noise",
    "layout",
    "gather ctx",
    "gather out",
    "arithmetic",
    "damping",
    "scatter",
    "pooling",
    "other",
]
_TIMES = defaultdict(float)
_OPEN = []  # stack of [stage, started, time in nested stages]


def _timed(stage, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        _OPEN.append([stage, time.perf_counter(), 0.0])
        try:
            return function(*args, **kwargs)
        finally:
            name, started, nested = _OPEN.pop()
            elapsed = time.perf_counter() - started
            _TIMES[name] += elapsed - nested
            if _OPEN:
                _OPEN[-1][2] += elapsed

    return wrapper


def _timed_iter(stage, function):
    """Time each step of the generator that ``function`` returns."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        iterator = _timed(stage, function)(*args, **kwargs)
        step = _timed(stage, functools.partial(next, iterator))
        while True:
            try:
                item = step()
            except StopIteration:
                return
            yield item

    return wrapper


class _NumpyTakeTimer:
    """The numpy module, with ``take`` timed as the output-row gather."""

    take = staticmethod(_timed("gather out", np.take))

    def __getattr__(self, name):
        return getattr(np, name)


def instrument(directory):
    """Wrap the training stages in timers; jobs write theirs to ``directory``."""
    training.epoch_segments = _timed_iter("stream", training.epoch_segments)
    training.draw_negatives = _timed("noise", training.draw_negatives)
    training.lay_out_run = _timed_iter("layout", training.lay_out_run)
    for module in (negative_sampling, hierarchical_softmax):
        module.window_hidden = _timed("gather ctx", logistic.window_hidden)
    for module in (negative_sampling, hierarchical_softmax, logistic):
        module.np = _NumpyTakeTimer()
    logistic.damped_weights = _timed("damping", logistic.damped_weights)
    logistic.scatter_add = _timed("scatter", logistic.scatter_add)
    for name, kernel in list(training.KERNELS.items()):
        training.KERNELS[name] = _timed("arithmetic", kernel)
    base._PoolingVectorizer._fit_pooling_blocks = _timed(
        "pooling", base._PoolingVectorizer._fit_pooling_blocks
    )
    run_epochs = training._run_epochs

    def job_run_epochs(W, corpus, settings, job, rng):
        started = time.perf_counter()
        _TIMES.clear()
        try:
            return run_epochs(W, corpus, settings, job, rng)
        finally:
            times = dict(_TIMES, wall=time.perf_counter() - started)
            with open(os.path.join(directory, f"job-{job}.json"), "w") as f:
                json.dump(times, f)

    training._run_epochs = job_run_epochs


def profile(sentences, algorithm, loss, n_jobs, epochs, directory):
    """Fit once; return {stage: seconds summed over jobs}, centers trained, wall."""
    for path in glob.glob(os.path.join(directory, "job-*.json")):
        os.remove(path)
    _TIMES.clear()
    params = dict(DEFAULTS, algorithm=algorithm, loss=loss, epochs=epochs)
    model = make_ours(params, n_jobs=n_jobs, random_state=0)
    train = training.train
    marks = {}

    def timed_train(*args, **kwargs):
        marks["train"] = time.perf_counter()
        try:
            return train(*args, **kwargs)
        finally:
            marks["trained"] = time.perf_counter()

    training.train = timed_train
    import sklearn_w2v._vectorizer as vectorizer

    vectorizer.train = timed_train
    started = time.perf_counter()
    try:
        model.fit(sentences)
    finally:
        training.train = vectorizer.train = train
    wall = time.perf_counter() - started
    pooling = _TIMES["pooling"]
    stages = defaultdict(float)
    job_walls = 0.0
    for path in glob.glob(os.path.join(directory, "job-*.json")):
        with open(path) as f:
            times = json.load(f)
        job_walls += times.pop("wall")
        for stage, seconds in times.items():
            stages[stage] += seconds
    stages["count"] = marks["train"] - started
    stages["pooling"] = pooling
    stages["other"] = job_walls - sum(
        stages[s] for s in STAGES if s not in ("count", "pooling", "other")
    )
    return stages, model.n_words_trained_, wall, len(model.wv_)


def _floor_hidden(W, batch):
    """The floor kernels' gradient block: the windows' mean context vectors
    (one sparse sum), then room for their errors; returns (block, h, dh)."""
    n_windows, n_components = len(batch.centers), W.shape[2]
    grad = np.empty((2 * n_windows, n_components), dtype=np.float32)
    h, dh = grad[:n_windows], grad[n_windows:]
    indptr = np.zeros(n_windows + 1, dtype=np.int32)
    np.cumsum(batch.n_contexts, out=indptr[1:])
    weights = np.repeat(
        (1.0 / np.maximum(batch.n_contexts, 1)).astype(np.float32), batch.n_contexts
    )
    segment_sums(indptr, batch.contexts, weights, W[0], out=h)
    return grad, h, dh


def floor_update(W, batch, negatives, learning_rate):
    """The least a NumPy/SciPy CBOW step must do, for the floor measurement.

    One sparse sum for the hidden vectors, one gather of the output rows, the
    logits and their plain gradient, one batched product for the errors, one
    scatter into each matrix: no damping, no loss, no weights for noise
    words equal to the center. Not a trainer: the floor of the kernel's time.
    """
    n_rows, n_components = W.shape[1:]
    n_windows = len(batch.centers)
    targets = np.empty((n_windows, negatives.shape[1] + 1), np.int32)
    targets[:, 0] = batch.centers
    targets[:, 1:] = negatives
    grad, h, dh = _floor_hidden(W, batch)
    Z = np.take(W[1], targets, axis=0)
    g = np.vecdot(Z, h[:, None, :])
    # As in our kernels, the rate in float32: a NumPy float64 rate (as training
    # passes) would make the gradient float64 and time mixed-type products.
    g = np.float32(learning_rate) * ((np.arange(targets.shape[1]) == 0) - sigmoid(g))
    np.matmul(g[:, None, :], Z, out=dh[:, None, :])
    rows = np.concatenate([targets.ravel() + n_rows, batch.contexts])
    entries = np.concatenate(
        [g.ravel().astype(np.float32), np.ones(len(batch.contexts), np.float32)]
    )
    counts = np.concatenate([np.full(n_windows, targets.shape[1]), batch.n_contexts])
    scatter_add(W.reshape(-1, n_components), rows, grad, counts=counts, weights=entries)


def floor_update_hs(W, batch, tree, learning_rate):
    """The least a NumPy/SciPy CBOW step with hierarchical softmax must do.

    One sparse sum for the hidden vectors, the centers' paths (one gather of
    a flat path table), one gather of the node rows, the logits against the
    windows' repeated hidden vectors, their plain gradient, one sparse sum
    for the errors, one scatter into each matrix: no damping, no loss.
    ``tree`` is ``(flat_nodes, flat_signs, starts, lengths)``.
    """
    flat_nodes, flat_signs, starts, lengths = tree
    n_rows, n_components = W.shape[1:]
    n_windows = len(batch.centers)
    grad, h, dh = _floor_hidden(W, batch)
    path_lengths = lengths[batch.centers]
    path_ptr = np.zeros(n_windows + 1, dtype=np.int32)
    np.cumsum(path_lengths, out=path_ptr[1:])
    entries = np.repeat(starts[batch.centers] - path_ptr[:-1], path_lengths)
    entries += np.arange(path_ptr[-1])
    nodes, signs = flat_nodes[entries], flat_signs[entries]
    Z = np.take(W[1], nodes, axis=0)
    g = np.vecdot(Z, np.take(h, np.repeat(np.arange(n_windows), path_lengths), axis=0))
    g *= signs
    g = np.float32(learning_rate) * signs * (1.0 - sigmoid(g))
    segment_sums(path_ptr, np.arange(len(nodes), dtype=np.int32), g, Z, out=dh)
    rows = np.concatenate([nodes + n_rows, batch.contexts])
    entries = np.concatenate([g, np.ones(len(batch.contexts), np.float32)])
    counts = np.concatenate([path_lengths, batch.n_contexts])
    scatter_add(W.reshape(-1, n_components), rows, grad, counts=counts, weights=entries)


def floor_skipgram_logistic(W, batch, targets, signs, target_weight, learning_rate):
    """The least a NumPy/SciPy skip-gram step with logistic outputs must do.

    The gathers of the context and output rows; per span group, the logits
    (:func:`~sklearn_w2v._engine.losses.logistic.skipgram_logits`) and both errors, one
    batched product each; the plain gradient; one scatter into both matrices.
    No damping, no curvature, no loss. Not a trainer: the floor of
    :func:`~sklearn_w2v._engine.losses.logistic.skipgram_logistic_update`.
    """
    contexts, valid = batch.contexts, batch.valid
    n_positions = len(contexts)
    n_windows, n_targets = targets.shape
    n_rows, n_components = W.shape[1:]
    X, Z, g, groups = logistic.skipgram_logits(W, batch, targets)
    window_of_position = batch.window_of_positions()
    if len(signs) > 1:
        signs = signs[window_of_position]
    g *= signs
    g = np.float32(learning_rate) * signs * (1.0 - sigmoid(g))
    g *= target_weight[window_of_position] * valid[:, None]
    grad = np.empty((n_positions + n_windows * n_targets, n_components), np.float32)
    dX = grad[:n_positions]
    dZ = grad[n_positions:].reshape(n_windows, n_targets, n_components)
    for n, width, windows, positions in groups:
        g_group = g[positions].reshape(n, width, n_targets)
        np.matmul(g_group, Z[windows], out=dX[positions].reshape(n, width, -1))
        np.matmul(
            g_group.transpose(0, 2, 1),
            X[positions].reshape(n, width, n_components),
            out=dZ[windows],
        )
    rows = np.concatenate([contexts, targets.ravel() + n_rows])
    scatter_add(W.reshape(-1, n_components), rows, grad)


def floor_skipgram(W, batch, negatives, learning_rate):
    """The floor of skip-gram with negative sampling: see floor_skipgram_logistic."""
    targets = negative_sampling._targets(batch.centers, negatives)
    signs, weight = negative_sampling.negative_sampling_layer(targets)
    floor_skipgram_logistic(W, batch, targets, signs, weight, learning_rate)


def floor_skipgram_hs(W, batch, tree, learning_rate):
    """The floor of skip-gram with hierarchical softmax, on our layout: the
    paths padded, and split at the median length (see floor_skipgram_logistic)."""
    path_lengths = tree[2][batch.centers]
    split = np.median(path_lengths)
    for part in (path_lengths <= split, path_lengths > split):
        if not part.any():
            continue
        nodes, signs, on_path = hierarchical_softmax._paths(tree, batch.centers[part])
        floor_skipgram_logistic(
            W,
            batch.select(part),
            nodes,
            signs,
            on_path.astype(np.float32),
            learning_rate,
        )


def floor(
    sentences,
    algorithm,
    loss,
    n_centers=1_000_000,
    batch_size=512,
    seed=0,
    n_blocks=20,
    repeats=3,
):
    """Microseconds per center: our kernel, the floor kernel, gensim's training.

    All three train on the same text: ``n_blocks`` runs of consecutive
    sentences spread evenly over the corpus, about ``n_centers`` subsampled
    centers in all. A corpus is not uniform (the large one opens with the
    King James Bible, whose small vocabulary stays in cache), so a prefix
    would flatter the kernels against gensim's whole epoch. The kernels run
    on the centers laid out as in training, from the same start weights;
    gensim's time is its training time on those sentences (vocabulary of the
    whole corpus, built beforehand and excluded) per trained word. The three
    are timed in turn ``repeats`` times; returns ``{name: [microseconds]}``
    and the vocabulary size.
    """

    counts = Counter(token for sentence in sentences for token in sentence)
    index_to_key = [w for w, c in counts.most_common() if c >= DEFAULTS["min_count"]]
    index = {w: i for i, w in enumerate(index_to_key)}
    word_counts = np.array([counts[w] for w in index_to_key])
    ids, docs = [], []
    for k, sentence in enumerate(sentences):
        known = [index[t] for t in sentence if t in index]
        ids.extend(known)
        docs.extend([k] * len(known))
    ids, docs = np.array(ids, np.int32), np.array(docs, np.int32)
    rng = np.random.default_rng(seed)
    keep = keep_probabilities(word_counts, DEFAULTS["subsample"])
    tokens, docs = subsample_stream(ids, docs, keep, rng)
    # Runs of sentences, evenly spaced, that hold about n_centers centers.
    share = min(1.0, n_centers / max(len(tokens), 1))
    run = max(1, round(len(sentences) * share / n_blocks))
    chosen = np.zeros(len(sentences), dtype=bool)
    for start in np.linspace(0, len(sentences) - run, n_blocks).astype(int):
        chosen[start : start + run] = True
    tokens, docs = tokens[chosen[docs]], docs[chosen[docs]]
    sample = [sentences[k] for k in np.flatnonzero(chosen)]
    window, n_words = DEFAULTS["window"], len(index_to_key)
    n_centers = len(tokens)
    pad = np.full(window, n_words, np.int32)
    tokens = np.concatenate([pad, tokens, pad])
    no_doc = np.full(window, -1, np.int32)
    docs = np.concatenate([no_doc, docs, no_doc])
    spans = draw_spans(n_centers, window, True, rng)
    negatives = draw_negatives(
        noise_table(word_counts, 0.75), (n_centers, DEFAULTS["n_negative"]), rng
    )
    W0 = np.zeros((2, n_words + 1, DEFAULTS["n_components"]), np.float32)
    W0[0, :n_words] = (rng.random((n_words, W0.shape[2])) - 0.5) / W0.shape[2]
    lay_out = cbow_windows if algorithm == "cbow" else group_contexts
    batches = [
        (
            lay_out(
                tokens[s : s + batch_size + 2 * window],
                docs[s : s + batch_size + 2 * window],
                spans[s : s + batch_size],
                window,
            ),
            negatives[s : s + batch_size],
        )
        for s in range(0, n_centers, batch_size)
    ]
    if loss == "hierarchical_softmax":
        tree = huffman_tree(word_counts)
        if algorithm == "cbow":
            points, codes, lengths = tree
            on_path = np.arange(points.shape[1]) < lengths[:, None]
            starts = np.zeros(n_words, np.int64)
            np.cumsum(lengths[:-1], out=starts[1:])
            flat = (points[on_path], (1.0 - 2.0 * codes[on_path]).astype(np.float32))
            kernels = {
                "ours": lambda W, b, n: hierarchical_softmax.cbow_update(
                    W, b, tree, 0.025, True
                ),
                "floor": lambda W, b, n: floor_update_hs(
                    W, b, (*flat, starts, lengths), 0.025
                ),
            }
        else:
            kernels = {
                "ours": lambda W, b, n: hierarchical_softmax.skipgram_update(
                    W, b, tree, 0.025
                ),
                "floor": lambda W, b, n: floor_skipgram_hs(W, b, tree, 0.025),
            }
    elif algorithm == "cbow":
        kernels = {
            "ours": lambda W, b, n: cbow_update(W, b, n, 0.025, True),
            "floor": lambda W, b, n: floor_update(W, b, n, 0.025),
        }
    else:
        kernels = {
            "ours": lambda W, b, n: skipgram_update(W, b, n, 0.025),
            "floor": lambda W, b, n: floor_skipgram(W, b, n, 0.025),
        }
    gensim = make_gensim(
        dict(DEFAULTS, algorithm=algorithm, loss=loss, epochs=1), 1, seed
    )
    gensim.build_vocab(sentences)
    start_vectors = (gensim.wv.vectors.copy(), _gensim_output(gensim).copy())
    result = defaultdict(list)
    for _ in range(repeats):
        # The floor kernels are not damped and may overflow; their time does
        # not depend on the values.
        with threadpool_limits(limits=1), np.errstate(over="ignore", invalid="ignore"):
            for name, kernel in kernels.items():
                W = W0.copy()
                started = time.perf_counter()
                for batch, negative in batches:
                    kernel(W, batch, negative)
                result[name].append(1e6 * (time.perf_counter() - started) / n_centers)
        gensim.wv.vectors[...] = start_vectors[0]
        _gensim_output(gensim)[...] = start_vectors[1]
        started = time.perf_counter()
        trained, _ = gensim.train(sample, total_examples=len(sample), epochs=1)
        result["gensim"].append(1e6 * (time.perf_counter() - started) / trained)
    return dict(result), n_words


def _gensim_output(model):
    """gensim's output matrix: inner nodes (hierarchical softmax) or syn1neg."""
    return model.syn1 if model.hs else model.syn1neg


def _train_seconds(sentences, algorithm, n_jobs, epochs, batch_size=512):
    """Seconds of ``fit``'s training step alone (counting and pooling excluded)."""
    train = training.train
    import sklearn_w2v._vectorizer as vectorizer

    seconds = []

    def timed_train(*args, **kwargs):
        started = time.perf_counter()
        try:
            return train(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - started)

    vectorizer.train = timed_train
    try:
        model = Word2VecVectorizer(
            algorithm=algorithm,
            epochs=epochs,
            n_jobs=n_jobs,
            batch_size=batch_size,
            random_state=0,
        ).fit(sentences)
    finally:
        vectorizer.train = train
    return seconds[0], model.n_words_trained_


def scaling(sentences, algorithm, epochs, batch_size=512):
    """Training throughput of 1 job, 2 jobs sharing the weights, 2 independent fits.

    Two independent single-job fits run at once in two processes, each on its
    own weights: if they scale no better than two jobs sharing one matrix, the
    cost of the second job is the machine's (memory, caches, clock), not
    contention on shared rows. gensim's 1 and 2 workers are timed alike
    (training only).
    """
    import multiprocessing

    one, centers = _train_seconds(sentences, algorithm, 1, epochs, batch_size)
    two, _ = _train_seconds(sentences, algorithm, 2, epochs, batch_size)
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        pair = pool.starmap(_train_seconds, [(sentences, algorithm, 1, epochs)] * 2)
    paired = max(seconds for seconds, _ in pair)
    gensim = {}
    for workers in (1, 2):
        model = make_gensim(dict(DEFAULTS, algorithm=algorithm), workers, 0)
        model.build_vocab(sentences)
        started = time.perf_counter()
        model.train(sentences, total_examples=len(sentences), epochs=epochs)
        gensim[workers] = time.perf_counter() - started
    return {
        "ours 1 job s": one,
        "ours 2 jobs s": two,
        "ours 2 jobs speed-up": one / two,
        "2 independent fits s": paired,
        "2 independent fits speed-up": 2 * one / paired,
        "gensim 1 worker s": gensim[1],
        "gensim 2 workers s": gensim[2],
        "gensim 2 workers speed-up": gensim[1] / gensim[2],
        "centers per fit": centers,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["sotu", "large", "both"], default="both")
    parser.add_argument("--algorithm", choices=["cbow", "skipgram"], default="cbow")
    parser.add_argument("--loss", default="negative_sampling")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--epochs", type=int, default=DEFAULTS["epochs"])
    parser.add_argument("--batch-size", type=int, default=512)
    parser.add_argument(
        "--repeats", type=int, default=3, help="with --floor: timings of each"
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="instead: kernel time per center, ours against the floor and gensim",
    )
    parser.add_argument(
        "--scaling",
        action="store_true",
        help="instead: 1 job, 2 jobs and 2 independent fits, against gensim",
    )
    args = parser.parse_args()
    if args.scaling:
        for corpus in ["sotu", "large"] if args.corpus == "both" else [args.corpus]:
            result = scaling(load(corpus), args.algorithm, args.epochs, args.batch_size)
            print(
                f"{corpus}, {args.algorithm}, {args.epochs} epoch(s), "
                f"batch_size={args.batch_size}, training only:"
            )
            for name, value in result.items():
                print(f"  {name:<30} {value:,.2f}", flush=True)
        return
    if args.floor:
        for corpus in ["sotu", "large"] if args.corpus == "both" else [args.corpus]:
            times, n_words = floor(
                load(corpus), args.algorithm, args.loss, repeats=args.repeats
            )
            print(
                f"{corpus} ({n_words:,} words), {args.algorithm}, {args.loss}, "
                "microseconds per trained center, min/median/max of "
                f"{args.repeats}: "
                + ", ".join(
                    f"{name} {min(v):.2f}/{np.median(v):.2f}/{max(v):.2f}"
                    for name, v in times.items()
                ),
                flush=True,
            )
        return
    corpora = ["sotu", "large"] if args.corpus == "both" else [args.corpus]
    with tempfile.TemporaryDirectory() as directory:
        instrument(directory)
        columns = []
        for corpus in corpora:
            sentences = load(corpus) if corpus == "large" else load_sentences()
            for n_jobs in args.jobs:
                stages, n_centers, wall, n_words = profile(
                    sentences, args.algorithm, args.loss, n_jobs, args.epochs, directory
                )
                columns.append(
                    (f"{corpus} {n_words // 1000}k x{n_jobs}", stages, n_centers, wall)
                )
                print(
                    f"{corpus}, {n_jobs} job(s): {n_words:,} words, "
                    f"{n_centers:,} centers trained, wall {wall:.1f} s",
                    flush=True,
                )
    print(
        f"\n{args.algorithm}, {args.loss}, {args.epochs} epochs: seconds summed "
        "over jobs | microseconds per trained center"
    )
    print(f"{'stage':<11}" + "".join(f"{name:>24}" for name, *_ in columns))
    for stage in STAGES:
        cells = "".join(
            f"{stages[stage]:>10.1f} s | {1e6 * stages[stage] / n:>6.2f} us"
            for _, stages, n, _ in columns
        )
        print(f"{stage:<11}{cells}")
    cells = "".join(
        f"{wall:>10.1f} s | {1e6 * wall / n:>6.2f} us" for _, _, n, wall in columns
    )
    print(f"{'fit wall':<11}{cells}")


if __name__ == "__main__":
    main()
