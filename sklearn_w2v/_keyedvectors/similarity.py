"""The query engine of KeyedVectors: pure functions of arrays.

Unit normalisation, the cosine of two vectors, the assembly of (weighted) query
terms, 3CosAdd and 3CosMul scores, top-k selection over a batch of queries, and
the transport problem of the Word Mover's Distance.
"""

import numbers
from itertools import chain

import numpy as np
from scipy import optimize, sparse
from scipy.spatial.distance import cdist

# gensim's 3CosMul denominator guard; Levy & Goldberg (2014) use 1e-3.
EPSILON = 1e-6
# Elements of scratch per chunk (32 MiB of float32): bounds the memory of batch
# queries and of normalisation over a large vocabulary.
SCRATCH = 1 << 23


def as_terms(value):
    """Wrap a single key, weighted key or 1-D vector in a list, as gensim does."""
    if value is None:
        return []
    if (
        isinstance(value, str)
        or (isinstance(value, np.ndarray) and value.ndim == 1)
        or _weighted(value)
    ):
        return [value]
    return list(value)


def _weighted(term):
    """Whether `term` is a ``(key or vector, weight)`` pair."""
    return (
        isinstance(term, tuple)
        and len(term) == 2
        and isinstance(term[0], (str, np.ndarray))
        and isinstance(term[1], numbers.Real)
        and not isinstance(term[1], bool)
    )


def unit_rows(X, dtype=None):
    """Rows of `X` scaled to unit length, computed in float64 (zero rows stay zero).

    Normalising in float64 and rounding once makes the unit vectors as exact as
    their dtype allows; the work goes in chunks of rows to bound the float64
    scratch.

    Parameters
    ----------
    X : array-like of shape (n_rows, n_columns) or (n_columns,)
        Vectors.
    dtype : dtype or None, default=None
        Dtype of the result; None keeps float64 as is and turns other types into
        float32.

    Returns
    -------
    ndarray of the shape of `X`
        The unit vectors.
    """
    X = np.asarray(X)
    if dtype is None:
        dtype = np.float64 if X.dtype == np.float64 else np.float32
    rows = X.reshape(-1, X.shape[-1]) if X.ndim else X.reshape(1, 1)
    out = np.empty(rows.shape, dtype=dtype)
    step = max(1, SCRATCH // max(1, rows.shape[1]))
    for start in range(0, rows.shape[0], step):
        block = rows[start : start + step].astype(np.float64)
        norms = np.sqrt(np.einsum("ij,ij->i", block, block))[:, None]
        out[start : start + step] = block / np.where(norms > 0, norms, 1.0)
    return out.reshape(X.shape)


def cosine(a, b):
    """Cosine of two vectors in float64, exactly 1.0 for a vector with itself.

    ``a.b / sqrt(|a|^2 |b|^2)``: for ``a == b`` the square root of the rounded
    square is exact, so the quotient is exactly 1. Clipped to [-1, 1]; 0.0 if a
    vector is zero.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denominator = np.sqrt((a @ a) * (b @ b))
    if denominator == 0:
        return 0.0
    return float(np.clip((a @ b) / denominator, -1.0, 1.0))


def check_topn(topn):
    if topn is not None and (
        not isinstance(topn, numbers.Integral) or isinstance(topn, bool)
    ):
        raise TypeError(f"topn must be an int or None, got {topn!r}.")


def n_searched(restrict_vocab, n_keys):
    """Number of keys a query searches, validating `restrict_vocab`."""
    if restrict_vocab is None:
        return n_keys
    if (
        not isinstance(restrict_vocab, numbers.Integral)
        or isinstance(restrict_vocab, bool)
        or restrict_vocab < 1
    ):
        raise ValueError(
            f"restrict_vocab must be a positive int or None, got {restrict_vocab!r}."
        )
    return min(int(restrict_vocab), n_keys)


def query_terms(positives, negatives, get_index, normed, unit):
    """Stack the terms of a batch of queries into one matrix.

    Parameters
    ----------
    positives, negatives : list
        One entry per query: keys, vectors or ``(key or vector, weight)`` pairs.
    get_index : callable
        Row of a key in `normed`; raises KeyError for an unknown key.
    normed : ndarray of shape (n_keys, vector_size)
        Unit-normalised vectors of the vocabulary.
    unit : bool
        Normalise raw vectors too (3CosMul), instead of using them as given.

    Returns
    -------
    terms : ndarray of shape (n_terms, vector_size)
        One row per term: the unit vector of a key, or the raw vector, times
        its weight. gensim applies a weight given to a negative term as it is,
        so a negative term ``(key, w)`` enters the query as ``+w * key``.
    positive_rows, negative_rows : ndarray of shape (n_queries, width), int
        Rows of `terms` of each query, -1 padded.
    exclude : ndarray of shape (n_queries, width), int
        Rows of `normed` of the keys of each query, -1 padded.
    weighted : bool
        Whether any term carried a weight.
    """
    vector_size = normed.shape[1]
    word_rows, word_ids, vector_rows, vectors, scales = [], [], [], [], []
    positive_rows, negative_rows, exclude = [], [], []
    weighted = False
    for positive, negative in zip(positives, negatives, strict=True):
        excluded, signed_rows = [], ([], [])
        groups = ((1.0, signed_rows[0], positive), (-1.0, signed_rows[1], negative))
        for sign, rows, group in groups:
            for term in as_terms(group):
                scale = 1.0
                if _weighted(term):
                    term, scale, weighted = term[0], sign * float(term[1]), True
                row = len(scales)
                if isinstance(term, str):
                    word_rows.append(row)
                    word_ids.append(get_index(term))
                    excluded.append(word_ids[-1])
                else:
                    vector_rows.append(row)
                    vectors.append(_check_query_vector(term, vector_size))
                rows.append(row)
                scales.append(scale)
        if not (signed_rows[0] or signed_rows[1]):
            raise ValueError("Cannot compute similarity with no input.")
        positive_rows.append(signed_rows[0])
        negative_rows.append(signed_rows[1])
        exclude.append(excluded)
    terms = np.empty((len(scales), vector_size), dtype=normed.dtype)
    terms[word_rows] = normed[word_ids]
    if vectors:
        vectors = np.stack(vectors)
        terms[vector_rows] = unit_rows(vectors, normed.dtype) if unit else vectors
    if weighted:
        terms *= np.asarray(scales, dtype=terms.dtype)[:, None]
    return terms, pad(positive_rows), pad(negative_rows), pad(exclude), weighted


def _check_query_vector(vector, vector_size):
    try:
        vector = np.asarray(vector, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            "Query terms must be keys (str), vectors, or (key or vector, weight) "
            f"pairs, got {vector!r}."
        ) from None
    if vector.shape != (vector_size,):
        raise ValueError(
            f"Query vectors must have shape ({vector_size},), got shape {vector.shape}."
        )
    if not np.isfinite(vector).all():
        raise ValueError("Query vectors must be finite, got NaN or infinity.")
    return vector


def pad(rows):
    """Ragged lists of ints as an int array of shape (n_rows, max_len), -1 padded."""
    lengths = np.fromiter(map(len, rows), dtype=np.intp, count=len(rows))
    padded = np.full((len(rows), int(lengths.max(initial=0))), -1, dtype=np.intp)
    padded[np.arange(padded.shape[1]) < lengths[:, None]] = np.fromiter(
        chain.from_iterable(rows), dtype=np.intp, count=int(lengths.sum())
    )
    return padded


def _sum_rows(terms, rows):
    """Sum of ``terms[rows]`` along axis 1, ignoring -1 padding."""
    gathered = terms[rows]
    gathered[rows < 0] = 0  # -1 padding gathered the last row
    return gathered.sum(axis=1)


def _cosadd_scores(searched, terms, positive_rows, negative_rows):
    """Cosine of each searched row with each query's normalised sum of terms."""
    queries = _sum_rows(terms, positive_rows) - _sum_rows(terms, negative_rows)
    return unit_rows(queries, searched.dtype) @ searched.T


def _cosmul_scores(searched, terms, positive_rows, negative_rows):
    """3CosMul score of each searched row for each query."""
    used = np.unique(np.concatenate([positive_rows.ravel(), negative_rows.ravel()]))
    used = used[used >= 0]
    # One row per distinct term, plus a last row of ones that -1 padding selects,
    # so that padded products are unchanged.
    shifted = np.ones((used.size + 1, searched.shape[0]), dtype=searched.dtype)
    shifted[:-1] = (1 + terms[used] @ searched.T) / 2
    positive_rows = np.where(
        positive_rows >= 0, np.searchsorted(used, positive_rows), -1
    )
    negative_rows = np.where(
        negative_rows >= 0, np.searchsorted(used, negative_rows), -1
    )
    numerator = shifted[positive_rows].prod(axis=1)
    return numerator / (shifted[negative_rows].prod(axis=1) + EPSILON)


def top_k(scores, k):
    """Columns of the `k` largest scores of each row, best first.

    Returns ``(columns, scores)`` of shape (n_rows, min(k, n_columns)); entries
    scoring ``-inf`` (excluded) get column -1. Ties go to the lower column.
    """
    n_rows, n_columns = scores.shape
    k = min(k, n_columns)
    if k == 0:
        return np.empty((n_rows, 0), dtype=np.intp), np.empty((n_rows, 0), scores.dtype)
    if k < n_columns:
        columns = np.argpartition(scores, n_columns - k, axis=1)[:, n_columns - k :]
    else:
        columns = np.broadcast_to(np.arange(n_columns), scores.shape)
    top = np.take_along_axis(scores, columns, axis=1)
    order = np.lexsort((columns, -top), axis=-1)
    columns = np.take_along_axis(columns, order, axis=1)
    top = np.take_along_axis(top, order, axis=1)
    columns[top == -np.inf] = -1
    return columns, top


def top_candidates(
    searched, terms, positive_rows, negative_rows, exclude, method, topn
):
    """Best rows of `searched` for a batch of queries, in chunks of queries.

    Parameters
    ----------
    searched : ndarray of shape (n_searched, vector_size)
        Unit-normalised candidate vectors.
    terms : ndarray of shape (n_terms, vector_size)
        Term vectors of all queries.
    positive_rows, negative_rows : ndarray of shape (n_queries, width), int
        Rows of `terms` of each query, -1 padded.
    exclude : ndarray of shape (n_queries, width), int
        Rows of `searched` never returned for each query, -1 padded.
    method : {'3cosadd', '3cosmul'}
        Scoring.
    topn : int or None
        Number of candidates per query; ``None`` returns the raw score matrix.

    Returns
    -------
    ndarray of shape (n_queries, n_searched), or tuple of two ndarrays of shape
    (n_queries, min(topn, n_searched))
        The scores, or the best rows (-1 where fewer qualify) and their scores.
    """
    score = _cosmul_scores if method == "3cosmul" else _cosadd_scores
    n_queries, n_searched = positive_rows.shape[0], searched.shape[0]
    width = max(1, positive_rows.shape[1], negative_rows.shape[1])
    step = max(1, SCRATCH // max(1, n_searched * width))
    found = []
    for start in range(0, n_queries, step):
        chunk = slice(start, start + step)
        scores = score(searched, terms, positive_rows[chunk], negative_rows[chunk])
        if topn is None:
            found.append(scores)
            continue
        rows, columns = np.nonzero(
            (exclude[chunk] >= 0) & (exclude[chunk] < n_searched)
        )
        scores[rows, exclude[chunk][rows, columns]] = -np.inf
        found.append(top_k(scores, topn))
    if topn is None:
        return np.concatenate(found) if found else np.empty((0, n_searched), np.float32)
    if not found:
        k = min(topn, n_searched)
        return np.empty((0, k), dtype=np.intp), np.empty((0, k), dtype=np.float32)
    return np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])


def word_movers_distance(X1, weights1, X2, weights2):
    """Earth mover's distance between two weighted sets of vectors.

    Solves the transport problem ``min sum_ij T_ij |x1_i - x2_j|`` over
    ``T >= 0`` with row sums `weights1` and column sums `weights2` (both summing
    to 1) as a linear program (HiGHS, through :func:`scipy.optimize.linprog`).

    Parameters
    ----------
    X1 : ndarray of shape (n1, vector_size)
        Vectors of the first set.
    weights1 : ndarray of shape (n1,)
        Their masses.
    X2 : ndarray of shape (n2, vector_size)
        Vectors of the second set.
    weights2 : ndarray of shape (n2,)
        Their masses.

    Returns
    -------
    float
        The minimal transport cost.
    """
    costs = cdist(np.asarray(X1, np.float64), np.asarray(X2, np.float64))
    n1, n2 = costs.shape
    # T is flattened row-major: entry (i, j) is variable i * n2 + j.
    rows_sum = sparse.kron(sparse.eye(n1), np.ones((1, n2)))
    columns_sum = sparse.kron(np.ones((1, n1)), sparse.eye(n2))
    result = optimize.linprog(
        costs.ravel(),
        A_eq=sparse.vstack([rows_sum, columns_sum]).tocsr(),
        b_eq=np.concatenate([weights1, weights2]),
        bounds=(0, None),
        method="highs",
    )
    if not result.success:
        raise RuntimeError(f"The transport problem was not solved: {result.message}")
    return max(float(result.fun), 0.0)
