"""The training loop: epochs, minibatches, learning-rate schedule, threads.

Everything here works on arrays handed over by the estimator and calls the
pure kernels of :mod:`~sklearn_w2v._sgns` and :mod:`~sklearn_w2v._cbow`.
"""

import math
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_limits

from ._cbow import cbow_update
from ._sampling import (
    draw_negatives,
    draw_spans,
    group_contexts,
    subsample_stream,
)
from ._sgns import sgns_update


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
        ``W[0]``, the input vectors, uniform in ``[-0.5 / n_components,
        0.5 / n_components)``; ``W[1]``, the output vectors, zero. Row
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
    W[0, :n_words] /= n_components
    return W


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
        targets = np.empty((stop - start, config["n_negative"] + 1), np.int32)
        targets[:, 0] = centers
        targets[:, 1:] = draw_negatives(
            config["noise_table"], (stop - start, config["n_negative"]), rng
        )
        if config["algorithm"] == "skipgram":
            batch_loss = sgns_update(
                W, contexts, valid, targets, group_sizes, learning_rate
            )
        else:
            batch_loss = cbow_update(
                W,
                contexts,
                valid,
                targets,
                group_sizes,
                learning_rate,
                config["cbow_mean"],
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
    n_negative,
    cbow_mean,
    learning_rate,
    min_learning_rate,
    epochs,
    batch_size,
    n_jobs,
    rng,
    verbose,
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
    window, n_negative, epochs, batch_size, n_jobs : int
    shrink_windows, cbow_mean : bool
    learning_rate, min_learning_rate : float
    rng : numpy.random.Generator
        Source of every draw; with ``n_jobs=1`` the result is a function of
        its state alone.
    verbose : int
        Print one line per epoch to stderr when positive.

    Returns
    -------
    loss_curve : ndarray of shape (epochs,), float64
        Mean loss per trained centre word of each epoch.
    n_words_trained : int
        Centre words trained over all epochs, after subsampling.
    """
    n_words = len(keep_prob)
    config = {
        "algorithm": algorithm,
        "window": window,
        "n_negative": n_negative,
        "cbow_mean": cbow_mean,
        "learning_rate": learning_rate,
        "min_learning_rate": min_learning_rate,
        "epochs": epochs,
        "batch_size": batch_size,
        "noise_table": noise_table,
    }
    loss_curve = np.zeros(epochs, dtype=np.float64)
    n_words_trained = 0
    thread_rngs = rng.spawn(n_jobs) if n_jobs > 1 else [rng]
    started = time.perf_counter()
    # One BLAS thread per worker: the parallelism is ours, across minibatches.
    with (
        threadpool_limits(limits=1),
        ThreadPoolExecutor(max_workers=n_jobs) as pool,
    ):
        for epoch in range(epochs):
            config["epoch"] = epoch
            tokens, docs = subsample_stream(
                ids, doc_ids, keep_prob, window, n_words, rng
            )
            n_centers = len(tokens) - 2 * window
            spans = draw_spans(n_centers, window, shrink_windows, rng)
            starts = np.arange(0, n_centers, batch_size)
            if n_jobs == 1:
                epoch_loss = _train_batches(W, tokens, docs, spans, starts, config, rng)
            else:
                # Hogwild: threads update the shared matrices without locks,
                # interleaving batches so the learning rate decays evenly.
                futures = [
                    pool.submit(
                        _train_batches,
                        W,
                        tokens,
                        docs,
                        spans,
                        starts[job::n_jobs],
                        config,
                        thread_rngs[job],
                    )
                    for job in range(n_jobs)
                ]
                epoch_loss = sum(future.result() for future in futures)
            # Clipped logits keep the loss finite while weights overflow.
            if not np.isfinite(W).all():
                _diverged(learning_rate)
            n_words_trained += n_centers
            loss_curve[epoch] = epoch_loss / max(n_centers, 1)
            if verbose:
                elapsed = time.perf_counter() - started
                print(
                    f"epoch {epoch + 1}/{epochs}: loss {loss_curve[epoch]:.4f}, "
                    f"{n_words_trained / elapsed:,.0f} words/s, "
                    f"elapsed {elapsed:.1f}s, "
                    f"ETA {elapsed / (epoch + 1) * (epochs - epoch - 1):.1f}s",
                    file=sys.stderr,
                )
    return loss_curve, n_words_trained
