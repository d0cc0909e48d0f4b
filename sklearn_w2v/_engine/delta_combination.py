"""How the row deltas of a round's shards combine into one update.

Every shard of a round starts from the same weights and returns the rows it
changed, their deltas and their summed curvature; the rules here merge them
row by row, in shard order, so that the result does not depend on which shard
finished first. Summing them lets a frequent row take ``k`` steps computed
from the same weights, which overshoot; averaging them (SPARK-24666) makes
frequent rows learn ``k`` times slower; Adasum sums what is orthogonal and
averages what agrees; the curvature rule sums the deltas and caps the sum
where the shards' summed curvature says one fit would have stopped short
(see the user guide, :ref:`distributed`).
"""

import numpy as np

#: The rules of :func:`apply_round`.
RULES = ("curvature", "adasum", "average")


def apply_round(W, results, rule):
    """Add in place the combined deltas of a round's results.

    Parameters
    ----------
    W : ndarray of shape (n_rows, n_components), float32
        The weights, updated in place.
    results : list of (rows, delta, curvature)
        Per shard, in shard order: increasing row indices, their deltas and
        their summed curvature over the round.
    rule : {'curvature', 'adasum', 'average'}
        :func:`combine_by_curvature`, :func:`combine_adasum`, or
        :func:`apply_averaged_deltas`.
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}.")
    if rule == "average":
        apply_averaged_deltas(W, [result[:2] for result in results])
    elif results:
        if rule == "curvature":
            rows, delta = combine_by_curvature(results)
        else:
            rows, delta = combine_adasum([result[:2] for result in results])
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


def combine_adasum(results):
    """Combine per-shard row deltas row by row with Adasum, in a fixed pairwise tree.

    Two deltas ``a`` and ``b`` of a row combine into
    ``a + b - (a.b / 2|a|^2) a - (a.b / 2|b|^2) b`` (Maleki et al., 2021): their
    sum when they are orthogonal, their mean when they are equal, the delta
    itself for a row only one shard changed.

    Parameters
    ----------
    results : list of (rows, delta)
        Per shard: increasing row indices and their deltas.

    Returns
    -------
    rows : ndarray of shape (n_changed,), int64
    delta : ndarray of shape (n_changed, n_components), float32

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.delta_combination import combine_adasum
    >>> one = (np.array([0, 1]), np.array([[2.0, 0.0], [2.0, 0.0]], dtype=np.float32))
    >>> two = (np.array([0, 1]), np.array([[0.0, 2.0], [2.0, 0.0]], dtype=np.float32))
    >>> rows, delta = combine_adasum([one, two])
    >>> rows.tolist(), delta.tolist()
    ([0, 1], [[2.0, 2.0], [2.0, 0.0]])
    """
    level = list(results)
    while len(level) > 1:
        pairs = [_adasum_pair(*level[i : i + 2]) for i in range(0, len(level) - 1, 2)]
        level = pairs + level[len(level) - len(level) % 2 :]
    return level[0]


def _adasum_pair(first, second):
    rows = np.union1d(first[0], second[0])
    out = np.zeros((len(rows), first[1].shape[1]), dtype=np.float32)
    a, b = out.copy(), out.copy()
    a[np.searchsorted(rows, first[0])] = first[1]
    b[np.searchsorted(rows, second[0])] = second[1]
    dot = np.einsum("ij,ij->i", a, b, dtype=np.float64)
    # A row absent from one side has a zero there: the other delta passes.
    norm_a = np.maximum(np.einsum("ij,ij->i", a, a, dtype=np.float64), 1e-300)
    norm_b = np.maximum(np.einsum("ij,ij->i", b, b, dtype=np.float64), 1e-300)
    out = a + b
    out -= (dot / (2 * norm_a)).astype(np.float32)[:, None] * a
    out -= (dot / (2 * norm_b)).astype(np.float32)[:, None] * b
    return rows, out


def apply_averaged_deltas(W, results):
    """Add in place each row's deltas divided by the number of shards changing it.

    ``W[rows] += sum_s delta_s[rows] / n(rows)``, ``n`` counting the results
    that hold the row (the per-row averaging of SPARK-24666). Results are
    added in their order, so the weights do not depend on which task ended
    first.

    Parameters
    ----------
    W : ndarray of shape (n_rows, n_components), float32
        The weights, updated in place.
    results : list of (rows, delta)
        Per shard: increasing row indices and their deltas.

    Returns
    -------
    touches : ndarray of shape (n_rows,), int64
        Number of results that changed each row.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.delta_combination import apply_averaged_deltas
    >>> W = np.zeros((3, 1), dtype=np.float32)
    >>> one = (np.array([0, 1]), np.array([[2.0], [2.0]], dtype=np.float32))
    >>> two = (np.array([1]), np.array([[4.0]], dtype=np.float32))
    >>> apply_averaged_deltas(W, [one, two]).tolist(), W.ravel().tolist()
    ([1, 2, 0], [2.0, 3.0, 0.0])
    """
    touches = np.zeros(len(W), dtype=np.int64)
    for rows, _ in results:
        touches[rows] += 1
    scale = 1.0 / np.maximum(touches, 1).astype(np.float32)
    for rows, delta in results:
        # Rows of one result are distinct, so fancy-index addition is exact.
        W[rows] += delta * scale[rows, None]
    return touches
