"""Scatter-add of weighted gradient rows into a weight matrix.

``W[rows] += G`` silently drops all but one update of a repeated row, and
``np.add.at`` is correct but an order of magnitude slower. A minibatch of
word2vec touches frequent words many times, so every kernel accumulates
through :func:`scatter_add`: one sparse matrix with a row per distinct target
row and an entry per contribution, multiplied by the gradient block, sums the
repeats in compiled code.
"""

import numpy as np
import scipy.sparse as sp


def scatter_add(W, rows, G, *, sources=None, weights=None):
    """Add weighted rows of ``G`` to rows of ``W`` in place, summing repeats.

    For every entry ``k``: ``W[rows[k]] += weights[k] * G[sources[k]]``.

    Parameters
    ----------
    W : ndarray of shape (n_rows, n_components)
        Matrix updated in place.
    rows : ndarray of shape (n_entries,), int
        Target row of each entry; repeats accumulate.
    G : ndarray of shape (n_sources, n_components)
        Gradient rows, same dtype as ``W``.
    sources : ndarray of shape (n_entries,), int, default=None
        Row of ``G`` of each entry; ``None`` means ``arange(n_entries)``.
    weights : ndarray of shape (n_entries,), default=None
        Factor of each entry; ``None`` means 1.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._scatter import scatter_add
    >>> W = np.zeros((3, 2), dtype=np.float32)
    >>> scatter_add(W, np.array([1, 1, 2]), np.ones((3, 2), dtype=np.float32))
    >>> W.tolist()
    [[0.0, 0.0], [2.0, 2.0], [1.0, 1.0]]
    """
    n_entries = len(rows)
    if n_entries == 0:
        return
    if sources is None:
        sources = np.arange(n_entries)
    if weights is None:
        weights = np.ones(n_entries, dtype=W.dtype)
    # Distinct rows without sorting: mark them, then number the marks.
    mark = np.zeros(len(W), dtype=bool)
    mark[rows] = True
    targets = np.flatnonzero(mark)
    position = np.empty(len(W), dtype=np.intp)
    position[targets] = np.arange(len(targets))
    S = sp.csr_matrix(
        (weights.astype(W.dtype, copy=False), (position[rows], sources)),
        shape=(len(targets), len(G)),
    )
    W[targets] += S @ G
