"""Continuous bag of words with negative sampling: the minibatch kernel.

The hidden vector of a window is the mean (or sum) of its context words'
input vectors; it predicts the centre word's output vector against ``K`` noise
words. As in the word2vec C tool and gensim, the error on the hidden vector
is added undivided to every context word's input vector, also when the hidden
vector is a mean. The hidden vectors are one sparse (windows x vocabulary)
product, and the errors return to the context words through the transposed
one.

A minibatch is laid out by :func:`~sklearn_w2v._sampling.cbow_windows`: the
valid contexts of the windows one after the other (``contexts``) and the
number of each window's contexts (``n_contexts``).
"""

import functools

import numpy as np

from ._scatter import scatter_add, segment_sums
from ._sgns import (
    damped_weights,
    label_gradients,
    negative_sampling_layer,
    row_dots,
)


def cbow_update(
    W, contexts, n_contexts, targets, learning_rate, cbow_mean, target_weight=None
):
    """Train CBOW with negative sampling on one minibatch, in place.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and output vectors ``W[1]``; row ``n_words``
        of each is padding.
    contexts : ndarray of shape (n_contexts.sum(),), int
        Context words, window after window.
    n_contexts : ndarray of shape (n_windows,), int
        Number of contexts of each window.
    targets : ndarray of shape (n_windows, n_negative + 1), int
        Per window: the centre word, then its noise words. A noise word
        equal to the centre word is skipped.
    learning_rate : float
        Step size.
    cbow_mean : bool
        Average (True) or sum (False) the context vectors.
    target_weight : ndarray of shape (n_windows, n_negative + 1), float32, \
            default=None
        The weights of :func:`~sklearn_w2v._sgns.negative_sampling_layer`,
        if already computed.

    Returns
    -------
    loss : float
        Negative log-likelihood of the minibatch before the update, over the
        windows with at least one context.
    """
    if target_weight is None:
        target_weight = negative_sampling_layer(targets)[1]
    return cbow_logistic_update(
        W,
        contexts,
        n_contexts,
        targets,
        _label_signs(targets.shape[1]),
        target_weight,
        learning_rate,
        cbow_mean,
    )


@functools.cache
def _label_signs(n_targets):
    """Signs of negative sampling's labels: the centre word, then noise words."""
    return negative_sampling_layer(np.zeros((1, n_targets), dtype=np.int32))[0]


def window_hidden(W_in, contexts, n_contexts, cbow_mean, out=None):
    """Hidden vectors of the windows: mean or sum of their contexts' inputs.

    Parameters
    ----------
    W_in : ndarray of shape (n_words + 1, n_components), float32
        Input vectors.
    contexts : ndarray of shape (n_contexts.sum(),), int
        Context words, window after window.
    n_contexts : ndarray of shape (n_windows,), int
        Number of contexts of each window.
    cbow_mean : bool
        Average (True) or sum (False).
    out : ndarray of shape (n_windows, n_components), float32, default=None
        Where to write the hidden vectors.

    Returns
    -------
    h : ndarray of shape (n_windows, n_components), float32
        Zero for a window without contexts.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._cbow import window_hidden
    >>> W_in = np.arange(6, dtype=np.float32).reshape(3, 2)
    >>> window_hidden(W_in, np.array([0, 1, 2]), np.array([2, 0, 1]), True).tolist()
    [[1.0, 2.0], [0.0, 0.0], [4.0, 5.0]]
    """
    indptr = np.zeros(len(n_contexts) + 1, dtype=np.int32)
    np.cumsum(n_contexts, out=indptr[1:])
    if cbow_mean:
        slot_weight = np.repeat(
            (1.0 / np.maximum(n_contexts, 1)).astype(np.float32), n_contexts
        )
    else:
        slot_weight = np.ones(len(contexts), dtype=np.float32)
    return segment_sums(indptr, contexts, slot_weight, W_in, out=out)


def cbow_logistic_update(
    W,
    contexts,
    n_contexts,
    targets,
    signs,
    target_weight,
    learning_rate,
    cbow_mean,
):
    """Train CBOW with binary logistic outputs on one minibatch, in place.

    Each window's hidden vector is scored against its output rows
    ``targets[j]``: the centre word and noise words (negative sampling) or
    the inner nodes of the centre word's Huffman path padded to the longest
    (hierarchical softmax; :func:`cbow_path_update` takes the paths
    unpadded).

    Parameters
    ----------
    W : ndarray of shape (2, n_rows + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and output vectors ``W[1]``; the last row of
        each is padding.
    contexts : ndarray of shape (n_contexts.sum(),), int
        Context words, window after window.
    n_contexts : ndarray of shape (n_windows,), int
        Number of contexts of each window.
    targets : ndarray of shape (n_windows, n_targets), int
        Output rows of each window.
    signs : ndarray of shape (n_windows, n_targets) or (1, n_targets), float32
        ``+1`` for a target of label 1, ``-1`` for label 0; one row serves
        all windows.
    target_weight : ndarray of shape (n_windows, n_targets), float32
        0 for a target to skip.
    learning_rate : float
        Step size.
    cbow_mean : bool
        Average (True) or sum (False) the context vectors.

    Returns
    -------
    loss : float
        Negative log-likelihood of the minibatch before the update, over the
        windows with at least one context.
    """
    n_windows, n_targets = targets.shape
    n_components = W.shape[2]
    # One gradient block for both matrices, so one scatter serves both:
    # output rows take the hidden vectors h, input rows the errors dh.
    grad = np.empty((2 * n_windows, n_components), dtype=np.float32)
    h, dh = grad[:n_windows], grad[n_windows:]
    window_hidden(W[0], contexts, n_contexts, cbow_mean, out=h)
    Z = np.take(W[1], targets, axis=0)
    logits = row_dots(Z, h[:, None, :])
    weight = target_weight * (n_contexts > 0)[:, None]
    loss, curvature = label_gradients(logits, weight, learning_rate, signs)
    np.matmul(logits[:, None, :], Z, out=dh[:, None, :])
    _apply_cbow_step(
        W,
        contexts,
        n_contexts,
        grad,
        targets.ravel(),
        np.full(n_windows, n_targets),
        logits.ravel(),
        (curvature * row_dots(h, h)[:, None]).ravel(),
        row_dots(curvature, row_dots(Z, Z)),
    )
    return loss


def cbow_path_update(
    W, contexts, n_contexts, nodes, signs, path_lengths, learning_rate, cbow_mean
):
    """Train CBOW with hierarchical softmax on one minibatch, in place.

    Each window's hidden vector is scored against the inner nodes of its
    centre word's Huffman path, taken unpadded: the paths of all windows one
    after the other.

    Parameters
    ----------
    W : ndarray of shape (2, n_rows + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and inner-node vectors ``W[1]``; the last row
        of each is padding.
    contexts : ndarray of shape (n_contexts.sum(),), int
        Context words, window after window.
    n_contexts : ndarray of shape (n_windows,), int
        Number of contexts of each window.
    nodes : ndarray of shape (path_lengths.sum(),), int
        Inner nodes of each window's path, window after window.
    signs : ndarray of shape (path_lengths.sum(),), float32
        ``+1`` for a node of label 1 (code 0), ``-1`` for label 0.
    path_lengths : ndarray of shape (n_windows,), int
        Number of nodes of each window.
    learning_rate : float
        Step size.
    cbow_mean : bool
        Average (True) or sum (False) the context vectors.

    Returns
    -------
    loss : float
        Negative log-likelihood of the minibatch before the update, over the
        windows with at least one context.
    """
    n_windows = len(n_contexts)
    n_components = W.shape[2]
    grad = np.empty((2 * n_windows, n_components), dtype=np.float32)
    h, dh = grad[:n_windows], grad[n_windows:]
    window_hidden(W[0], contexts, n_contexts, cbow_mean, out=h)
    window_of_node = np.repeat(np.arange(n_windows), path_lengths)
    Z = np.take(W[1], nodes, axis=0)
    logits = row_dots(Z, np.take(h, window_of_node, axis=0))[None]
    weight = np.repeat((n_contexts > 0).astype(np.float32), path_lengths)[None]
    loss, curvature = label_gradients(logits, weight, learning_rate, signs[None])
    logits, curvature = logits[0], curvature[0]
    # dh of a window: its nodes' rows weighted by their factors.
    indptr = np.zeros(n_windows + 1, dtype=np.int32)
    np.cumsum(path_lengths, out=indptr[1:])
    segment_sums(indptr, np.arange(len(nodes), dtype=np.int32), logits, Z, out=dh)
    window_curvature = np.zeros(n_windows, dtype=np.float32)
    has_nodes = path_lengths > 0
    window_curvature[has_nodes] = np.add.reduceat(
        curvature * row_dots(Z, Z), indptr[:-1][has_nodes]
    )
    _apply_cbow_step(
        W,
        contexts,
        n_contexts,
        grad,
        nodes,
        path_lengths,
        logits,
        curvature * row_dots(h, h)[window_of_node],
        window_curvature,
    )
    return loss


def _apply_cbow_step(
    W,
    contexts,
    n_contexts,
    grad,
    outputs,
    n_outputs,
    output_factors,
    output_curvature,
    window_curvature,
):
    """Add a CBOW minibatch's damped steps to both matrices, in one scatter.

    ``grad`` holds the hidden vectors ``h`` of the windows, then their
    errors ``dh``. Output row ``outputs[k]`` of window ``j`` (the windows'
    rows one after the other, ``n_outputs[j]`` each) takes
    ``output_factors[k] * h[j]``; every context of window ``j`` takes
    ``dh[j]`` undivided. Each row's summed step is damped by its summed
    curvature (:func:`~sklearn_w2v._sgns.damped_weights`).
    """
    n_rows, n_components = W.shape[1:]
    n_entries = len(outputs)
    rows = np.empty(n_entries + len(contexts), dtype=np.int32)
    np.add(outputs, n_rows, out=rows[:n_entries])
    rows[n_entries:] = contexts
    entry_curvature = np.empty(len(rows), dtype=np.float32)
    entry_curvature[:n_entries] = output_curvature
    entry_curvature[n_entries:] = np.repeat(window_curvature, n_contexts)
    weights = damped_weights(rows, entry_curvature)
    weights[:n_entries] *= output_factors
    counts = np.concatenate([n_outputs, n_contexts])
    scatter_add(W.reshape(-1, n_components), rows, grad, counts=counts, weights=weights)
