"""The training loop: epochs, minibatches, learning-rate schedule, threads.

Everything here works on arrays handed over by the estimator and calls the
pure kernels of :mod:`~sklearn_w2v._sgns` and :mod:`~sklearn_w2v._cbow`.
"""

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

from ._cbow import cbow_logistic_update, cbow_update
from ._sampling import (
    draw_negatives,
    draw_spans,
    group_contexts,
    subsample_stream,
)
from ._sgns import sgns_update, skipgram_update
from ._softmax import cbow_softmax_update, skipgram_softmax_update

# Forked processes share the weights without the interpreter lock; elsewhere
# (Windows, macOS) threads do, with less speed-up.
_CAN_FORK = sys.platform.startswith("linux") and hasattr(os, "fork")


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
    W = np.zeros((2, n_words + 1, n_components), dtype=np.float32)
    W[0, :n_words] = rng.random((n_words, n_components), dtype=np.float32)
    W[0, :n_words] -= 0.5
    W[0, :n_words] *= 2.0 / n_components
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


def _negative_sampling_step(W, centers, contexts, valid, groups, rate, config, rng):
    """One minibatch with negative sampling; returns its loss."""
    targets = np.empty((len(centers), config["n_negative"] + 1), np.int32)
    targets[:, 0] = centers
    targets[:, 1:] = draw_negatives(
        config["noise_table"], (len(centers), config["n_negative"]), rng
    )
    if config["algorithm"] == "skipgram":
        return sgns_update(W, contexts, valid, targets, groups, rate)
    return cbow_update(W, contexts, valid, targets, groups, rate, config["cbow_mean"])


def _hierarchical_softmax_step(W, centers, contexts, valid, groups, rate, config, rng):
    """One minibatch with hierarchical softmax; returns its loss.

    Huffman paths differ in length (frequent centres have short ones), and a
    kernel call pads every path of its windows to the longest: windows with
    paths up to the median length run apart from the others, which halves
    the padding.
    """
    points, codes, lengths = config["huffman"]
    path_lengths = lengths[centers]
    spans = np.repeat(np.arange(1, len(groups) + 1), groups)
    loss = 0.0
    split = np.median(path_lengths)
    for part in (path_lengths <= split, path_lengths > split):
        if not part.any():
            continue
        depth = path_lengths[part].max()
        part_centers = centers[part]
        slots = np.repeat(part, 2 * spans)
        # Per window: the inner nodes of the centre's path, label 1 - code.
        layer = (
            points[part_centers, :depth],
            1.0 - 2.0 * codes[part_centers, :depth].astype(np.float32),
            (np.arange(depth) < path_lengths[part, None]).astype(np.float32),
            np.bincount(spans[part], minlength=len(groups) + 1)[1:],
        )
        if config["algorithm"] == "skipgram":
            loss += skipgram_update(W, contexts[slots], valid[slots], *layer, rate)
        else:
            loss += cbow_logistic_update(
                W, contexts[slots], valid[slots], *layer, rate, config["cbow_mean"]
            )
    return loss


def _softmax_step(W, centers, contexts, valid, groups, rate, config, rng):
    """One minibatch with the full softmax; returns its loss."""
    if config["algorithm"] == "skipgram":
        return skipgram_softmax_update(W, contexts, valid, centers, groups, rate)
    return cbow_softmax_update(
        W, contexts, valid, centers, groups, rate, config["cbow_mean"]
    )


_STEPS = {
    "negative_sampling": _negative_sampling_step,
    "hierarchical_softmax": _hierarchical_softmax_step,
    "softmax": _softmax_step,
}


def _train_batches(W, tokens, docs, spans, starts, config, rng):
    """Run the kernel over the minibatches starting at ``starts``; return the loss.

    ``config`` holds the scalars of the fit; the learning rate of a batch
    decays linearly with the position of its first centre in the whole run.
    """
    window = config["window"]
    n_centers = len(spans)
    loss = 0.0
    for start in starts:
        stop = min(start + config["batch_size"], n_centers)
        progress = (config["epoch"] + start / n_centers) / config["epochs"]
        learning_rate = config["learning_rate"] - progress * (
            config["learning_rate"] - config["min_learning_rate"]
        )
        centers, contexts, valid, group_sizes = group_contexts(
            tokens[start : stop + 2 * window],
            docs[start : stop + 2 * window],
            spans[start:stop],
            window,
        )
        batch_loss = _STEPS[config["loss"]](
            W, centers, contexts, valid, group_sizes, learning_rate, config, rng
        )
        if not math.isfinite(batch_loss):
            _diverged(config["learning_rate"])
        loss += batch_loss
    return loss


def _diverged(learning_rate):
    raise FloatingPointError(
        f"Training diverged (non-finite loss or weights) with learning_rate="
        f"{learning_rate!r}; use a smaller learning_rate."
    )


def train(
    W,
    ids,
    doc_ids,
    *,
    keep_prob,
    noise_table,
    algorithm,
    window,
    shrink_windows,
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

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32
        Input and output vectors, each with a zero padding row last.
    ids : ndarray of shape (n_tokens,), int32
        Word id of every in-vocabulary token, documents concatenated.
    doc_ids : ndarray of shape (n_tokens,), int32
        Document index of every token.
    keep_prob : ndarray of shape (n_words,)
        Subsampling keep probability of each word.
    noise_table : ndarray of shape (table_size,), int32
        Lookup table of the noise distribution.
    algorithm : {'skipgram', 'cbow'}
    loss : {'negative_sampling', 'hierarchical_softmax', 'softmax'}
        Output layer.
    huffman : tuple of ndarray, default=None
        ``(points, codes, lengths)`` of
        :func:`~sklearn_w2v._vocabulary.huffman_tree`, for hierarchical
        softmax.
    window, n_negative, epochs, batch_size, n_jobs : int
    shrink_windows, cbow_mean : bool
    learning_rate, min_learning_rate : float
    rng : numpy.random.Generator
        Source of every draw; with ``n_jobs=1`` the result is a function of
        its state alone.
    verbose : int
        Print one line per epoch to stderr when positive.
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
    config = {
        "algorithm": algorithm,
        "loss": loss,
        "huffman": huffman,
        "window": window,
        "shrink_windows": shrink_windows,
        "n_negative": n_negative,
        "cbow_mean": cbow_mean,
        "learning_rate": learning_rate,
        "min_learning_rate": min_learning_rate,
        "epochs": epochs,
        "batch_size": batch_size,
        "noise_table": noise_table,
        "keep_prob": keep_prob,
        "verbose": verbose,
        "epoch_callback": epoch_callback,
        "n_jobs": n_jobs,
        # Every job draws the same subsampled stream of an epoch.
        "epoch_seeds": rng.integers(np.iinfo(np.int64).max, size=epochs),
    }
    job_rngs = rng.spawn(n_jobs)
    corpus = (ids, doc_ids)

    def work(weights, job):
        return _run_epochs(weights, corpus, config, job, job_rngs[job])

    # One BLAS thread per job: the parallelism is ours, across minibatches.
    with threadpool_limits(limits=1):
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
    ids, doc_ids = corpus
    epochs, n_jobs, window = config["epochs"], config["n_jobs"], config["window"]
    n_words = len(config["keep_prob"])
    losses = np.zeros(epochs)
    n_centers = np.zeros(epochs, dtype=np.int64)
    started = time.perf_counter()
    for epoch in range(epochs):
        config = {**config, "epoch": epoch}
        stream_rng = np.random.default_rng(config["epoch_seeds"][epoch])
        tokens, docs = subsample_stream(
            ids, doc_ids, config["keep_prob"], window, n_words, stream_rng
        )
        n_centers[epoch] = len(tokens) - 2 * window
        spans = draw_spans(
            n_centers[epoch], window, config["shrink_windows"], stream_rng
        )
        # Jobs interleave minibatches so the learning rate decays evenly.
        starts = np.arange(0, n_centers[epoch], config["batch_size"])[job::n_jobs]
        losses[epoch] = _train_batches(W, tokens, docs, spans, starts, config, rng)
        # Clipped logits keep the loss finite while weights overflow.
        if not np.isfinite(W).all():
            _diverged(config["learning_rate"])
        if job != 0:
            continue
        mean_loss = losses[epoch] * n_jobs / max(n_centers[epoch], 1)
        if config["epoch_callback"] is not None:
            config["epoch_callback"](epoch, mean_loss)
        if config["verbose"]:
            elapsed = time.perf_counter() - started
            done = n_centers[: epoch + 1].sum()
            print(
                f"epoch {epoch + 1}/{epochs}: loss {mean_loss:.4f}, "
                f"{done / elapsed:,.0f} words/s, elapsed {elapsed:.1f}s, "
                f"ETA {elapsed / (epoch + 1) * (epochs - epoch - 1):.1f}s",
                file=sys.stderr,
            )
    return losses, n_centers


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
                try:
                    payload = pickle.dumps((True, work(W_shared, job)))
                except BaseException as exc:
                    payload = pickle.dumps((False, f"{type(exc).__name__}: {exc}"))
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(payload)
                os._exit(0)
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
