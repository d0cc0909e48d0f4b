"""Subword vectors: the n-gram rows of a fastText model, and vectors for any word.

:class:`Subwords` holds the rows of the character n-gram buckets of a subword
model (Bojanowski et al., 2017) and composes the vector of any word from
them; :class:`SubwordsMixin` lets :class:`~sklearn_w2v.KeyedVectors` answer
for words outside its vocabulary through them.
"""

import numbers
from itertools import repeat

import numpy as np
from scipy import sparse

from .._corpus.subwords import ngram_buckets
from .similarity import as_terms, unit_rows

# Words composed at a time by Subwords.compose: bounds its sparse matrix.
COMPOSE_BATCH = 1 << 16


class Subwords:
    """The n-gram bucket rows of a subword model, and the vectors they compose.

    A word's character n-grams are those of ``"<" + word + ">"`` of `min_n`
    to `max_n` characters, each hashed by fastText's FNV-1a into one of
    `n_buckets` buckets (:func:`sklearn_w2v._corpus.subwords.ngram_buckets`).
    Only the buckets that have a row are held: all of them for a published
    fastText model, those met in training otherwise.

    Parameters
    ----------
    min_n, max_n : int
        Shortest and longest n-gram, in characters (gensim's ``min_n`` and
        ``max_n``, fastText's ``-minn`` and ``-maxn``).
    n_buckets : int
        Number of hash buckets (gensim's ``bucket``).
    buckets : array-like of shape (n_rows,), int
        Sorted, distinct bucket ids that have a row.
    vectors : array-like of shape (n_rows, vector_size)
        The row of each bucket of `buckets`, stored as float32.

    Attributes
    ----------
    vector_size : int
        Number of columns of ``vectors``.

    See Also
    --------
    sklearn_w2v.KeyedVectors : Answers for unseen words through its
        ``subwords``.

    References
    ----------
    Bojanowski, P., Grave, E., Joulin, A. and Mikolov, T. (2017). Enriching
    word vectors with subword information. TACL, 5, 135-146.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v import Subwords
    >>> subwords = Subwords(3, 3, 8, np.arange(8), np.eye(8, 2))
    >>> vectors, found = subwords.vectors_of(["cat", "a"])
    >>> vectors.shape, found.tolist()
    ((2, 2), [True, True])
    """

    def __init__(self, min_n, max_n, n_buckets, buckets, vectors):
        for name, value in (("min_n", min_n), ("max_n", max_n)):
            if not isinstance(value, numbers.Integral) or value < 0:
                raise ValueError(f"{name} must be a non-negative int, got {value!r}.")
        if not isinstance(n_buckets, numbers.Integral) or n_buckets < 1:
            raise ValueError(f"n_buckets must be a positive int, got {n_buckets!r}.")
        buckets = np.asarray(buckets, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if buckets.ndim != 1 or vectors.ndim != 2 or len(vectors) != len(buckets):
            raise ValueError(
                "buckets must be 1-D and vectors 2-D with one row per bucket, got "
                f"shapes {buckets.shape} and {vectors.shape}."
            )
        if len(buckets) and (
            (np.diff(buckets) <= 0).any() or buckets[0] < 0 or buckets[-1] >= n_buckets
        ):
            raise ValueError(
                f"buckets must be sorted, distinct and in [0, {n_buckets})."
            )
        self.min_n, self.max_n, self.n_buckets = int(min_n), int(max_n), int(n_buckets)
        self.buckets, self.vectors = buckets, vectors

    @property
    def vector_size(self):
        return self.vectors.shape[1]

    def __repr__(self):
        return (
            f"Subwords(min_n={self.min_n}, max_n={self.max_n}, "
            f"n_buckets={self.n_buckets}, n_rows={len(self.buckets)})"
        )

    def _rows(self, words):
        """CSR (n_words, n_rows) of the present n-gram rows of each word, counted."""
        indptr, buckets = ngram_buckets(words, self.min_n, self.max_n, self.n_buckets)
        rows = np.searchsorted(self.buckets, buckets)
        present = rows < len(self.buckets)
        present[present] = self.buckets[rows[present]] == buckets[present]
        counted = np.zeros(len(buckets) + 1, dtype=np.int64)
        np.cumsum(present, out=counted[1:])
        indptr = counted[indptr]
        matrix = sparse.csr_matrix(
            (np.ones(indptr[-1], np.float32), rows[present], indptr),
            shape=(len(indptr) - 1, len(self.buckets)),
        )
        return matrix, np.diff(indptr)

    def vectors_of(self, words):
        """Mean of the rows of each word's n-grams that have one.

        A repeated n-gram counts as often as it occurs, as in fastText; a
        word none of whose n-grams has a row gets a zero vector and ``found``
        False.

        Parameters
        ----------
        words : sequence of str
            Any words.

        Returns
        -------
        vectors : ndarray of shape (n_words, vector_size), float32
            The composed vectors.
        found : ndarray of shape (n_words,), bool
            Whether at least one n-gram of the word has a row.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Subwords
        >>> subwords = Subwords(3, 3, 4, [1], [[2.0, 0.0]])
        >>> vectors, found = subwords.vectors_of(["cat", "dog"])
        >>> vectors.tolist(), found.tolist()
        ([[0.0, 0.0], [2.0, 0.0]], [False, True])
        """
        vectors, counts = self.vectors_and_counts(words)
        return vectors, counts > 0

    def vectors_and_counts(self, words):
        """Mean of the rows of each word's n-grams, and how many rows it averaged.

        The vectors of :meth:`vectors_of`; the counts say how much each one
        can be trusted. The mean of a few rows, all of generic n-grams such
        as ``<th`` or ``ed>``, is closer to every word than to the word it
        stands for; transform pools an unseen token by its count
        (:func:`sklearn_w2v._pooling.unseen_token_weights`).

        Parameters
        ----------
        words : sequence of str
            Any words.

        Returns
        -------
        vectors : ndarray of shape (n_words, vector_size), float32
            The composed vectors; zero rows for words without a known n-gram.
        counts : ndarray of shape (n_words,), int64
            Number of n-grams of each word that have a row, repeats counted.

        Examples
        --------
        >>> from sklearn_w2v import Subwords
        >>> subwords = Subwords(3, 3, 4, [1], [[2.0, 0.0]])
        >>> subwords.vectors_and_counts(["cat", "dog"])[1].tolist()
        [0, 1]
        """
        matrix, counts = self._rows(list(words))
        vectors = np.asarray(matrix @ self.vectors, dtype=np.float32)
        found = counts > 0
        vectors[found] /= counts[found, None].astype(np.float32)
        return vectors, counts.astype(np.int64)

    def compose(self, words, word_vectors):
        """Full vectors of vocabulary words, in place: own row and n-grams averaged.

        fastText's (and gensim's ``adjust_vectors``) vector of a word of the
        vocabulary: the mean of its own input row and the rows of its
        n-grams that have one, each n-gram counted as often as it occurs.

        Parameters
        ----------
        words : sequence of str
            The vocabulary.
        word_vectors : ndarray of shape (n_words, vector_size), float32
            The words' own input rows, overwritten with the composed vectors.

        Returns
        -------
        ndarray of shape (n_words, vector_size)
            `word_vectors`.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v import Subwords
        >>> subwords = Subwords(3, 3, 4, [1], [[2.0, 0.0]])
        >>> subwords.compose(["cat", "dog"], np.ones((2, 2), np.float32)).tolist()
        [[1.0, 1.0], [1.5, 0.5]]
        """
        words = list(words)
        for begin in range(0, len(words), COMPOSE_BATCH):
            end = begin + COMPOSE_BATCH
            matrix, counts = self._rows(words[begin:end])
            block = word_vectors[begin:end]
            block += matrix @ self.vectors
            block /= (counts + 1).astype(word_vectors.dtype)[:, None]
        return word_vectors


def check_subwords(subwords, vector_size):
    """`subwords` if it is None or a Subwords of `vector_size` columns."""
    if subwords is not None and not isinstance(subwords, Subwords):
        raise TypeError(
            f"subwords must be a Subwords or None, got {type(subwords).__name__}."
        )
    if subwords is not None and subwords.vector_size != vector_size:
        raise ValueError(
            f"subwords has vectors of size {subwords.vector_size}, the keys "
            f"{vector_size}."
        )
    return subwords


class SubwordsMixin:
    """The lookups of :class:`~sklearn_w2v.KeyedVectors` that reach unseen words.

    With ``subwords``, a key outside the vocabulary has the vector that
    :meth:`Subwords.vectors_of` composes from its n-grams, if any of them
    has a row; ``key in kv`` says whether ``kv[key]`` has a vector, and
    ``kv.has_index_for(key)`` whether the key is in the vocabulary.
    """

    def _lookup(self, keys):
        """Vectors of str `keys` (zero rows if none) and which keys have one."""
        rows = np.fromiter(map(self.key_to_index.get, keys, repeat(-1)), np.intp)
        found = rows >= 0
        out = np.zeros((len(keys), self.vector_size), dtype=self._dtype)
        out[found] = self._vectors[rows[found]]
        unseen = np.flatnonzero(~found)
        if len(unseen):
            vectors, found[unseen] = self.subwords.vectors_of([keys[i] for i in unseen])
            out[unseen] = vectors
        return out, found

    def _unseen_vectors(self, keys, norm=False):
        """Vectors of str `keys`, unit if `norm`; KeyError if one has none."""
        vectors, found = self._lookup(keys)
        if not found.all():
            raise KeyError(
                f"Key {keys[int(np.argmin(found))]!r} not present in vocabulary, "
                "and none of its character n-grams has a vector."
            )
        return unit_rows(vectors) if norm else vectors

    def __contains__(self, key):
        if key in self.key_to_index:
            return True
        if self.subwords is None or not isinstance(key, str):
            return False
        return bool(self.subwords.vectors_of([key])[1][0])

    def __getitem__(self, keys):
        if isinstance(keys, str) or self.subwords is None:
            return super().__getitem__(keys)
        keys = list(keys)
        bad = next((key for key in keys if not isinstance(key, str)), None)
        if bad is not None:
            raise KeyError(f"Key {bad!r} not present in vocabulary")
        return self._unseen_vectors(keys)

    def get_vector(self, key, norm=False):
        if self.subwords is None or key in self.key_to_index:
            return super().get_vector(key, norm)
        if not isinstance(key, str):
            raise KeyError(f"Key {key!r} not present in vocabulary")
        vector = self._unseen_vectors([key], norm)[0]
        vector.setflags(write=False)
        return vector

    def vectors_for_all(self, keys, allow_inference=True, copy_vecattrs=False):
        if self.subwords is None or not allow_inference:
            return super().vectors_for_all(keys, allow_inference, copy_vecattrs)
        keys = [key for key in dict.fromkeys(keys) if isinstance(key, str)]
        vectors, found = self._lookup(keys)
        keys = [key for key, ok in zip(keys, found, strict=True) if ok]
        subset = type(self)(keys, vectors[found], dtype=self._dtype)
        if copy_vecattrs:
            # Inferred keys get 0, as add_vectors gives new keys.
            rows = np.fromiter(map(self.key_to_index.get, keys, repeat(-1)), np.intp)
            for attr, values in self._vecattrs.items():
                column = np.zeros(len(keys), dtype=values.dtype)
                column[rows >= 0] = values[rows[rows >= 0]]
                subset._vecattrs[attr] = column
        return subset

    def _inferred_terms(self, groups):
        """Query groups with each unseen key replaced by its unit vector."""
        if self.subwords is None:
            return groups
        groups = [as_terms(group) for group in groups]
        unseen = {
            key
            for group in groups
            for term in group
            for key in [term[0] if _weighted(term) else term]
            if isinstance(key, str) and key not in self.key_to_index
        }
        if not unseen:
            return groups
        unseen = sorted(unseen)
        vectors = dict(
            zip(unseen, self._unseen_vectors(unseen, norm=True), strict=True)
        )
        return [[_replaced(term, vectors) for term in group] for group in groups]


def _weighted(term):
    return isinstance(term, tuple) and len(term) == 2


def _replaced(term, vectors):
    if _weighted(term) and isinstance(term[0], str) and term[0] in vectors:
        return (vectors[term[0]], term[1])
    if isinstance(term, str) and term in vectors:
        return vectors[term]
    return term
