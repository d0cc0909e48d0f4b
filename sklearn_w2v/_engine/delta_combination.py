"""How the row deltas of the shards combine into one update.

Every shard's replica starts from the same agreed weights and sends, for a
range of rows, the rows it changed, their deltas and their summed curvature;
the rule here merges them row by row, in shard order, so that every process
that combines the same messages gets the same result. Summing them lets a
frequent row take ``k`` steps computed from the same weights, which
overshoot; averaging them (SPARK-24666) makes frequent rows learn ``k``
times slower; the curvature rule sums the deltas and caps the sum where the
shards' summed curvature says one fit would have stopped short (see the user
guide, :ref:`distributed`). Adasum and the per-row average were measured
against it and not kept (see ``docs/benchmarks.rst``).
"""

import numpy as np


def combine_ranges(parts, n_rows):
    """Sum per-shard row deltas in a range of rows, capped by their summed curvature.

    A row whose summed curvature since it was last agreed is ``H`` covers
    about ``min(H, 1)`` of the way to its optimum along its steps (Newton's
    step has ``H = 1``, and each minibatch caps a row's step there). Shards
    that start from the same weights and each cover ``min(H_s, 1)`` would,
    one after the other, cover ``min(sum H_s, 1)``; so the sum of their
    deltas is scaled by ``min(sum H_s, 1) / sum min(H_s, 1)``. A row of a
    rare word (small ``H`` everywhere) takes the plain sum, as if the shards
    had run one after the other; a row every shard saturates (``H_s >= 1``)
    takes the mean; the rows between take what their curvature says.

    Parameters
    ----------
    parts : list of (rows, delta, curvature)
        Per shard, in shard order: increasing rows counted from the range's
        start, their deltas (float32) and their summed curvature.
    n_rows : int
        Rows of the range.

    Returns
    -------
    rows : ndarray of int64
        The rows some shard changed, increasing.
    delta : ndarray of shape (len(rows), n_components), float32
        Their combined delta.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.delta_combination import combine_ranges
    >>> one = (np.array([0, 1]), np.ones((2, 1), np.float32), np.array([0.1, 2.0]))
    >>> rows, delta = combine_ranges([one, one], 3)
    >>> rows.tolist(), delta.ravel().round(3).tolist()
    ([0, 1], [2.0, 1.0])
    """
    if all(len(rows) == n_rows for rows, _, _ in parts):
        return _combine_dense(parts, n_rows)
    n_components = parts[0][1].shape[1]
    delta = np.zeros((n_rows, n_components), dtype=np.float32)
    curvature, progress = np.zeros(n_rows), np.zeros(n_rows)
    touched = np.zeros(n_rows, dtype=bool)
    for rows, shard_delta, shard_curvature in parts:
        if len(rows) == n_rows:  # every row: no indexing
            delta += shard_delta
            rows = slice(None)
        else:
            # Rows of one shard are distinct, so fancy-index addition is exact.
            delta[rows] += shard_delta
        curvature[rows] += shard_curvature
        progress[rows] += np.minimum(shard_curvature, 1.0)
        touched[rows] = True
    rows = np.flatnonzero(touched)
    if len(rows) < n_rows:
        delta, curvature, progress = delta[rows], curvature[rows], progress[rows]
    return rows, _scaled(delta, curvature, progress)


def _combine_dense(parts, n_rows):
    """:func:`combine_ranges` of parts that each hold every row of the range."""
    delta = parts[0][1].copy()
    curvature = parts[0][2].astype(np.float64)
    progress = np.minimum(curvature, 1.0)
    for _, shard_delta, shard_curvature in parts[1:]:
        delta += shard_delta
        curvature += shard_curvature
        progress += np.minimum(shard_curvature, 1.0)
    return np.arange(n_rows), _scaled(delta, curvature, progress)


def _scaled(delta, curvature, progress):
    """``delta`` scaled in place by ``min(curvature, 1) / progress`` per row."""
    # A row with no recorded curvature takes the plain sum.
    scale = np.minimum(curvature, 1.0) / np.where(progress > 0, progress, 1.0)
    scale[progress == 0] = 1.0
    delta *= scale.astype(np.float32)[:, None]
    return delta
