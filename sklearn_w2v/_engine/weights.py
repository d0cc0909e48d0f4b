"""The weight matrices of a fit: random generator, initial weights, warm start, guard.

Input and output vectors are stacked in one float32 array ``W`` of shape
``(2, n_words + 1, n_components)``; row ``n_words`` of each is a zero padding
row, the word of the stream's padding positions. A diverging fit is stopped
with a FloatingPointError that names the learning rate.
"""

from itertools import repeat

import numpy as np


def extend_weights(W_in, W_out, n_new, rng):
    """Stack trained vectors and ``n_new`` new words' initial ones, with padding rows.

    New words get word2vec's initial weights: input vectors uniform in
    ``[-1 / n_components, 1 / n_components)`` as in gensim (the C tool draws
    from half that range, which slows the start of CBOW), zero output
    vectors. A fit starts from empty arrays.

    Parameters
    ----------
    W_in : ndarray of shape (n_words, n_components)
        Input vectors so far.
    W_out : ndarray of shape (n_rows, n_components)
        Output vectors so far, ``n_rows <= n_words``.
    n_new : int
        Words to add.
    rng : numpy.random.Generator
        Source of the new input vectors.

    Returns
    -------
    W : ndarray of shape (2, n_words + n_new + 1, n_components), float32

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.weights import extend_weights
    >>> empty = np.zeros((0, 4), dtype=np.float32)
    >>> W = extend_weights(empty, empty, 3, np.random.default_rng(0))
    >>> W.shape, bool(np.all(W[0, -1] == 0)), float(abs(W[1]).max())
    ((2, 4, 4), True, 0.0)
    >>> trained = np.ones((2, 4), dtype=np.float32)
    >>> W = extend_weights(trained, trained, 3, np.random.default_rng(0))
    >>> W.shape, bool(np.all(W[:, :2] == 1)), float(abs(W[1, 2:]).max())
    ((2, 6, 4), True, 0.0)
    """
    n_words, n_components = W_in.shape
    n_total = n_words + n_new
    W = np.zeros((2, n_total + 1, n_components), dtype=np.float32)
    W[0, :n_words] = W_in
    W[1, : len(W_out)] = W_out
    W[0, n_words:n_total] = rng.random((n_new, n_components), dtype=np.float32)
    W[0, n_words:n_total] -= 0.5
    W[0, n_words:n_total] *= 2.0 / n_components
    return W


def copy_pretrained(W_in, keys, pretrained):
    """Overwrite in place the vectors of the words that ``pretrained`` holds.

    The warm start of ``Word2VecVectorizer(init_vectors=...)``: the other
    rows keep their random initial values.

    Parameters
    ----------
    W_in : ndarray of shape (n_rows, n_components), float32
        Input vectors; row ``i < len(keys)`` belongs to ``keys[i]``, later
        rows (the padding row) are left alone.
    keys : list of str
        Word of each row.
    pretrained : KeyedVectors
        Pretrained vectors of size ``n_components``.

    Returns
    -------
    n_copied : int
        Number of rows overwritten.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v import KeyedVectors
    >>> from sklearn_w2v._engine.weights import copy_pretrained
    >>> W_in = np.zeros((3, 2), dtype=np.float32)
    >>> copy_pretrained(W_in, ["cat", "dog"], KeyedVectors(["dog"], [[1.0, 2.0]]))
    1
    >>> W_in.tolist()
    [[0.0, 0.0], [1.0, 2.0], [0.0, 0.0]]
    """
    source = np.fromiter(
        map(pretrained.key_to_index.get, keys, repeat(-1)),
        dtype=np.int64,
        count=len(keys),
    )
    rows = np.flatnonzero(source >= 0)
    values = pretrained.vectors[source[rows]]
    bad = first_non_finite_row(values)
    if bad is not None:
        row = int(source[rows[bad]])
        raise ValueError(
            f"init_vectors holds NaN or infinity in the vector of "
            f"{pretrained.index_to_key[row]!r} (row {row}); pretrained vectors "
            "must be finite."
        )
    W_in[rows] = values
    return len(rows)


def first_non_finite_row(vectors, block_rows=1 << 16):
    """Index of the first row of ``vectors`` holding NaN or infinity, or None.

    Checked by blocks of ``block_rows`` rows, so that the check of a large
    matrix allocates little.

    Parameters
    ----------
    vectors : ndarray of shape (n_rows, n_components)
    block_rows : int, default=65536

    Returns
    -------
    row : int or None

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.weights import first_non_finite_row
    >>> first_non_finite_row(np.array([[0.0, 1.0], [np.inf, 0.0], [np.nan, 0.0]]))
    1
    >>> first_non_finite_row(np.ones((3, 2))) is None
    True
    """
    for start in range(0, len(vectors), block_rows):
        finite = np.isfinite(vectors[start : start + block_rows]).all(axis=1)
        if not finite.all():
            return start + int(np.argmin(finite))
    return None


def raise_diverged(learning_rate, n_jobs=1):
    """Raise the FloatingPointError of a diverging fit, naming ``learning_rate``."""
    advice = "use a smaller learning_rate."
    if n_jobs > 1:
        # Each job damps its own steps; jobs updating a row at once add them.
        advice = (
            f"use a smaller learning_rate, or fewer jobs: the {n_jobs} jobs update "
            "the same rows at once, the more often the smaller the vocabulary."
        )
    raise FloatingPointError(
        f"Training diverged (non-finite loss, or weights running away) with "
        f"learning_rate={learning_rate!r}; {advice}"
    )


def weight_limit(W):
    """Largest absolute weight that training may reach before it is a runaway.

    Word2vec weights stay within a few units; a diverging fit leaves them
    finite but huge (clipped logits keep its loss finite), so the limit is a
    thousand times the largest initial weight, and at least 1,000.

    Parameters
    ----------
    W : ndarray
        The weights before training.

    Returns
    -------
    limit : float

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.weights import weight_limit
    >>> weight_limit(np.array([0.01, -0.02])), weight_limit(np.array([-5.0]))
    (1000.0, 5000.0)
    """
    peak = max(float(W.max(initial=0.0)), -float(W.min(initial=0.0)))
    return 1e3 * max(peak, 1.0)


def check_weights(W, limit, learning_rate, n_jobs=1):
    """Raise FloatingPointError if a weight is non-finite or beyond ``limit``.

    Parameters
    ----------
    W : ndarray
        The weights.
    limit : float
        See :func:`weight_limit`.
    learning_rate : float
        Named in the message.
    n_jobs : int, default=1
        Jobs training at once, for the message.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.weights import check_weights
    >>> check_weights(np.array([1.0, -2.0]), 1e3, 0.025)
    >>> check_weights(np.array([1.0, 3e7]), 1e3, 1e3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FloatingPointError: Training diverged ... learning_rate=1000.0; ...
    """
    # Two reductions, no copy; a NaN makes both comparisons False.
    if not (W.max(initial=-np.inf) <= limit and -W.min(initial=np.inf) <= limit):
        raise_diverged(learning_rate, n_jobs)
