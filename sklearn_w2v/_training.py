"""The training loop: epochs, minibatches, learning-rate schedule, threads.

Everything here works on arrays handed over by the estimator and calls the
output layers of :mod:`~sklearn_w2v._negative_sampling`,
:mod:`~sklearn_w2v._hierarchical_softmax` and :mod:`~sklearn_w2v._softmax`.
"""

import ctypes
import math
import mmap
import os
import pickle
import signal
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from itertools import repeat

import numpy as np
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_limits

from . import _hierarchical_softmax as hierarchical_softmax
from . import _negative_sampling as negative_sampling
from . import _softmax as softmax
from ._layout import CbowBatch, SkipgramBatch
from ._negative_sampling import negative_sampling_layer
from ._sampling import (
    cbow_windows,
    draw_negatives,
    group_contexts,
    stream_segments,
)

# Forked processes share the weights without the interpreter lock; elsewhere
# (Windows, macOS) threads do, with less speed-up.
_CAN_FORK = sys.platform.startswith("linux") and hasattr(os, "fork")
_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def make_generator(random_state):
    """Derive the one :class:`numpy.random.Generator` of a fit from ``random_state``.

    Parameters
    ----------
    random_state : int, RandomState instance or None
        As accepted by scikit-learn estimators.

    Returns
    -------
    rng : numpy.random.Generator

    Examples
    --------
    >>> from sklearn_w2v._training import make_generator
    >>> int(make_generator(0).integers(100)) == int(make_generator(0).integers(100))
    True
    """
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    return np.random.default_rng(seed)


def initial_weights(n_words, n_components, rng):
    """Word2vec's initial weights, input and output stacked, with padding rows.

    Parameters
    ----------
    n_words : int
        Vocabulary size.
    n_components : int
        Embedding size.
    rng : numpy.random.Generator
        Source of the input-vector draws.

    Returns
    -------
    W : ndarray of shape (2, n_words + 1, n_components), float32
        ``W[0]``, the input vectors, uniform in ``[-1 / n_components,
        1 / n_components)`` as in gensim (the C tool draws from half that
        range, which slows the start of CBOW); ``W[1]``, the output vectors, zero. Row
        ``n_words`` of each is a zero padding row.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._training import initial_weights
    >>> W = initial_weights(3, 4, np.random.default_rng(0))
    >>> W.shape, bool(np.all(W[0, -1] == 0)), float(abs(W[1]).max())
    ((2, 4, 4), True, 0.0)
    """
    empty = np.zeros((0, n_components), dtype=np.float32)
    return extend_weights(empty, empty, n_words, rng)


def extend_weights(W_in, W_out, n_new, rng):
    """Stack trained vectors and ``n_new`` new words' initial ones, with padding rows.

    The new words are initialised as :func:`initial_weights` does it: random
    input vectors, zero output vectors.

    Parameters
    ----------
    W_in : ndarray of shape (n_words, n_components)
        Input vectors so far.
    W_out : ndarray of shape (n_rows, n_components)
        Output vectors so far, ``n_rows <= n_words``.
    n_new : int
        Words to add.
    rng : numpy.random.Generator
        Source of the new input vectors.

    Returns
    -------
    W : ndarray of shape (2, n_words + n_new + 1, n_components), float32

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._training import extend_weights
    >>> trained = np.ones((2, 4), dtype=np.float32)
    >>> W = extend_weights(trained, trained, 3, np.random.default_rng(0))
    >>> W.shape, bool(np.all(W[:, :2] == 1)), float(abs(W[1, 2:]).max())
    ((2, 6, 4), True, 0.0)
    """
    n_words, n_components = W_in.shape
    n_total = n_words + n_new
    W = np.zeros((2, n_total + 1, n_components), dtype=np.float32)
    W[0, :n_words] = W_in
    W[1, : len(W_out)] = W_out
    W[0, n_words:n_total] = rng.random((n_new, n_components), dtype=np.float32)
    W[0, n_words:n_total] -= 0.5
    W[0, n_words:n_total] *= 2.0 / n_components
    return W


def copy_pretrained(W_in, keys, pretrained):
    """Overwrite in place the vectors of the words that ``pretrained`` holds.

    The warm start of ``Word2VecVectorizer(init_vectors=...)``: the other
    rows keep their random initial values.

    Parameters
    ----------
    W_in : ndarray of shape (n_rows, n_components), float32
        Input vectors; row ``i < len(keys)`` belongs to ``keys[i]``, later
        rows (the padding row) are left alone.
    keys : list of str
        Word of each row.
    pretrained : KeyedVectors
        Pretrained vectors of size ``n_components``.

    Returns
    -------
    n_copied : int
        Number of rows overwritten.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v import KeyedVectors
    >>> from sklearn_w2v._training import copy_pretrained
    >>> W_in = np.zeros((3, 2), dtype=np.float32)
    >>> copy_pretrained(W_in, ["cat", "dog"], KeyedVectors(["dog"], [[1.0, 2.0]]))
    1
    >>> W_in.tolist()
    [[0.0, 0.0], [1.0, 2.0], [0.0, 0.0]]
    """
    source = np.fromiter(
        map(pretrained.key_to_index.get, keys, repeat(-1)),
        dtype=np.int64,
        count=len(keys),
    )
    rows = np.flatnonzero(source >= 0)
    W_in[rows] = pretrained.vectors[source[rows]]
    return len(rows)


def _negative_sampling_step(W, centers, layout, negatives, rate, config):
    """One minibatch with negative sampling; returns its loss."""
    if config["algorithm"] == "cbow":
        batch = CbowBatch(centers, *layout)
        return negative_sampling.cbow_update(
            W, batch, negatives[0][:, 1:], rate, config["cbow_mean"]
        )
    return negative_sampling.skipgram_update(
        W, SkipgramBatch(centers, *layout), negatives, rate
    )


def _hierarchical_softmax_step(W, centers, layout, negatives, rate, config):
    """One minibatch with hierarchical softmax; returns its loss."""
    points, signs, lengths = config["huffman"]
    tree = (points, (1 - signs) / 2, lengths)
    if config["algorithm"] == "cbow":
        batch = CbowBatch(centers, *layout)
        return hierarchical_softmax.cbow_update(
            W, batch, tree, rate, config["cbow_mean"]
        )
    return hierarchical_softmax.skipgram_update(
        W, SkipgramBatch(centers, *layout), tree, rate
    )


def _softmax_step(W, centers, layout, negatives, rate, config):
    """One minibatch with the full softmax; returns its loss."""
    if config["algorithm"] == "skipgram":
        return softmax.skipgram_update(W, SkipgramBatch(centers, *layout), None, rate)
    batch = CbowBatch(centers, *layout)
    return softmax.cbow_update(W, batch, None, rate, config["cbow_mean"])


_STEPS = {
    "negative_sampling": _negative_sampling_step,
    "hierarchical_softmax": _hierarchical_softmax_step,
    "softmax": _softmax_step,
}

# CBOW lays out the windows of this many consecutive minibatches at a time,
# and parallel jobs take turns over runs of at most this many minibatches.
_LAYOUT_BATCHES = 32


def turn_length(epoch_centres, batch_size, n_jobs):
    """Consecutive minibatches a parallel job trains before the next one's turn.

    Long turns let a job lay out its minibatches together; turns are kept
    short enough that every job has at least 16 per epoch, so that small
    corpora are shared evenly too.

    Parameters
    ----------
    epoch_centres : float
        Expected centre words per epoch.
    batch_size : int
        Centre words per minibatch.
    n_jobs : int
        Parallel jobs.

    Returns
    -------
    n_batches : int
        Between 1 and 32.

    Examples
    --------
    >>> from sklearn_w2v._training import turn_length
    >>> turn_length(1_300_000, 512, 2), turn_length(20_000, 512, 2)
    (32, 1)
    """
    n_batches = epoch_centres / batch_size
    return int(min(max(n_batches // (16 * n_jobs), 1), _LAYOUT_BATCHES))


def _train_batches(W, tokens, docs, spans, starts, config, rng):
    """Run the kernel over the minibatches starting at ``starts``; return the loss.

    ``config`` holds the scalars of the fit; the learning rate of a batch
    decays linearly with the position of its first centre in the whole run:
    ``spans[0]`` is centre ``config["first_centre"]`` of an epoch of about
    ``config["epoch_centres"]`` centres.
    """
    batch_size = config["batch_size"]
    loss = 0.0
    for run_starts in _runs(starts, batch_size):
        minibatch = _lay_out_run(tokens, docs, spans, run_starts, config, rng)
        for start in run_starts:
            position = (config["first_centre"] + start) / config["epoch_centres"]
            progress = (config["epoch"] + min(position, 1.0)) / config["epochs"]
            learning_rate = config["learning_rate"] - progress * (
                config["learning_rate"] - config["min_learning_rate"]
            )
            batch_loss = _STEPS[config["loss"]](
                W, *minibatch(start), learning_rate, config
            )
            if not math.isfinite(batch_loss):
                _diverged(config["learning_rate"])
            loss += batch_loss
    return loss


def _runs(starts, batch_size):
    """Split minibatch starts into runs of at most _LAYOUT_BATCHES consecutive ones."""
    breaks = np.flatnonzero(np.diff(starts) != batch_size) + 1
    return [
        run_starts
        for contiguous in np.split(starts, breaks)
        for run_starts in np.split(
            contiguous, np.arange(_LAYOUT_BATCHES, len(contiguous), _LAYOUT_BATCHES)
        )
        if len(run_starts)
    ]


def _lay_out_run(tokens, docs, spans, run_starts, config, rng):
    """Lay out a run of consecutive minibatches; return a function of a start.

    The function maps the start of a minibatch of the run to the arguments
    of its step: ``(centers, layout, negatives)``. Skip-gram groups the
    windows of each minibatch by span
    (:func:`~sklearn_w2v._sampling.group_contexts`). CBOW needs no grouping
    (:func:`~sklearn_w2v._sampling.cbow_windows`) and lays out the whole run
    at once, each minibatch then a slice. The noise words of a run are drawn
    at once too: one long gather from the noise table costs less than many
    short ones.
    """
    window, batch_size = config["window"], config["batch_size"]
    n_negative, n_centers = config["n_negative"], len(spans)
    first = run_starts[0]
    last = min(run_starts[-1] + batch_size, n_centers)
    negatives = None
    if config["loss"] == "negative_sampling":
        negatives = draw_negatives(
            config["noise_table"], (last - first, n_negative), rng
        )

    if config["algorithm"] == "skipgram":

        def minibatch(start):
            stop = min(start + batch_size, n_centers)
            centers, *layout = group_contexts(
                tokens[start : stop + 2 * window],
                docs[start : stop + 2 * window],
                spans[start:stop],
                window,
            )
            noise = None
            if negatives is not None:
                noise = negatives[start - first : stop - first]
            return centers, layout, noise

        return minibatch

    centers, contexts, n_contexts = cbow_windows(
        tokens[first : last + 2 * window],
        docs[first : last + 2 * window],
        spans[first:last],
        window,
    )
    indptr = np.zeros(len(n_contexts) + 1, dtype=np.intp)
    np.cumsum(n_contexts, out=indptr[1:])
    if negatives is not None:
        # The target block of the run: centres, then noise words.
        targets = np.empty((last - first, n_negative + 1), np.int32)
        targets[:, 0] = centers
        targets[:, 1:] = negatives
        negatives = (targets, negative_sampling_layer(targets)[1])

    def minibatch(start):
        begin = start - first
        end = min(begin + batch_size, last - first)
        layout = (contexts[indptr[begin] : indptr[end]], n_contexts[begin:end])
        noise = None
        if negatives is not None:
            noise = (negatives[0][begin:end], negatives[1][begin:end])
        return centers[begin:end], layout, noise

    return minibatch


def _diverged(learning_rate):
    raise FloatingPointError(
        f"Training diverged (non-finite loss, or weights running away) with "
        f"learning_rate={learning_rate!r}; use a smaller learning_rate."
    )


def weight_limit(W):
    """Largest absolute weight that training may reach before it is a runaway.

    Word2vec weights stay within a few units; a diverging fit leaves them
    finite but huge (clipped logits keep its loss finite), so the limit is a
    thousand times the largest initial weight, and at least 1,000.

    Parameters
    ----------
    W : ndarray
        The weights before training.

    Returns
    -------
    limit : float

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._training import weight_limit
    >>> weight_limit(np.array([0.01, -0.02])), weight_limit(np.array([-5.0]))
    (1000.0, 5000.0)
    """
    peak = max(float(W.max(initial=0.0)), -float(W.min(initial=0.0)))
    return 1e3 * max(peak, 1.0)


def check_weights(W, limit, learning_rate):
    """Raise FloatingPointError if a weight is non-finite or beyond ``limit``.

    Parameters
    ----------
    W : ndarray
        The weights.
    limit : float
        See :func:`weight_limit`.
    learning_rate : float
        Named in the message.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._training import check_weights
    >>> check_weights(np.array([1.0, -2.0]), 1e3, 0.025)
    >>> check_weights(np.array([1.0, 3e7]), 1e3, 1e3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FloatingPointError: Training diverged ... learning_rate=1000.0; ...
    """
    # Two reductions, no copy; a NaN makes both comparisons False.
    if not (W.max(initial=-np.inf) <= limit and -W.min(initial=np.inf) <= limit):
        _diverged(learning_rate)


def train(
    W,
    corpus,
    *,
    word_counts,
    keep_prob,
    noise_table,
    algorithm,
    window,
    shrink_windows,
    longest_document=None,
    loss="negative_sampling",
    huffman=None,
    n_negative,
    cbow_mean,
    learning_rate,
    min_learning_rate,
    epochs,
    batch_size,
    n_jobs,
    rng,
    verbose,
    epoch_callback=None,
):
    """Train word2vec on an encoded corpus, updating the weights in place.

    The corpus is read once per epoch, chunk by chunk (see
    :func:`~sklearn_w2v._sampling.stream_segments`); memory holds one chunk,
    never the corpus.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32
        Input and output vectors, each with a zero padding row last.
    corpus : iterable of (ids, doc_ids)
        Re-iterable: each iteration is one pass over the corpus, in chunks of
        word ids (int32) and document indices (int32) of its in-vocabulary
        tokens, such as a :class:`~sklearn_w2v._spool.CorpusSpool` or
        ``[(ids, doc_ids)]``.
    word_counts : ndarray of shape (n_words,)
        Occurrences of each word in ``corpus``; with ``keep_prob`` they give
        the expected length of an epoch, over which the learning rate decays
        (an epoch's exact length is known only at its end).
    keep_prob : ndarray of shape (n_words,)
        Subsampling keep probability of each word.
    noise_table : ndarray of shape (table_size,), unsigned int
        Lookup table of the noise distribution.
    algorithm : {'skipgram', 'cbow'}
    loss : {'negative_sampling', 'hierarchical_softmax', 'softmax'}
        Output layer.
    huffman : tuple of ndarray, default=None
        ``(points, codes, lengths)`` of
        :func:`~sklearn_w2v._vocabulary.huffman_tree`, for hierarchical
        softmax.
    window, n_negative, epochs, batch_size, n_jobs : int
    longest_document : int, default=None
        Tokens of the longest document: spans are cut to one less, so that
        a window wider than every document costs no more than the documents
        (see :func:`~sklearn_w2v._sampling.stream_segments`).
    shrink_windows, cbow_mean : bool
    learning_rate, min_learning_rate : float
    rng : numpy.random.Generator
        Source of every draw; with ``n_jobs=1`` the result is a function of
        its state alone, whatever the chunking of ``corpus``.
    verbose : int
        Print one line per epoch to stderr when positive, and lines at every
        tenth of an epoch from 2 on.
    epoch_callback : callable, default=None
        Called after each epoch as ``epoch_callback(epoch, loss)`` with the
        mean loss of the epoch's minibatches trained by this process (all of
        them with ``n_jobs=1``).

    Returns
    -------
    loss_curve : ndarray of shape (epochs,), float64
        Mean loss per trained centre word of each epoch.
    n_words_trained : int
        Centre words trained over all epochs, after subsampling.
    """
    if huffman is not None:
        points, codes, lengths = huffman
        huffman = (points, (1.0 - 2.0 * codes).astype(np.float32), lengths)
    epoch_centres = max(float(np.dot(word_counts, keep_prob)), 1.0)
    # The layout's window: no context lies further away than this.
    max_span = window
    if longest_document is not None:
        max_span = min(window, max(longest_document - 1, 1))
    config = {
        "algorithm": algorithm,
        "loss": loss,
        "huffman": huffman,
        "window": max_span,
        "drawn_window": window,
        "max_span": max_span,
        "shrink_windows": shrink_windows,
        "n_negative": n_negative,
        "cbow_mean": cbow_mean,
        "learning_rate": learning_rate,
        "min_learning_rate": min_learning_rate,
        "epochs": epochs,
        "batch_size": batch_size,
        "noise_table": noise_table,
        "keep_prob": keep_prob,
        "epoch_centres": epoch_centres,
        "turn_length": turn_length(epoch_centres, batch_size, n_jobs),
        "verbose": verbose,
        "epoch_callback": epoch_callback,
        "n_jobs": n_jobs,
        "weight_limit": weight_limit(W),
        # Every job draws the same subsampled stream of an epoch.
        "epoch_seeds": rng.integers(np.iinfo(np.int64).max, size=epochs),
    }
    job_rngs = rng.spawn(n_jobs)

    def work(weights, job):
        return _run_epochs(weights, corpus, config, job, job_rngs[job])

    # One BLAS thread per job: the parallelism is ours, across minibatches.
    # Overflows are not warned of: a diverging fit raises FloatingPointError.
    with threadpool_limits(limits=1), np.errstate(over="ignore", invalid="ignore"):
        if n_jobs == 1:
            results = [work(W, 0)]
        elif _CAN_FORK:
            results = _run_forked(W, n_jobs, work)
        else:
            with ThreadPoolExecutor(max_workers=n_jobs) as pool:
                results = list(pool.map(work, [W] * n_jobs, range(n_jobs)))
    losses = np.sum([loss for loss, _ in results], axis=0)
    n_centers = results[0][1]
    return losses / np.maximum(n_centers, 1), int(n_centers.sum())


def _run_epochs(W, corpus, config, job, rng):
    """Train job ``job``'s share of the minibatches of every epoch.

    Returns the summed loss of its minibatches and the number of centre words
    of each epoch.
    """
    epochs, n_jobs = config["epochs"], config["n_jobs"]
    batch_size = config["batch_size"]
    losses = np.zeros(epochs)
    n_centers = np.zeros(epochs, dtype=np.int64)
    report = _Report(config) if job == 0 and config["verbose"] else None
    for epoch in range(epochs):
        config = {**config, "epoch": epoch}
        segments = stream_segments(
            corpus,
            config["keep_prob"],
            window=config["drawn_window"],
            batch_size=batch_size,
            shrink_windows=config["shrink_windows"],
            seed=config["epoch_seeds"][epoch],
            max_span=config["max_span"],
        )
        for tokens, docs, spans, first_centre in segments:
            # Jobs take turns over runs of minibatches, so the learning rate
            # decays evenly and a job lays out only its own runs; segments
            # hold whole minibatches, so batch k is global.
            starts = np.arange(0, len(spans), batch_size)
            batch = first_centre // batch_size + np.arange(len(starts))
            starts = starts[batch // config["turn_length"] % n_jobs == job]
            segment_config = {**config, "first_centre": first_centre}
            # Groups end at tenths of the epoch, where verbose=2 reports.
            tenth = (first_centre + starts) * 10 // config["epoch_centres"]
            for group in np.split(starts, np.flatnonzero(np.diff(tenth)) + 1):
                losses[epoch] += _train_batches(
                    W, tokens, docs, spans, group, segment_config, rng
                )
                if report is not None and len(group):
                    done = first_centre + min(group[-1] + batch_size, len(spans))
                    report.progress(epoch, done, losses[epoch] * n_jobs)
            n_centers[epoch] = first_centre + len(spans)
        check_weights(W, config["weight_limit"], config["learning_rate"])
        if job != 0:
            continue
        mean_loss = losses[epoch] * n_jobs / max(n_centers[epoch], 1)
        if config["epoch_callback"] is not None:
            config["epoch_callback"](epoch, mean_loss)
        if report is not None:
            report.epoch_end(epoch, n_centers[: epoch + 1].sum(), mean_loss)
    return losses, n_centers


class _Report:
    """Progress lines on stderr: one per epoch, and per tenth from verbose=2."""

    def __init__(self, config):
        self.epochs = config["epochs"]
        self.epoch_centres = config["epoch_centres"]
        self.periodic = config["verbose"] >= 2
        self.started = time.perf_counter()
        self.done_before = 0  # centres of the finished epochs
        self.tenth = 0

    def _timing(self, done):
        elapsed = time.perf_counter() - self.started
        total = self.epochs * self.epoch_centres
        speed = done / max(elapsed, 1e-9)
        return elapsed, speed, max(total - done, 0.0) / max(speed, 1e-9)

    def progress(self, epoch, done_in_epoch, loss_in_epoch):
        tenth = int(done_in_epoch * 10 // self.epoch_centres)
        if not self.periodic or tenth <= self.tenth or tenth >= 10:
            return
        self.tenth = tenth
        elapsed, speed, eta = self._timing(self.done_before + done_in_epoch)
        print(
            f"epoch {epoch + 1}/{self.epochs} {10 * tenth}%: "
            f"loss {loss_in_epoch / max(done_in_epoch, 1):.4f}, "
            f"{speed:,.0f} words/s, elapsed {elapsed:.1f}s, ETA {eta:.1f}s",
            file=sys.stderr,
        )

    def epoch_end(self, epoch, done, mean_loss):
        elapsed = time.perf_counter() - self.started
        self.done_before, self.tenth = done, 0
        print(
            f"epoch {epoch + 1}/{self.epochs}: loss {mean_loss:.4f}, "
            f"{done / elapsed:,.0f} words/s, elapsed {elapsed:.1f}s, "
            f"ETA {elapsed / (epoch + 1) * (self.epochs - epoch - 1):.1f}s",
            file=sys.stderr,
        )


def _run_forked(W, n_jobs, work):
    """Run ``work(W, job)`` for every job, jobs 1.. in forked processes.

    The weights live in an anonymous shared mapping that the children
    inherit, so every process updates the same matrices (Hogwild, as the C
    tool's threads do) without the interpreter lock of threads in one
    process. Each child sends back its result through a pipe.
    """
    shared = mmap.mmap(-1, W.nbytes)
    W_shared = np.frombuffer(shared, dtype=W.dtype).reshape(W.shape)
    W_shared[...] = W
    children = []
    parent = os.getpid()
    try:
        for job in range(1, n_jobs):
            read_end, write_end = os.pipe()
            with warnings.catch_warnings():
                # Python >= 3.12 warns on fork with threads alive (BLAS pools);
                # the child only runs NumPy code and leaves with os._exit.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:  # pragma: no cover (child process)
                os.close(read_end)
                run_job_in_child(work, W_shared, job, write_end, parent)
            os.close(write_end)
            children.append((pid, read_end))
        results = [work(W_shared, 0)]
    except BaseException:
        for pid, _ in children:
            os.kill(pid, signal.SIGTERM)
        raise
    finally:
        replies = []
        for pid, read_end in children:
            with os.fdopen(read_end, "rb") as pipe:
                replies.append(pipe.read())
            os.waitpid(pid, 0)
    for reply in replies:
        if not reply:
            raise RuntimeError("A training process ended without a result.")
        ok, result = pickle.loads(reply)
        if not ok:
            if result.startswith("FloatingPointError"):
                raise FloatingPointError(result.split(": ", 1)[1])
            raise RuntimeError(f"A training process failed: {result}")
        results.append(result)
    W[...] = W_shared
    del W_shared
    shared.close()
    return results


def run_job_in_child(work, W, job, write_end, parent):
    """Run ``work(W, job)`` in a forked child, send its result, and exit.

    Never returns: whatever happens (the job fails, the parent is gone and
    the pipe is broken, a signal handler raises), the child leaves with
    :func:`os._exit`, so that no exception climbs into the caller's code,
    which the child shares with its parent. A child whose parent dies is
    killed at once (``PR_SET_PDEATHSIG``), so that no orphan trains on.

    Parameters
    ----------
    work : callable
        ``work(W, job)`` trains and returns a picklable result.
    W : ndarray
        The shared weights.
    job : int
        Index of the job.
    write_end : int
        File descriptor of the pipe to the parent.
    parent : int
        Process id of the parent.
    """
    status = 1
    try:
        _die_with_parent(parent)
        try:
            payload = pickle.dumps((True, work(W, job)))
        except BaseException as exc:
            payload = pickle.dumps((False, f"{type(exc).__name__}: {exc}"))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
        status = 0
    finally:
        os._exit(status)


def _die_with_parent(parent):
    """Have the kernel kill this process when its parent dies (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover (no prctl)
        pass
    # The parent may have died before the request: the child is then orphaned.
    if os.getppid() != parent:
        os._exit(1)
