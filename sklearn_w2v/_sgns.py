"""Skip-gram with negative sampling: the minibatch kernel.

As in the word2vec C tool and gensim, each context word's input vector
predicts the centre word's output vector against noise words. The ``K`` noise
words of a window are shared by all its context words (the "HogBatch" scheme
of Ji et al., 2016), so a window of ``2b`` contexts is one small dense product
``(2b x d) @ (d x (K + 1))`` and windows of equal span are stacked into one
batched product. In expectation the gradient is the one of per-pair negatives.
"""

import numpy as np

from ._sampling import iter_groups
from ._scatter import scatter_add

# Beyond this the float32 sigmoid is 0 or 1 and exp() would overflow.
_MAX_LOGIT = 30.0


def sigmoid(x):
    """Logistic function of a float32 array, computed in place.

    Parameters
    ----------
    x : ndarray, float32
        Logits; overwritten by their sigmoid.

    Returns
    -------
    x : ndarray, float32
        The same array.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._sgns import sigmoid
    >>> sigmoid(np.array([0.0, 100.0], dtype=np.float32)).tolist()
    [0.5, 1.0]
    """
    # 1 / (1 + exp(-x)) in place is ~3x faster than scipy.special.expit.
    np.clip(x, -_MAX_LOGIT, _MAX_LOGIT, out=x)
    np.negative(x, out=x)
    np.exp(x, out=x)
    x += 1.0
    np.reciprocal(x, out=x)
    return x


def label_gradients(logits, weight, learning_rate):
    """Loss and scaled gradient factors of logits whose first column is positive.

    Column 0 of ``logits`` scores the observed word (label 1), the others
    noise words (label 0). Computed in place: on return ``logits`` holds the
    factor ``learning_rate * weight * (label - sigmoid(logit))`` by which each
    logit's gradient direction is scaled.

    Parameters
    ----------
    logits : ndarray of shape (n_rows, n_negative + 1), float32
        Dot products; overwritten by the gradient factors.
    weight : ndarray of shape (n_rows,), float32
        Weight of each row in the loss (0 drops a row).
    learning_rate : float
        Step size.

    Returns
    -------
    loss : float
        ``sum_rows weight * (-log sigmoid(l_0) - sum_k log sigmoid(-l_k))``,
        accumulated in float64.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._sgns import label_gradients
    >>> logits = np.zeros((1, 2), dtype=np.float32)
    >>> loss = label_gradients(logits, np.ones(1, dtype=np.float32), 1.0)
    >>> round(loss, 4), logits.tolist()
    (1.3863, [[0.5, -0.5]])
    """
    # Turn each logit into the probability q of its correct label; the loss
    # is -log q and the factor +-(1 - q).
    logits[:, 1:] *= -1.0
    q = sigmoid(logits)
    loss = -float(np.log(q).sum(axis=1, dtype=np.float64) @ weight)
    np.subtract(1.0, q, out=q)
    q[:, 1:] *= -1.0
    q *= (learning_rate * weight)[:, None]
    return loss


def sgns_update(W, contexts, valid, targets, group_sizes, learning_rate):
    """Train skip-gram on one minibatch of windows, updating ``W`` in place.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32
        Input vectors ``W[0]`` and output vectors ``W[1]``; row ``n_words``
        of each is padding.
    contexts : ndarray of shape (n_slots,), int
        Context word of every slot, windows grouped by span as laid out by
        :func:`~sklearn_w2v._sampling.group_contexts`.
    valid : ndarray of shape (n_slots,), bool
        Whether a slot holds a real context (its gradient is zero otherwise).
    targets : ndarray of shape (n_windows, n_negative + 1), int
        Per window: the centre word, then the noise words shared by its
        contexts.
    group_sizes : ndarray of shape (window,), int
        Number of windows of each span.
    learning_rate : float
        Step size.

    Returns
    -------
    loss : float
        Negative log-likelihood of the minibatch before the update.
    """
    n_slots = len(contexts)
    n_windows, n_targets = targets.shape
    n_components = W.shape[2]
    X = W[0][contexts]
    Z = W[1][targets]

    logits = np.empty((n_slots, n_targets), dtype=np.float32)
    groups = list(iter_groups(group_sizes))
    for n, width, windows, slots in groups:
        np.matmul(
            X[slots].reshape(n, width, n_components),
            Z[windows].transpose(0, 2, 1),
            out=logits[slots].reshape(n, width, n_targets),
        )
    loss = label_gradients(logits, valid.astype(np.float32), learning_rate)

    # One gradient block for both matrices, so one scatter serves both.
    grad = np.empty((n_slots + n_windows * n_targets, n_components), np.float32)
    dX = grad[:n_slots]
    dZ = grad[n_slots:].reshape(n_windows, n_targets, n_components)
    for n, width, windows, slots in groups:
        g = logits[slots].reshape(n, width, n_targets)
        np.matmul(g, Z[windows], out=dX[slots].reshape(n, width, n_components))
        np.matmul(
            g.transpose(0, 2, 1),
            X[slots].reshape(n, width, n_components),
            out=dZ[windows],
        )
    rows = np.concatenate([contexts, targets.ravel() + W.shape[1]])
    scatter_add(W.reshape(-1, n_components), rows, grad)
    return loss
