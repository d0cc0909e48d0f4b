"""How the row deltas of a round's shards combine into one update.

Every shard of a round starts from the same weights and returns the rows it
changed, their deltas and their summed curvature; the rules here merge them
row by row, in shard order, so that the result does not depend on which shard
finished first. Summing them lets a frequent row take ``k`` steps computed
from the same weights, which overshoot; averaging them (SPARK-24666) makes
frequent rows learn ``k`` times slower; the curvature rule sums the deltas
and caps the sum where the shards' summed curvature says one fit would have
stopped short (see the user guide, :ref:`distributed`). Adasum and the
per-row average were measured against it and not kept (see
``docs/benchmarks.rst``).
"""

import numpy as np


def apply_round(W, results):
    """Add in place the deltas of a round's results, combined by curvature.

    Parameters
    ----------
    W : ndarray of shape (n_rows, n_components), float32
        The weights, updated in place.
    results : list of (rows, delta, curvature)
        Per shard, in shard order: increasing row indices, their deltas and
        their summed curvature over the round (see
        :func:`combine_by_curvature`).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.delta_combination import apply_round
    >>> W = np.zeros((3, 1), dtype=np.float32)
    >>> one = (np.array([0, 1]), np.ones((2, 1), np.float32), np.array([0.1, 2.0]))
    >>> apply_round(W, [one, one])
    >>> W.ravel().tolist()
    [2.0, 1.0, 0.0]
    """
    if results:
        rows, delta = combine_by_curvature(results)
        # Combined rows are distinct: fancy-index addition is exact.
        W[rows] += delta


def combine_by_curvature(results):
    """Sum per-shard row deltas, capped by the shards' summed curvature.

    A row whose summed curvature over a round is ``H`` covers about
    ``min(H, 1)`` of the way to its optimum along its steps (Newton's step
    has ``H = 1``, and each minibatch caps a row's step there). Shards that
    start from the same weights and each cover ``min(H_s, 1)`` would, one
    after the other, cover ``min(sum H_s, 1)``; so the sum of their deltas is
    scaled by ``min(sum H_s, 1) / sum min(H_s, 1)``. A row of a rare word
    (small ``H`` everywhere) takes the plain sum, as if the shards had run one
    after the other; a row every shard saturates (``H_s >= 1``) takes the
    mean; the rows between take what their curvature says.

    Parameters
    ----------
    results : list of (rows, delta, curvature)
        Per shard: increasing row indices, their deltas and their summed
        curvature over the round.

    Returns
    -------
    rows : ndarray of shape (n_changed,), int64
    delta : ndarray of shape (n_changed, n_components), float32

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.delta_combination import combine_by_curvature
    >>> one = (np.array([0, 1]), np.ones((2, 1), np.float32), np.array([0.1, 2.0]))
    >>> two = (np.array([0, 1]), np.ones((2, 1), np.float32), np.array([0.1, 2.0]))
    >>> rows, delta = combine_by_curvature([one, two])
    >>> rows.tolist(), delta.ravel().round(3).tolist()
    ([0, 1], [2.0, 1.0])
    """
    rows = np.unique(np.concatenate([result[0] for result in results]))
    n_components = results[0][1].shape[1]
    delta = np.zeros((len(rows), n_components), dtype=np.float32)
    curvature = np.zeros(len(rows))
    progress = np.zeros(len(rows))
    for shard_rows, shard_delta, shard_curvature in results:
        at = np.searchsorted(rows, shard_rows)
        # Rows of one result are distinct, so fancy-index addition is exact.
        delta[at] += shard_delta
        curvature[at] += shard_curvature
        progress[at] += np.minimum(shard_curvature, 1.0)
    # A row with no recorded curvature takes the plain sum.
    scale = np.minimum(curvature, 1.0) / np.where(progress > 0, progress, 1.0)
    scale[progress == 0] = 1.0
    delta *= scale.astype(np.float32)[:, None]
    return rows, delta
