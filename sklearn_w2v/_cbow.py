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
from ._sgns import damped_weights, label_gradients, target_weights


def cbow_update(W, contexts, valid, targets, group_sizes, learning_rate, cbow_mean):
    """Train CBOW on one minibatch of windows, updating ``W`` in place.

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
    n_windows, n_targets = targets.shape
    n_words, n_components = W.shape[1:]
    widths = 2 * np.repeat(np.arange(1, len(group_sizes) + 1), group_sizes)
    indptr = np.zeros(n_windows + 1, dtype=np.int32)
    np.cumsum(widths, out=indptr[1:])
    slot_weight = valid.astype(np.float32)
    n_contexts = np.add.reduceat(slot_weight, indptr[:-1])
    mean_weight = slot_weight
    if cbow_mean:
        mean_weight = slot_weight / np.repeat(np.maximum(n_contexts, 1.0), widths)
    h = segment_sums(indptr, contexts, mean_weight, W[0])

    Z = np.take(W[1], targets, axis=0)
    logits = np.matmul(Z, h[:, :, None])[:, :, 0]
    weight = target_weights(targets)
    weight *= (n_contexts > 0)[:, None]
    loss, curvature = label_gradients(logits, weight, learning_rate)
    dh = np.matmul(logits[:, None, :], Z)[:, 0, :]

    # One scatter for both matrices: output rows take h, input rows take dh.
    rows = np.concatenate([targets.ravel() + n_words, contexts])
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
