"""The steps of a subword fit: its n-gram rows, the engine's input, the fitted vectors.

With ``Word2VecVectorizer(subwords=(min_n, max_n))`` a word's input vector is
the mean of its own row and the rows of its character n-grams, hashed into
``n_buckets`` buckets (fastText, Bojanowski et al., 2017). Only the buckets
that the vocabulary's n-grams use get a row: the parameters are the words'
rows, then those buckets' rows in bucket order (:func:`subword_fit`), and
the engine trains them through a
:class:`~sklearn_w2v._engine.composition.ComposedInput`.
"""

from dataclasses import dataclass
from numbers import Integral

import numpy as np

from ._corpus.subwords import ngram_buckets
from ._engine.composition import ComposedInput
from ._keyedvectors.keyed_vectors import KeyedVectors
from ._keyedvectors.subwords import Subwords


def check_subwords(params, previous):
    """Validate the subword parameters of ``params`` before the corpus is read.

    Parameters
    ----------
    params : dict
        The vectorizer's parameters.
    previous : PreviousFit or None
        The fitted state that the fit goes on from.

    Examples
    --------
    >>> from sklearn_w2v._subword_fitting import check_subwords
    >>> check_subwords(dict(subwords=(5, 3)), None)
    Traceback (most recent call last):
        ...
    ValueError: subwords=(5, 3) must be (min_n, max_n) with 1 <= min_n <= max_n.
    """
    subwords, fitted = params["subwords"], getattr(previous, "subwords", None)
    if getattr(previous, "index_to_key", None) and (subwords is None) != (
        fitted is None
    ):
        kept = "None" if fitted is None else f"({fitted.min_n}, {fitted.max_n})"
        raise ValueError(
            "partial_fit cannot add or drop subwords: the model was fitted "
            f"with subwords={kept}."
        )
    if subwords is None:
        return
    ok = len(subwords) == 2 and all(isinstance(n, Integral) for n in subwords)
    if not ok or not 1 <= subwords[0] <= subwords[1]:
        raise ValueError(
            f"subwords={subwords!r} must be (min_n, max_n) with 1 <= min_n <= max_n."
        )
    if fitted is not None and (fitted.min_n, fitted.max_n, fitted.n_buckets) != (
        *subwords,
        params["n_buckets"],
    ):
        raise ValueError(
            f"partial_fit cannot change subwords or n_buckets: the model was "
            f"fitted with subwords=({fitted.min_n}, {fitted.max_n}), "
            f"n_buckets={fitted.n_buckets}."
        )
    for name, allowed in (("word_vectors", "input"), ("n_shards", None)):
        if params[name] != allowed:
            raise ValueError(
                f"subwords compose the input vectors only, on one machine: set "
                f"{name}={allowed!r} (got {params[name]!r})."
            )
    if params["init_vectors"] is not None:
        raise ValueError(
            "init_vectors cannot start a subword model: it has no n-gram rows."
        )


@dataclass(frozen=True)
class SubwordFit:
    """The subword state of one fit: the engine's input and the n-gram buckets.

    ``composed`` is None for a fit without subwords, and then
    :meth:`set_vectors` does nothing.
    """

    composed: ComposedInput | None
    buckets: np.ndarray | None = None
    min_n: int = 0
    max_n: int = 0
    n_buckets: int = 0

    def set_vectors(self, fitted):
        """Give ``fitted`` a ``wv_`` with the n-gram rows, and its words' own rows."""
        if self.composed is None:
            return
        n_words = self.composed.n_words
        # partial_fit goes on from them (gensim's FastTextKeyedVectors.vectors_vocab).
        fitted._word_rows = self.composed.parameters[:n_words]
        subwords = Subwords(
            self.min_n,
            self.max_n,
            self.n_buckets,
            self.buckets,
            self.composed.parameters[n_words:],
        )
        fitted.wv_ = KeyedVectors(
            fitted.wv_.index_to_key,
            fitted.input_vectors_,
            counts=fitted.word_counts_,
            subwords=subwords,
        )


def subword_fit(params, previous, index_to_key, W, rng):
    """The subword state of a fit, its input vectors composed into ``W[0]``.

    The parameters are the words' own rows (the previous fit's, then the new
    words' initial rows of ``W[0]``) and one row per bucket that the
    vocabulary's n-grams use: the previous fit's, and new ones drawn from
    ``rng`` like new words' rows, uniform in ``[-1 / d, 1 / d)``, as fastText
    and gensim initialise both.

    Parameters
    ----------
    params : dict
        The vectorizer's parameters.
    previous : PreviousFit
    index_to_key : list of str
        The vocabulary, the previous fit's words first.
    W : ndarray of shape (2, n_words + 1, n_components), float32
        The initial weights; ``W[0]`` is overwritten by the composed vectors.
    rng : numpy.random.Generator

    Returns
    -------
    subwords : SubwordFit
    """
    if params["subwords"] is None:
        return SubwordFit(None)
    (min_n, max_n), n_buckets = params["subwords"], params["n_buckets"]
    n_words, n_old = len(index_to_key), len(previous.index_to_key)
    indptr, buckets = ngram_buckets(index_to_key, min_n, max_n, n_buckets)
    old = previous.subwords
    old_buckets = np.zeros(0, np.int64) if old is None else old.buckets
    present = np.union1d(old_buckets, buckets)
    n_components = W.shape[2]
    P = np.empty((n_words + len(present), n_components), dtype=np.float32)
    P[n_old:n_words] = W[0, n_old:n_words]
    # Both sorted: the old buckets fill their places in order.
    is_old = np.isin(present, old_buckets, assume_unique=True)
    if old is not None:
        P[:n_old] = previous.word_rows
        P[n_words:][is_old] = old.vectors
    new = n_words + np.flatnonzero(~is_old)
    P[new] = (rng.random((len(new), n_components), dtype=np.float32) - 0.5) * (
        2.0 / n_components
    )
    columns = n_words + np.searchsorted(present, buckets)
    composed = ComposedInput(*mean_of_rows(indptr, columns), P)
    composed.compose(W[0])
    return SubwordFit(composed, present, min_n, max_n, n_buckets)


def mean_of_rows(indptr, columns):
    """CSR arrays of the mean of each word's own row and its ``columns``.

    Parameters
    ----------
    indptr : ndarray of shape (n_words + 1,), int
        Word ``i``'s further rows are ``columns[indptr[i]:indptr[i + 1]]``.
    columns : ndarray of shape (indptr[-1],), int

    Returns
    -------
    indptr, columns : ndarray of int32
        Word ``i``'s own row ``i`` first, then its further rows.
    weights : ndarray of float32
        ``1 / n`` for each of a word's ``n`` rows.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._subword_fitting import mean_of_rows
    >>> indptr, columns, weights = mean_of_rows(np.array([0, 1, 4]),
    ...                                         np.array([5, 2, 3, 2]))
    >>> indptr.tolist(), columns.tolist(), weights.tolist()
    ([0, 2, 6], [0, 5, 1, 2, 3, 2], [0.5, 0.5, 0.25, 0.25, 0.25, 0.25])
    """
    n_rows = np.diff(indptr) + 1
    mean_indptr = np.zeros(len(n_rows) + 1, dtype=np.int32)
    np.cumsum(n_rows, out=mean_indptr[1:])
    own = np.zeros(mean_indptr[-1], dtype=bool)
    own[mean_indptr[:-1]] = True
    mean_columns = np.empty(mean_indptr[-1], dtype=np.int32)
    mean_columns[own] = np.arange(len(n_rows))
    mean_columns[~own] = columns
    weights = np.repeat((1.0 / n_rows).astype(np.float32), n_rows)
    return mean_indptr, mean_columns, weights
