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
    signs = _label_signs(targets.shape[1])
    if target_weight is None:
        target_weight = negative_sampling_layer(targets)[1]
    block = (slice(None), targets, signs, target_weight)
    return cbow_logistic_update(
        W, contexts, n_contexts, [block], learning_rate, cbow_mean
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


def cbow_logistic_update(W, contexts, n_contexts, blocks, learning_rate, cbow_mean):
    """Train CBOW with binary logistic outputs on one minibatch, in place.

    Each window's hidden vector is scored against its output rows: the
    centre word and noise words (negative sampling) or the inner nodes of
    the centre word's Huffman path (hierarchical softmax). Windows whose
    numbers of output rows differ come in blocks, each padded to its own
    longest row list; the hidden vectors, the damping and the scatter-add
    are shared by all blocks.

    Parameters
    ----------
    W : ndarray of shape (2, n_rows + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and output vectors ``W[1]``; the last row of
        each is padding.
    contexts : ndarray of shape (n_contexts.sum(),), int
        Context words, window after window.
    n_contexts : ndarray of shape (n_windows,), int
        Number of contexts of each window.
    blocks : list of (windows, targets, signs, target_weight)
        Disjoint groups of windows covering all of them: ``windows`` a slice
        or an index array into the windows; ``targets`` of shape
        ``(n_block, n_targets)``, the output rows of each; ``signs``, of
        shape ``(n_block, n_targets)`` or ``(1, n_targets)``, ``+1`` for a
        target of label 1 and ``-1`` for label 0; ``target_weight``, of
        shape ``(n_block, n_targets)``, 0 for a target to skip.
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
    n_rows, n_components = W.shape[1:]
    n_outputs = sum(targets.size for _, targets, _, _ in blocks)
    block_sizes = [len(targets) for _, targets, _, _ in blocks]
    # One gradient block for both matrices, so one scatter serves both:
    # output rows take the hidden vectors of their windows, block by block,
    # and input rows the errors of theirs.
    grad = np.empty((sum(block_sizes) + n_windows, n_components), dtype=np.float32)
    dh = grad[-n_windows:] if n_windows else grad[:0]
    single = len(blocks) == 1 and blocks[0][0] == slice(None)
    h = window_hidden(
        W[0], contexts, n_contexts, cbow_mean, out=grad[:n_windows] if single else None
    )
    has_contexts = n_contexts > 0

    rows = np.empty(n_outputs + len(contexts), dtype=np.int32)
    entry_curvature = np.empty(len(rows), dtype=np.float32)
    output_weights = np.empty(n_outputs, dtype=np.float32)
    window_curvature = np.empty(n_windows, dtype=np.float32)
    counts = np.empty(len(grad), dtype=np.intp)
    loss = 0.0
    entry = source = 0
    for (windows, targets, signs, target_weight), n_block in zip(
        blocks, block_sizes, strict=True
    ):
        n_targets = targets.shape[1]
        block_entries = slice(entry, entry + n_block * n_targets)
        block_h = h if single else h[windows]
        if not single:
            grad[source : source + n_block] = block_h
        Z = np.take(W[1], targets, axis=0)
        logits = row_dots(Z, block_h[:, None, :])
        weight = target_weight * has_contexts[windows, None]
        block_loss, curvature = label_gradients(logits, weight, learning_rate, signs)
        loss += block_loss
        if single:
            np.matmul(logits[:, None, :], Z, out=dh[:, None, :])
        else:
            dh[windows] = np.matmul(logits[:, None, :], Z)[:, 0, :]
        np.add(targets.ravel(), n_rows, out=rows[block_entries])
        np.multiply(
            curvature,
            row_dots(block_h, block_h)[:, None],
            out=entry_curvature[block_entries].reshape(n_block, n_targets),
        )
        window_curvature[windows] = row_dots(curvature, row_dots(Z, Z))
        output_weights[block_entries] = logits.ravel()
        counts[source : source + n_block] = n_targets
        entry += n_block * n_targets
        source += n_block

    rows[n_outputs:] = contexts
    entry_curvature[n_outputs:] = np.repeat(window_curvature, n_contexts)
    counts[source:] = n_contexts
    weights = damped_weights(rows, entry_curvature)
    weights[:n_outputs] *= output_weights
    scatter_add(W.reshape(-1, n_components), rows, grad, counts=counts, weights=weights)
    return loss
