"""Continuous bag of words with negative sampling: the minibatch kernel.

The hidden vector of a window is the mean (or sum) of its context words'
input vectors; it predicts the centre word's output vector against ``K`` noise
words. As in the word2vec C tool and gensim, the error on the hidden vector
is added undivided to every context word's input vector, also when the hidden
vector is a mean. The hidden vectors are one sparse (windows x vocabulary)
product, and the errors return to the context words through the transposed
one.
"""

import numpy as np

from ._scatter import scatter_add, segment_sums
from ._sgns import damped_weights, label_gradients, negative_sampling_layer


def cbow_update(W, contexts, valid, targets, group_sizes, learning_rate, cbow_mean):
    """Train CBOW with negative sampling on one minibatch, in place.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and output vectors ``W[1]``; row ``n_words``
        of each is padding.
    contexts : ndarray of shape (n_slots,), int
        Context word of every slot, windows grouped by span as laid out by
        :func:`~sklearn_w2v._sampling.group_contexts`.
    valid : ndarray of shape (n_slots,), bool
        Whether a slot holds a real context.
    targets : ndarray of shape (n_windows, n_negative + 1), int
        Per window: the centre word, then its noise words. A noise word
        equal to the centre word is skipped.
    group_sizes : ndarray of shape (window,), int
        Number of windows of each span.
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
    return cbow_logistic_update(
        W,
        contexts,
        valid,
        targets,
        *negative_sampling_layer(targets),
        group_sizes,
        learning_rate,
        cbow_mean,
    )


def window_hidden(W_in, contexts, valid, group_sizes, cbow_mean):
    """Hidden vectors of the windows: mean or sum of their contexts' inputs.

    Parameters
    ----------
    W_in : ndarray of shape (n_words + 1, n_components), float32
        Input vectors.
    contexts, valid, group_sizes
        The minibatch layout of :func:`~sklearn_w2v._sampling.group_contexts`.
    cbow_mean : bool
        Average (True) or sum (False).

    Returns
    -------
    h : ndarray of shape (n_windows, n_components), float32
    n_contexts : ndarray of shape (n_windows,), float32
        Valid contexts of each window.
    widths : ndarray of shape (n_windows,), int
        Slots of each window.
    """
    widths = 2 * np.repeat(np.arange(1, len(group_sizes) + 1), group_sizes)
    indptr = np.zeros(len(widths) + 1, dtype=np.int32)
    np.cumsum(widths, out=indptr[1:])
    slot_weight = valid.astype(np.float32)
    n_contexts = np.add.reduceat(slot_weight, indptr[:-1])
    if cbow_mean:
        slot_weight /= np.repeat(np.maximum(n_contexts, 1.0), widths)
    return segment_sums(indptr, contexts, slot_weight, W_in), n_contexts, widths


def cbow_logistic_update(
    W,
    contexts,
    valid,
    targets,
    signs,
    target_weight,
    group_sizes,
    learning_rate,
    cbow_mean,
):
    """Train CBOW with binary logistic outputs on one minibatch, in place.

    Each window's hidden vector is scored against its output rows
    ``targets[j]``: the centre word and noise words (negative sampling) or
    the inner nodes of the centre word's Huffman path (hierarchical
    softmax).

    Parameters
    ----------
    W : ndarray of shape (2, n_rows + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and output vectors ``W[1]``; the last row of
        each is padding.
    contexts, valid, group_sizes
        The minibatch layout of :func:`~sklearn_w2v._sampling.group_contexts`.
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
    n_rows, n_components = W.shape[1:]
    h, n_contexts, widths = window_hidden(W[0], contexts, valid, group_sizes, cbow_mean)

    Z = np.take(W[1], targets, axis=0)
    logits = np.matmul(Z, h[:, :, None])[:, :, 0]
    weight = target_weight * (n_contexts > 0)[:, None]
    loss, curvature = label_gradients(logits, weight, learning_rate, signs)
    dh = np.matmul(logits[:, None, :], Z)[:, 0, :]

    # One scatter for both matrices: output rows take h, input rows take dh.
    slot_weight = valid.astype(np.float32)
    rows = np.concatenate([targets.ravel() + n_rows, contexts])
    h_norms = np.einsum("ij,ij->i", h, h)
    window_curvature = np.einsum("ij,ij->i", curvature, np.einsum("ijk,ijk->ij", Z, Z))
    entry_curvature = np.concatenate(
        [
            (curvature * h_norms[:, None]).ravel(),
            np.repeat(window_curvature, widths) * slot_weight,
        ]
    )
    scatter_add(
        W.reshape(-1, n_components),
        rows,
        np.concatenate([h, dh]),
        sources=np.concatenate(
            [
                np.repeat(np.arange(n_windows), n_targets),
                np.repeat(np.arange(n_windows, 2 * n_windows), widths),
            ]
        ),
        weights=np.concatenate([logits.ravel(), slot_weight])
        * damped_weights(rows, entry_curvature),
    )
    return loss
