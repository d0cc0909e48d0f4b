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

# The compiled row-by-row dot product of NumPy >= 2.0, faster than einsum.
_vecdot = getattr(np, "vecdot", None)

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


def row_dots(a, b):
    """Dot products along the last axis, broadcasting the others.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._sgns import row_dots
    >>> row_dots(np.ones((2, 3)), np.arange(3.0)).tolist()
    [3.0, 3.0]
    """
    if _vecdot is not None:
        return _vecdot(a, b)
    return np.einsum("...k,...k->...", a, b)  # pragma: no cover (NumPy < 2)


def label_gradients(logits, weight, learning_rate, signs=None):
    """Loss, gradient factors and curvatures of binary logistic outputs.

    Each logit scores one output unit with label 1 (sign +1) or 0 (sign -1).
    Computed in place: on return ``logits`` holds the factor
    ``learning_rate * weight * (label - sigmoid(logit))`` by which each
    logit's gradient direction is scaled.

    Parameters
    ----------
    logits : ndarray of shape (n_rows, n_targets), float32
        Dot products; overwritten by the gradient factors.
    weight : ndarray of shape (n_rows, n_targets), float32
        Weight of each logit in the loss (0 drops it).
    learning_rate : float
        Step size.
    signs : ndarray broadcastable to ``logits``, float32, default=None
        ``+1`` where the label is 1, ``-1`` where it is 0. ``None`` means
        negative sampling: column 0 is the observed word, the others noise.

    Returns
    -------
    loss : float
        ``sum weight * -log(sigmoid(sign * logit))``, accumulated in float64.
    curvature : ndarray of shape (n_rows, n_targets), float32
        ``learning_rate * weight * sigmoid * (1 - sigmoid)``: times the
        squared norm of the other vector, the step's size relative to the
        one-dimensional Newton step.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._sgns import label_gradients
    >>> logits = np.zeros((1, 2), dtype=np.float32)
    >>> loss, curvature = label_gradients(logits, np.ones((1, 2), np.float32), 1.0)
    >>> round(loss, 4), logits.tolist(), curvature.tolist()
    (1.3863, [[0.5, -0.5]], [[0.25, 0.25]])
    """
    # Turn each logit into the probability q of its correct label; the loss
    # is -log q and the factor sign * (1 - q).
    if signs is None:
        logits[:, 1:] *= -1.0
    else:
        logits *= signs
    q = sigmoid(logits)
    loss = -float(np.vdot(np.log(q), weight))
    weight = weight * np.float32(learning_rate)
    curvature = q * weight
    np.subtract(1.0, q, out=q)
    curvature *= q
    q *= weight
    if signs is None:
        q[:, 1:] *= -1.0
    else:
        q *= signs
    return loss, curvature


def damped_weights(rows, curvature):
    """Per-entry factors that keep each row's summed step below a Newton step.

    A minibatch sums all updates of a row computed from the same weights. For
    a frequent word the sum can overshoot where word-by-word updates would
    have saturated; each row's update is divided by ``max(1, H)``, ``H`` the
    summed curvature of its entries (Newton's step has ``H = 1``). Rows of
    rare words, with ``H`` far below 1, are untouched.

    Parameters
    ----------
    rows : ndarray of shape (n_entries,), int
        Target row of each entry.
    curvature : ndarray of shape (n_entries,), float32
        Curvature of each entry (learning rate included).

    Returns
    -------
    weights : ndarray of shape (n_entries,), float32

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._sgns import damped_weights
    >>> damped_weights(np.array([0, 0, 1]), np.array([1.0, 3.0, 0.5])).tolist()
    [0.25, 0.25, 1.0]
    """
    total = np.bincount(rows, weights=curvature)[rows]
    return (1.0 / np.maximum(total, 1.0)).astype(np.float32)


def window_of_slots(group_sizes):
    """Window index of every context slot laid out by span groups.

    Examples
    --------
    >>> from sklearn_w2v._sgns import window_of_slots
    >>> window_of_slots([1, 1]).tolist()
    [0, 0, 1, 1, 1, 1]
    """
    spans = np.repeat(np.arange(1, len(group_sizes) + 1), group_sizes)
    return np.repeat(np.arange(len(spans)), 2 * spans)


def negative_sampling_layer(targets):
    """Signs and weights of negative-sampling targets.

    Column 0 (the observed word) has label 1, the noise words label 0. A
    noise word equal to its centre word gets weight 0: the word2vec C tool
    and gensim skip such draws.

    Parameters
    ----------
    targets : ndarray of shape (n_windows, n_negative + 1), int
        Centre word, then noise words, of each window.

    Returns
    -------
    signs : ndarray of shape (1, n_negative + 1), float32
        The same for every window.
    weights : ndarray of shape (n_windows, n_negative + 1), float32

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._sgns import negative_sampling_layer
    >>> signs, weights = negative_sampling_layer(np.array([[3, 3, 4]]))
    >>> signs.tolist(), weights.tolist()
    ([[1.0, -1.0, -1.0]], [[1.0, 0.0, 1.0]])
    """
    signs = np.full((1, targets.shape[1]), -1.0, dtype=np.float32)
    signs[0, 0] = 1.0
    weights = np.ones(targets.shape, dtype=np.float32)
    weights[:, 1:] = targets[:, 1:] != targets[:, :1]
    return signs, weights


def sgns_update(W, contexts, valid, targets, group_sizes, learning_rate):
    """Train skip-gram with negative sampling on one minibatch, in place.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and output vectors ``W[1]``; row ``n_words``
        of each is padding.
    contexts : ndarray of shape (n_slots,), int
        Context word of every slot, windows grouped by span as laid out by
        :func:`~sklearn_w2v._sampling.group_contexts`.
    valid : ndarray of shape (n_slots,), bool
        Whether a slot holds a real context (its gradient is zero otherwise).
    targets : ndarray of shape (n_windows, n_negative + 1), int
        Per window: the centre word, then the noise words shared by its
        contexts. A noise word equal to the centre word is skipped.
    group_sizes : ndarray of shape (window,), int
        Number of windows of each span.
    learning_rate : float
        Step size.

    Returns
    -------
    loss : float
        Negative log-likelihood of the minibatch before the update.
    """
    return skipgram_update(
        W,
        contexts,
        valid,
        targets,
        *negative_sampling_layer(targets),
        group_sizes,
        learning_rate,
    )


def skipgram_update(
    W, contexts, valid, targets, signs, target_weight, group_sizes, learning_rate
):
    """Train skip-gram with binary logistic outputs on one minibatch, in place.

    Every valid context word's input vector is scored against the output
    rows ``targets[j]`` of its window ``j``: the centre word and noise words
    (negative sampling), or the inner nodes of the centre word's Huffman path
    (hierarchical softmax). The rows of a window are shared by all its
    contexts, so windows of equal span form one batched matrix product.

    Parameters
    ----------
    W : ndarray of shape (2, n_rows + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and output vectors ``W[1]``; the last row of
        each is padding.
    contexts : ndarray of shape (n_slots,), int
        Context word of every slot, windows grouped by span.
    valid : ndarray of shape (n_slots,), bool
        Whether a slot holds a real context.
    targets : ndarray of shape (n_windows, n_targets), int
        Output rows of each window.
    signs : ndarray of shape (n_windows, n_targets) or (1, n_targets), float32
        ``+1`` for a target of label 1, ``-1`` for label 0; one row serves
        all windows.
    target_weight : ndarray of shape (n_windows, n_targets), float32
        0 for a target to skip (padding, a noise word equal to the centre).
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
    n_rows, n_components = W.shape[1:]
    X = np.take(W[0], contexts, axis=0)
    Z = np.take(W[1], targets, axis=0)

    logits = np.empty((n_slots, n_targets), dtype=np.float32)
    groups = list(iter_groups(group_sizes))
    for n, width, windows, slots in groups:
        np.matmul(
            X[slots].reshape(n, width, n_components),
            Z[windows].transpose(0, 2, 1),
            out=logits[slots].reshape(n, width, n_targets),
        )
    window_of_slot = window_of_slots(group_sizes)
    weight = target_weight[window_of_slot]
    weight *= valid[:, None]
    if len(signs) > 1:
        signs = signs[window_of_slot]
    loss, curvature = label_gradients(logits, weight, learning_rate, signs)

    # One gradient block for both matrices, so one scatter serves both.
    grad = np.empty((n_slots + n_windows * n_targets, n_components), np.float32)
    dX = grad[:n_slots]
    dZ = grad[n_slots:].reshape(n_windows, n_targets, n_components)
    entry_curvature = np.empty(len(grad), dtype=np.float32)
    curvature_X = entry_curvature[:n_slots]
    curvature_Z = entry_curvature[n_slots:].reshape(n_windows, n_targets)
    X_norms = np.einsum("ij,ij->i", X, X)
    Z_norms = np.einsum("ijk,ijk->ij", Z, Z)
    for n, width, windows, slots in groups:
        g = logits[slots].reshape(n, width, n_targets)
        c = curvature[slots].reshape(n, width, n_targets)
        X_group = X[slots].reshape(n, width, n_components)
        np.matmul(g, Z[windows], out=dX[slots].reshape(n, width, n_components))
        np.matmul(g.transpose(0, 2, 1), X_group, out=dZ[windows])
        np.matmul(
            c, Z_norms[windows, :, None], out=curvature_X[slots].reshape(n, width, 1)
        )
        np.matmul(
            c.transpose(0, 2, 1),
            X_norms[slots].reshape(n, width, 1),
            out=curvature_Z[windows, :, None],
        )
    rows = np.concatenate([contexts, targets.ravel() + n_rows])
    scatter_add(
        W.reshape(-1, n_components),
        rows,
        grad,
        weights=damped_weights(rows, entry_curvature),
    )
    return loss
