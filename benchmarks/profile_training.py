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

Usage: python benchmarks/profile_training.py [--corpus {sotu,large,both}]
    [--algorithm {cbow,skipgram}] [--loss LOSS] [--jobs N [N ...]] [--epochs N]
"""

import argparse
import functools
import glob
import json
import os
import tempfile
import time
from collections import defaultdict

import numpy as np
from _common import DEFAULTS, load_sentences
from bench_training import load

import sklearn_w2v._base as base
import sklearn_w2v._hierarchical_softmax as hierarchical_softmax
import sklearn_w2v._logistic as logistic
import sklearn_w2v._negative_sampling as negative_sampling
import sklearn_w2v._training as training
from sklearn_w2v import Word2VecVectorizer

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
    model = Word2VecVectorizer(
        algorithm=algorithm,
        loss=loss,
        n_components=DEFAULTS["n_components"],
        window=DEFAULTS["window"],
        min_count=DEFAULTS["min_count"],
        n_negative=DEFAULTS["n_negative"],
        subsample=DEFAULTS["subsample"],
        epochs=epochs,
        n_jobs=n_jobs,
        random_state=0,
    )
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["sotu", "large", "both"], default="both")
    parser.add_argument("--algorithm", choices=["cbow", "skipgram"], default="cbow")
    parser.add_argument("--loss", default="negative_sampling")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--epochs", type=int, default=DEFAULTS["epochs"])
    args = parser.parse_args()
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
