"""What negative sampling and hierarchical softmax share: binary logistic outputs.

Both score rows against binary logistic outputs (the observed word against
noise words, or the two branches at each inner node of a Huffman path); they
differ only in which output rows a window meets and with which labels. Their
minibatch steps are here: skip-gram's (:func:`skipgram_logistic_update`) and
the scatter that ends CBOW's (:func:`cbow_logistic_step`).

Index arithmetic: ``W`` has shape ``(2, n_rows, n_components)``; seen as one
``(2 * n_rows, n_components)`` matrix, row ``r`` of ``W[1]`` is row
``n_rows + r``. Both steps add the gradients of both matrices in one scatter
over that flat matrix, so output rows are offset by ``n_rows``.
"""

import dataclasses

import numpy as np

from ..hooks import timed
from ..scatter import scatter_add
from .base import NO_DAMPING, context_curvature, damped_weights

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
    >>> from sklearn_w2v._engine.losses.logistic import sigmoid
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
    >>> from sklearn_w2v._engine.losses.logistic import row_dots
    >>> row_dots(np.ones((2, 3)), np.arange(3.0)).tolist()
    [3.0, 3.0]
    """
    if _vecdot is not None:
        return _vecdot(a, b)
    return np.einsum("...k,...k->...", a, b)  # pragma: no cover (NumPy < 2)


def label_gradients(logits, weight, learning_rate, signs=None):
    """Loss, gradient factors and curvatures of binary logistic outputs.

    Each logit scores one output unit with label 1 (sign +1) or 0 (sign -1).
    Computed in place, to save a buffer: on return ``logits`` holds the
    factor ``learning_rate * weight * (label - sigmoid(logit))`` by which each
    logit's gradient direction is scaled, and is returned as ``factors``.

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
    factors : ndarray of shape (n_rows, n_targets), float32
        ``logits`` itself, overwritten: name it so, for the caller.
    curvature : ndarray of shape (n_rows, n_targets), float32
        ``learning_rate * weight * sigmoid * (1 - sigmoid)``: times the
        squared norm of the other vector, the step's size relative to the
        one-dimensional Newton step.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.losses.logistic import label_gradients
    >>> logits = np.zeros((1, 2), dtype=np.float32)
    >>> loss, factors, curvature = label_gradients(
    ...     logits, np.ones((1, 2), np.float32), 1.0
    ... )
    >>> round(loss, 4), factors.tolist(), curvature.tolist()
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
    return loss, q, curvature


def skipgram_logits(W, batch, targets):
    """Gathered rows and logits of a skip-gram minibatch with logistic outputs.

    Every context position is scored against the output rows of its window,
    one batched matrix product per span group.

    Parameters
    ----------
    W : ndarray of shape (2, n_rows + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and output vectors ``W[1]``.
    batch : SkipgramBatch
        Context words of the windows, grouped by span.
    targets : ndarray of shape (n_windows, n_targets), int
        Output rows of each window.

    Returns
    -------
    X : ndarray of shape (n_positions, n_components), float32
        Input rows of the context positions.
    Z : ndarray of shape (n_windows, n_targets, n_components), float32
        Output rows of each window.
    logits : ndarray of shape (n_positions, n_targets), float32
        Dot product of each position's input row with its window's output rows.
    groups : list of tuple
        The span groups of ``batch.groups()``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.layout import group_contexts
    >>> from sklearn_w2v._engine.losses.logistic import skipgram_logits
    >>> batch = group_contexts(np.array([2, 0, 1, 2], dtype=np.int32),
    ...                        np.array([-1, 0, 0, -1], dtype=np.int32),
    ...                        np.array([1, 1]), 1)
    >>> W = np.ones((2, 3, 2), dtype=np.float32)
    >>> W[0] = [[1, 2], [3, 4], [0, 0]]  # row 2 is padding
    >>> X, Z, logits, groups = skipgram_logits(W, batch, np.array([[1], [0]]))
    >>> batch.contexts.tolist(), logits.ravel().tolist()
    ([2, 1, 0, 2], [0.0, 7.0, 3.0, 0.0])
    """
    n_components = W.shape[2]
    n_targets = targets.shape[1]
    with timed("gather ctx"):
        X = np.take(W[0], batch.contexts, axis=0)
    with timed("gather out"):
        Z = np.take(W[1], targets, axis=0)
    logits = np.empty((len(batch.contexts), n_targets), dtype=np.float32)
    groups = list(batch.groups())
    # A span group's positions are n windows of `width` consecutive positions,
    # so its rows of X and logits reshape to (n, width, .) without copying,
    # and each window's `width` contexts meet the same n_targets rows of Z.
    for n, width, windows, positions in groups:
        np.matmul(
            X[positions].reshape(n, width, n_components),
            Z[windows].transpose(0, 2, 1),
            out=logits[positions].reshape(n, width, n_targets),
        )
    return X, Z, logits, groups


def skipgram_logistic_update(
    W, batch, *, targets, signs, target_weight, learning_rate, damping=NO_DAMPING
):
    """Train skip-gram with binary logistic outputs on one minibatch, in place.

    Every valid context word's input vector is scored against the output
    rows ``targets[j]`` of its window ``j``: the center word and noise words
    (negative sampling), or the inner nodes of the center word's Huffman path
    (hierarchical softmax). The rows of a window are shared by all its
    contexts, so windows of equal span form one batched matrix product.

    Parameters
    ----------
    W : ndarray of shape (2, n_rows + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and output vectors ``W[1]``; the last row of
        each is padding.
    batch : SkipgramBatch
        Context words of the windows, grouped by span; its ``centers`` are
        not read (``targets`` stand for them).
    targets : ndarray of shape (n_windows, n_targets), int
        Output rows of each window.
    signs : ndarray of shape (n_windows, n_targets) or (1, n_targets), float32
        ``+1`` for a target of label 1, ``-1`` for label 0; one row serves
        all windows.
    target_weight : ndarray of shape (n_windows, n_targets), float32
        0 for a target to skip (padding, a noise word equal to the center).
    learning_rate : float
        Step size.
    damping : Damping, default=NO_DAMPING
        Parallel jobs and the curvature record
        (:func:`~sklearn_w2v._engine.losses.base.damped_weights`). Only the
        output rows count their curvature ``n_jobs`` times: a context row is
        shared between the jobs only as much as its word is frequent, while
        every window of hierarchical softmax meets the inner nodes near the
        root.

    Returns
    -------
    loss : float
        Negative log-likelihood of the minibatch before the update.
    """
    contexts, valid = batch.contexts, batch.valid
    n_positions = len(contexts)
    n_windows, n_targets = targets.shape
    n_rows, n_components = W.shape[1:]
    X, Z, logits, groups = skipgram_logits(W, batch, targets)
    # Per-window arrays indexed by window_of_position become per-position.
    window_of_position = batch.window_of_positions()
    weight = target_weight[window_of_position]
    weight *= valid[:, None]
    if len(signs) > 1:
        signs = signs[window_of_position]
    loss, factors, curvature = label_gradients(logits, weight, learning_rate, signs)

    # One gradient block for both matrices, so one scatter serves both: its
    # first n_positions rows are the contexts' (dX), then n_targets rows per
    # window for the output rows (dZ), in the order of rows below.
    grad = np.empty((n_positions + n_windows * n_targets, n_components), np.float32)
    dX = grad[:n_positions]
    dZ = grad[n_positions:].reshape(n_windows, n_targets, n_components)
    entry_curvature = np.empty(len(grad), dtype=np.float32)
    curvature_X = entry_curvature[:n_positions]
    curvature_Z = entry_curvature[n_positions:].reshape(n_windows, n_targets)
    X_norms = np.einsum("ij,ij->i", X, X)
    Z_norms = np.einsum("ijk,ijk->ij", Z, Z)
    for n, width, windows, positions in groups:
        g = factors[positions].reshape(n, width, n_targets)
        c = curvature[positions].reshape(n, width, n_targets)
        X_group = X[positions].reshape(n, width, n_components)
        np.matmul(g, Z[windows], out=dX[positions].reshape(n, width, n_components))
        # An output row sums the factors of all the contexts of its window.
        np.matmul(g.transpose(0, 2, 1), X_group, out=dZ[windows])
        # Curvature of an entry: its factor's curvature times the squared
        # norm of the vector on the other side, summed the same way.
        np.matmul(
            c,
            Z_norms[windows, :, None],
            out=curvature_X[positions].reshape(n, width, 1),
        )
        np.matmul(
            c.transpose(0, 2, 1),
            X_norms[positions].reshape(n, width, 1),
            out=curvature_Z[windows, :, None],
        )
    rows = np.concatenate([contexts, targets.ravel() + n_rows])
    weights = damped_weights(rows, entry_curvature, _sharing_from(damping, n_rows))
    scatter_add(W.reshape(-1, n_components), rows, grad, weights=weights)
    return loss


def _sharing_from(damping, first_shared):
    """``damping`` with its jobs sharing only the rows from ``first_shared`` on."""
    if damping.n_jobs == 1 or damping.first_shared == first_shared:
        return damping
    return dataclasses.replace(damping, first_shared=first_shared)


def cbow_logistic_step(
    W,
    *,
    contexts,
    n_contexts,
    grad,
    outputs,
    n_outputs,
    output_factors,
    output_curvature,
    window_curvature,
    cbow_mean,
    damping=NO_DAMPING,
):
    """Add in place a CBOW minibatch's damped steps to both matrices, in one scatter.

    Parameters
    ----------
    W : ndarray of shape (2, n_rows, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and output vectors ``W[1]``.
    contexts : ndarray of shape (n_contexts.sum(),), int
        Context words, window after window.
    n_contexts : ndarray of shape (n_windows,), int
        Number of contexts of each window.
    grad : ndarray of shape (2 * n_windows, n_components), float32
        The hidden vectors ``h`` of the windows, then their errors ``dh``.
    outputs : ndarray of shape (n_outputs.sum(),), int
        Output rows (of ``W[1]``) of the windows, window after window.
    n_outputs : ndarray of shape (n_windows,), int
        Number of output rows of each window.
    output_factors : ndarray of shape (n_outputs.sum(),), float32
        Output row ``outputs[k]`` of window ``j`` takes
        ``output_factors[k] * h[j]``.
    output_curvature : ndarray of shape (n_outputs.sum(),), float32
        Curvature of each output entry.
    window_curvature : ndarray of shape (n_windows,), float32
        Curvature of each window's step on its hidden vector; its contexts'
        shares are their curvature
        (:func:`~sklearn_w2v._engine.losses.base.context_curvature`).
    cbow_mean : bool
        Average (True) or sum (False) the context vectors.
    damping : Damping, default=NO_DAMPING
        See :func:`~sklearn_w2v._engine.losses.base.damped_weights`.

    Notes
    -----
    Every context of window ``j`` takes ``dh[j]`` undivided, as in the
    word2vec C tool and gensim, also when ``h`` is a mean.
    """
    n_rows, n_components = W.shape[1:]
    n_entries = len(outputs)
    # Entries in the order of grad's rows: the output entries (which take
    # h, n_outputs[j] of them for window j), then the contexts (which take
    # dh, n_contexts[j] for window j); output rows offset into W[1].
    rows = np.empty(n_entries + len(contexts), dtype=np.int32)
    np.add(outputs, n_rows, out=rows[:n_entries])
    rows[n_entries:] = contexts
    entry_curvature = np.empty(len(rows), dtype=np.float32)
    entry_curvature[:n_entries] = output_curvature
    entry_curvature[n_entries:] = context_curvature(
        window_curvature, n_contexts, cbow_mean
    )
    weights = damped_weights(rows, entry_curvature, damping)
    weights[:n_entries] *= output_factors
    counts = np.concatenate([n_outputs, n_contexts])
    scatter_add(W.reshape(-1, n_components), rows, grad, counts=counts, weights=weights)
