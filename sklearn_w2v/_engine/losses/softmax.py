"""Full softmax output layer: the textbook word2vec objective, for small vocabularies.

Each context (skip-gram) or hidden vector (CBOW) is scored against every
word's output vector in one dense product, and the loss is the cross-entropy
of the softmax over the whole vocabulary. Every minibatch updates every output
vector, so this is for the small vocabularies of worked examples; the
estimator refuses large ones.
"""

import numpy as np

from ..scatter import scatter_add
from .logistic import context_curvature, damped_weights, window_hidden

#: Largest vocabulary ``loss='softmax'`` accepts.
MAX_SOFTMAX_WORDS = 5000


def _softmax_gradients(logits, observed, weight, learning_rate):
    """Loss and, in place, ``learning_rate * weight * (onehot - softmax)``.

    Also returns the curvature ``learning_rate * weight * p * (1 - p)`` of
    each logit, for damping.
    """
    logits -= logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    totals = logits.sum(axis=1, keepdims=True)
    logits /= totals
    rows = np.arange(len(observed))
    p_observed = logits[rows, observed]
    loss = -float(np.log(np.maximum(p_observed, np.float32(1e-30))) @ weight)
    scale = (weight * np.float32(learning_rate))[:, None]
    curvature = logits * (1.0 - logits)
    curvature *= scale
    np.negative(logits, out=logits)
    logits[rows, observed] += 1.0
    logits *= scale
    return loss, curvature


def skipgram_update(W, batch, outputs, learning_rate, row_curvature=None):
    """Train skip-gram with a full softmax on one minibatch, in place.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and output vectors ``W[1]``; row ``n_words``
        of each is padding.
    batch : SkipgramBatch
        The windows, grouped by span, as laid out by
        :func:`~sklearn_w2v._engine.layout.group_contexts`; each context predicts
        its window's center word.
    outputs : None
        Unused: every word is an output. The argument keeps the signature of
        the other output layers.
    learning_rate : float
        Step size.
    row_curvature : ndarray of shape (2 * (n_words + 1),), float64, default=None
        If given, each row's summed curvature in this minibatch is added to
        it, rows of ``W`` seen as one matrix (sharded training reads it).

    Returns
    -------
    loss : float
        Cross-entropy of the minibatch before the update.
    """
    n_rows, n_components = W.shape[1:]
    n_words = n_rows - 1
    contexts = batch.contexts
    X = np.take(W[0], contexts, axis=0)
    U = W[1, :n_words]
    logits = X @ U.T
    observed = batch.centers[batch.window_of_positions()]
    weight = batch.valid.astype(np.float32)
    loss, curvature = _softmax_gradients(logits, observed, weight, learning_rate)
    dX = logits @ U
    dU = logits.T @ X
    entry_curvature = curvature @ np.einsum("ij,ij->i", U, U)
    output_curvature = curvature.T @ np.einsum("ij,ij->i", X, X)
    weights = damped_weights(contexts, entry_curvature, row_curvature)
    scatter_add(W[0], contexts, dX, weights=weights)
    U += dU / np.maximum(output_curvature, 1.0)[:, None]
    if row_curvature is not None:
        row_curvature[n_rows : n_rows + n_words] += output_curvature
    return loss


def cbow_update(
    W, batch, outputs, learning_rate, cbow_mean, row_curvature=None, n_jobs=1
):
    """Train CBOW with a full softmax on one minibatch, in place.

    As with the other output layers, every context word of a window takes
    the error on the hidden vector undivided.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and output vectors ``W[1]``; row ``n_words``
        of each is padding.
    batch : CbowBatch
        The windows, as laid out by :func:`~sklearn_w2v._engine.layout.cbow_windows`.
    outputs : None
        Unused: every word is an output. The argument keeps the signature of
        the other output layers.
    learning_rate : float
        Step size.
    cbow_mean : bool
        Average (True) or sum (False) the context vectors.
    row_curvature : ndarray of shape (2 * (n_words + 1),), float64, default=None
        If given, each row's summed curvature in this minibatch is added to
        it, rows of ``W`` seen as one matrix (sharded training reads it).
    n_jobs : int, default=1
        Jobs adding their steps to ``W`` at once, for the damping
        (:func:`~sklearn_w2v._engine.losses.logistic.damped_weights`).

    Returns
    -------
    loss : float
        Cross-entropy of the minibatch before the update, over the windows
        with at least one context.
    """
    n_rows, n_components = W.shape[1:]
    n_words = n_rows - 1
    contexts, n_contexts = batch.contexts, batch.n_contexts
    h = window_hidden(W[0], contexts, n_contexts, cbow_mean)
    U = W[1, :n_words]
    logits = h @ U.T
    weight = (n_contexts > 0).astype(np.float32)
    loss, curvature = _softmax_gradients(logits, batch.centers, weight, learning_rate)
    dh = logits @ U
    dU = logits.T @ h
    window_curvature = curvature @ np.einsum("ij,ij->i", U, U)
    output_curvature = curvature.T @ np.einsum("ij,ij->i", h, h)
    scatter_add(
        W[0],
        contexts,
        dh,
        counts=n_contexts,
        weights=damped_weights(
            contexts,
            context_curvature(window_curvature, n_contexts, cbow_mean),
            row_curvature,
            n_jobs,
        ),
    )
    U += dU / np.maximum(n_jobs * output_curvature, 1.0)[:, None]
    if row_curvature is not None:
        row_curvature[n_rows : n_rows + n_words] += output_curvature
    return loss
