"""What the output layers share: logistic loss, gradients, damping, hidden vectors.

Negative sampling and hierarchical softmax both score rows against binary
logistic outputs (the observed word against noise words, or the two branches
at each inner node of a Huffman path); they differ only in which output rows a
window meets and with which labels. The minibatch steps of both, skip-gram's
(:func:`skipgram_logistic_update`) and CBOW's (:func:`cbow_logistic_step`),
are here, with the helpers the full softmax uses too: the damping that keeps a
row's summed step below a Newton step, and CBOW's hidden vectors.
"""

import numpy as np

from ..scatter import scatter_add, segment_sums

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
    >>> from sklearn_w2v._engine.losses.logistic import label_gradients
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


def damped_weights(rows, curvature, row_curvature=None, n_jobs=1, first_shared=0):
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
    row_curvature : ndarray of shape (n_all_rows,), float64, default=None
        If given, each row's summed curvature ``H`` is added to it in place:
        sharded training combines the shards' steps of a row with it.
    n_jobs : int, default=1
        Jobs adding their steps to the same weights at once. Each damps only
        its own steps, and a row frequent enough to be damped gets about as
        much from every job, so ``H`` counts ``n_jobs`` times.
    first_shared : int, default=0
        Only rows from this one on count ``n_jobs`` times; the others damp
        as with one job.

    Returns
    -------
    weights : ndarray of shape (n_entries,), float32

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.losses.logistic import damped_weights
    >>> damped_weights(np.array([0, 0, 1]), np.array([1.0, 3.0, 0.5])).tolist()
    [0.25, 0.25, 1.0]
    """
    total = np.bincount(rows, weights=curvature)
    if row_curvature is not None:
        row_curvature[: len(total)] += total
    if n_jobs > 1:
        total[first_shared:] *= n_jobs
    return (1.0 / np.maximum(total[rows], 1.0)).astype(np.float32)


def context_curvature(window_curvature, n_contexts, cbow_mean):
    """Curvature of each context entry of CBOW windows, for :func:`damped_weights`.

    Every context of a window takes the window's error undivided, so the
    window's hidden vector moves by one step of curvature
    ``window_curvature``. One context's own step moves it by that step times
    its share of the hidden vector: ``1 / n_contexts`` for the mean, all of it
    for the sum. A row is damped by the sum of its own shares: a word that is
    a context of several windows of a minibatch (as every word of a stretch of
    text is, for its neighbours' windows) is not damped as if each window's
    whole step were its own.

    Parameters
    ----------
    window_curvature : ndarray of shape (n_windows,), float32
        Curvature of each window's step on its hidden vector (learning rate
        included).
    n_contexts : ndarray of shape (n_windows,), int
        Number of contexts of each window.
    cbow_mean : bool
        Average (True) or sum (False) the context vectors.

    Returns
    -------
    curvature : ndarray of shape (n_contexts.sum(),), float32

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.losses.logistic import context_curvature
    >>> window_curvature = np.array([0.5, 0.25], dtype=np.float32)
    >>> context_curvature(window_curvature, np.array([2, 1]), True).tolist()
    [0.25, 0.25, 0.25]
    >>> context_curvature(window_curvature, np.array([2, 1]), False).tolist()
    [0.5, 0.5, 0.25]
    """
    if cbow_mean:
        share = np.maximum(n_contexts, 1).astype(np.float32)
        window_curvature = window_curvature / share
    return np.repeat(window_curvature, n_contexts)


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
    >>> from sklearn_w2v._engine.losses.logistic import window_hidden
    >>> W_in = np.arange(6, dtype=np.float32).reshape(3, 2)
    >>> window_hidden(W_in, np.array([0, 1, 2]), np.array([2, 0, 1]), True).tolist()
    [[1.0, 2.0], [0.0, 0.0], [4.0, 5.0]]
    """
    indptr = np.zeros(len(n_contexts) + 1, dtype=np.int32)
    np.cumsum(n_contexts, out=indptr[1:])
    if cbow_mean:
        context_weight = np.repeat(
            (1.0 / np.maximum(n_contexts, 1)).astype(np.float32), n_contexts
        )
    else:
        context_weight = np.ones(len(contexts), dtype=np.float32)
    return segment_sums(indptr, contexts, context_weight, W_in, out=out)


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
    X = np.take(W[0], batch.contexts, axis=0)
    Z = np.take(W[1], targets, axis=0)
    logits = np.empty((len(batch.contexts), n_targets), dtype=np.float32)
    groups = list(batch.groups())
    for n, width, windows, positions in groups:
        np.matmul(
            X[positions].reshape(n, width, n_components),
            Z[windows].transpose(0, 2, 1),
            out=logits[positions].reshape(n, width, n_targets),
        )
    return X, Z, logits, groups


def skipgram_logistic_update(
    W,
    batch,
    targets,
    signs,
    target_weight,
    learning_rate,
    row_curvature=None,
    n_jobs=1,
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
    row_curvature : ndarray of shape (2 * (n_rows + 1),), float64, default=None
        If given, each row's summed curvature is added to it, rows of ``W``
        seen as one matrix (:func:`damped_weights`).
    n_jobs : int, default=1
        Jobs adding their steps to ``W`` at once: the output rows count their
        curvature ``n_jobs`` times (:func:`damped_weights`). The input rows
        do not: a context row is shared between the jobs only as much as its
        word is frequent, while every window of hierarchical softmax meets
        the inner nodes near the root.

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
    window_of_position = batch.window_of_positions()
    weight = target_weight[window_of_position]
    weight *= valid[:, None]
    if len(signs) > 1:
        signs = signs[window_of_position]
    loss, curvature = label_gradients(logits, weight, learning_rate, signs)

    # One gradient block for both matrices, so one scatter serves both.
    grad = np.empty((n_positions + n_windows * n_targets, n_components), np.float32)
    dX = grad[:n_positions]
    dZ = grad[n_positions:].reshape(n_windows, n_targets, n_components)
    entry_curvature = np.empty(len(grad), dtype=np.float32)
    curvature_X = entry_curvature[:n_positions]
    curvature_Z = entry_curvature[n_positions:].reshape(n_windows, n_targets)
    X_norms = np.einsum("ij,ij->i", X, X)
    Z_norms = np.einsum("ijk,ijk->ij", Z, Z)
    for n, width, windows, positions in groups:
        g = logits[positions].reshape(n, width, n_targets)
        c = curvature[positions].reshape(n, width, n_targets)
        X_group = X[positions].reshape(n, width, n_components)
        np.matmul(g, Z[windows], out=dX[positions].reshape(n, width, n_components))
        np.matmul(g.transpose(0, 2, 1), X_group, out=dZ[windows])
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
    scatter_add(
        W.reshape(-1, n_components),
        rows,
        grad,
        weights=damped_weights(
            rows, entry_curvature, row_curvature, n_jobs, first_shared=n_rows
        ),
    )
    return loss


def cbow_logistic_step(
    W,
    contexts,
    n_contexts,
    grad,
    outputs,
    n_outputs,
    output_factors,
    output_curvature,
    window_curvature,
    cbow_mean,
    row_curvature=None,
    n_jobs=1,
):
    """Add in place a CBOW minibatch's damped steps to both matrices, in one scatter.

    ``grad`` holds the hidden vectors ``h`` of the windows, then their
    errors ``dh``. Output row ``outputs[k]`` of window ``j`` (the windows'
    rows one after the other, ``n_outputs[j]`` each) takes
    ``output_factors[k] * h[j]``; every context of window ``j`` takes
    ``dh[j]`` undivided. Each row's summed step is damped by its summed
    curvature (:func:`damped_weights`), which is added to ``row_curvature``
    if given; a context's curvature is its share of its window's
    ``window_curvature`` (:func:`context_curvature`). ``n_jobs`` jobs add
    their steps at once (:func:`damped_weights`).
    """
    n_rows, n_components = W.shape[1:]
    n_entries = len(outputs)
    rows = np.empty(n_entries + len(contexts), dtype=np.int32)
    np.add(outputs, n_rows, out=rows[:n_entries])
    rows[n_entries:] = contexts
    entry_curvature = np.empty(len(rows), dtype=np.float32)
    entry_curvature[:n_entries] = output_curvature
    entry_curvature[n_entries:] = context_curvature(
        window_curvature, n_contexts, cbow_mean
    )
    weights = damped_weights(rows, entry_curvature, row_curvature, n_jobs)
    weights[:n_entries] *= output_factors
    counts = np.concatenate([n_outputs, n_contexts])
    scatter_add(W.reshape(-1, n_components), rows, grad, counts=counts, weights=weights)
