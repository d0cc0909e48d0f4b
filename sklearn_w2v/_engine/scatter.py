"""Scatter-add of weighted gradient rows into a weight matrix.

``W[rows] += G`` silently drops all but one update of a repeated row, and
``np.add.at`` is correct but two orders of magnitude slower. A minibatch of
word2vec touches frequent words many times, so every kernel accumulates
through :func:`scatter_add`: the contributions form a sparse matrix in
compressed-column form (one column per gradient row, one entry per target
row), and SciPy's compiled sparse-times-dense kernel adds ``S @ G`` to ``W``,
summing repeats as it goes.
"""

import numpy as np
import scipy.sparse as sp

from .hooks import timed

try:
    # SciPy's compiled kernel accumulates into W itself, with the GIL released:
    # no compaction, no temporary of W's rows. Private, hence the fallback.
    from scipy.sparse._sparsetools import csc_matvecs as _csc_matvecs
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover
    _csc_matvecs = _csr_matvecs = None


def segment_sums(indptr, columns, weights, W, out=None):
    """Weighted sums of rows of ``W``, one per segment, without gathering them.

    Segment ``j`` is ``sum_k weights[k] * W[columns[k]]`` for ``k`` in
    ``indptr[j]:indptr[j + 1]``: the product of a CSR matrix with ``W``.

    Parameters
    ----------
    indptr : ndarray of shape (n_segments + 1,), int32
        Segment boundaries.
    columns : ndarray of shape (n_entries,), int32
        Row of ``W`` of each entry.
    weights : ndarray of shape (n_entries,)
        Factor of each entry.
    W : ndarray of shape (n_rows, n_components), C-contiguous
        Rows to sum.
    out : ndarray of shape (n_segments, n_components), C-contiguous, default=None
        Where to write the sums (overwritten).

    Returns
    -------
    sums : ndarray of shape (n_segments, n_components), dtype of ``W``

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.scatter import segment_sums
    >>> W = np.arange(6, dtype=np.float32).reshape(3, 2)
    >>> segment_sums(np.array([0, 2, 3]), np.array([0, 2, 1]),
    ...              np.array([1.0, 0.5, 2.0], dtype=np.float32), W).tolist()
    [[2.0, 3.5], [4.0, 6.0]]
    """
    n_segments = len(indptr) - 1
    weights = weights.astype(W.dtype, copy=False)
    if out is None:
        out = np.empty((n_segments, W.shape[1]), dtype=W.dtype)
    if _csr_matvecs is not None and W.flags.c_contiguous and out.flags.c_contiguous:
        out[...] = 0.0
        _csr_matvecs(
            n_segments,
            len(W),
            W.shape[1],
            indptr.astype(np.int32, copy=False),
            columns.astype(np.int32, copy=False),
            weights,
            W.ravel(),
            out.ravel(),
        )
        return out
    S = sp.csr_matrix((weights, columns, indptr), shape=(n_segments, len(W)))
    out[...] = S @ W
    return out


def scatter_add(W, rows, G, *, counts=None, weights=None):
    """Add weighted rows of ``G`` to rows of ``W`` in place, summing repeats.

    The entries are grouped by row of ``G``, in order: the first
    ``counts[0]`` entries add row 0 of ``G``, the next ``counts[1]`` row 1,
    and so on; entry ``k`` of row ``j`` does
    ``W[rows[k]] += weights[k] * G[j]``.

    Parameters
    ----------
    W : ndarray of shape (n_rows, n_components), C-contiguous
        Matrix updated in place.
    rows : ndarray of shape (n_entries,), int
        Target row of each entry; repeats accumulate.
    G : ndarray of shape (n_sources, n_components)
        Gradient rows, same dtype as ``W``.
    counts : ndarray of shape (n_sources,), int, default=None
        Number of consecutive entries of each row of ``G``; ``None`` means
        one entry per row.
    weights : ndarray of shape (n_entries,), default=None
        Factor of each entry; ``None`` means 1.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.scatter import scatter_add
    >>> W = np.zeros((3, 2), dtype=np.float32)
    >>> scatter_add(W, np.array([1, 1, 2]), np.ones((3, 2), dtype=np.float32))
    >>> W.tolist()
    [[0.0, 0.0], [2.0, 2.0], [1.0, 1.0]]
    """
    n_entries = len(rows)
    n_sources, n_components = G.shape
    if n_entries == 0:
        return
    with timed("scatter"):
        if counts is None:
            indptr = np.arange(n_entries + 1, dtype=np.int32)
        else:
            indptr = np.zeros(n_sources + 1, dtype=np.int32)
            np.cumsum(counts, out=indptr[1:])
        if weights is None:
            weights = np.ones(n_entries, dtype=W.dtype)
        weights = weights.astype(W.dtype, copy=False)
        G = np.ascontiguousarray(G, dtype=W.dtype)
        if _csc_matvecs is not None and W.flags.c_contiguous:
            _csc_matvecs(
                len(W),
                n_sources,
                n_components,
                indptr,
                rows.astype(np.int32, copy=False),
                weights,
                G.ravel(),
                W.ravel(),
            )
            return
        # Public-API path: the same product into a compact block of distinct rows.
        targets, position = np.unique(rows, return_inverse=True)
        S = sp.csc_matrix((weights, position, indptr), shape=(len(targets), n_sources))
        W[targets] += S @ G
