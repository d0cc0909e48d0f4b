"""Pooling word vectors into document vectors, without a loop over documents.

Weighted pooling is one sparse (documents x vocabulary) matrix times the
embedding matrix; max pooling is a ``reduceat`` over the ids of each document.
"""

import numpy as np
import scipy.sparse as sp

POOLINGS = ("mean", "sum", "max", "tfidf", "sif")

#: Known n-grams from which an unseen token weighs as much as a word.
FULL_WEIGHT_NGRAMS = 20


def unseen_token_weights(n_known):
    """Pooling weight of unseen tokens composed from `n_known` n-gram rows each.

    ``min(1, n_known / FULL_WEIGHT_NGRAMS)``: a vector composed from a few
    n-grams is mostly their generic part (``<th``, ``ed>``), as near to any
    word as to the one it stands for, while one composed from many is near
    its word. Misspellings of a subword model of the SOTU corpus (subwords
    (3, 6)) measured a cosine to the correct word of 0.27 from 1 or 2 known
    n-grams, 0.67 from 6 to 10 and 0.85 from 11 or more, against 0.28 to
    random words of the vocabulary.

    Parameters
    ----------
    n_known : ndarray of shape (n_unseen,), int
        Number of n-grams of each token that have a row.

    Returns
    -------
    weights : ndarray of shape (n_unseen,), float64
        Multiplies the weight that the pooling gives a word never met in fit.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._pooling import unseen_token_weights
    >>> unseen_token_weights(np.array([2, 10, 20, 35])).tolist()
    [0.1, 0.5, 1.0, 1.0]
    """
    return np.minimum(1.0, np.asarray(n_known, dtype=np.float64) / FULL_WEIGHT_NGRAMS)


def pool_documents(ids, offsets, vectors, *, word_weights=None, normalize=None):
    """Weighted sum of each document's word vectors.

    Parameters
    ----------
    ids : ndarray of shape (n_tokens,), int
        Word ids of the known tokens, documents concatenated.
    offsets : ndarray of shape (n_documents + 1,), int
        Document ``k`` is ``ids[offsets[k]:offsets[k + 1]]``.
    vectors : ndarray of shape (n_words, n_components)
        Word vectors.
    word_weights : ndarray of shape (n_words,), default=None
        Weight of each word; ``None`` weighs every token 1.
    normalize : {None, 'count', 'weight'}, default=None
        Divide each document's sum by its number of tokens ('count'), by its
        total weight ('weight'), or not at all. Documents without a known
        token get a zero row either way.

    Returns
    -------
    pooled : ndarray of shape (n_documents, n_components)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._pooling import pool_documents
    >>> vectors = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> pool_documents(np.array([0, 0, 1]), np.array([0, 3, 3]), vectors,
    ...                normalize="count").round(3).tolist()
    [[0.667, 0.333], [0.0, 0.0]]
    """
    n_documents = len(offsets) - 1
    dtype = vectors.dtype
    if word_weights is None:
        data = np.ones(len(ids), dtype=dtype)
    else:
        data = word_weights[ids].astype(dtype, copy=False)
    if normalize is not None:
        if normalize == "count":
            totals = np.diff(offsets).astype(dtype)
        else:
            totals = np.add.reduceat(np.append(data, dtype.type(0)), offsets[:-1]) * (
                np.diff(offsets) > 0
            )
        scale = np.divide(
            1.0, totals, out=np.zeros_like(totals, dtype=dtype), where=totals > 0
        )
        data = data * np.repeat(scale, np.diff(offsets))
    # Repeated words in a document become repeated column indices; the
    # product sums them, so no deduplication is needed.
    matrix = sp.csr_matrix(
        (data, ids, offsets), shape=(n_documents, len(vectors)), dtype=dtype
    )
    return np.asarray(matrix @ vectors)


def max_pool_documents(ids, offsets, vectors):
    """Element-wise maximum of each document's word vectors.

    Parameters
    ----------
    ids : ndarray of shape (n_tokens,), int
        Word ids of the known tokens, documents concatenated.
    offsets : ndarray of shape (n_documents + 1,), int
        Document ``k`` is ``ids[offsets[k]:offsets[k + 1]]``.
    vectors : ndarray of shape (n_words, n_components)
        Word vectors.

    Returns
    -------
    pooled : ndarray of shape (n_documents, n_components)
        Zero rows for documents without a known token.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._pooling import max_pool_documents
    >>> vectors = np.array([[1.0, -2.0], [0.0, 1.0]])
    >>> max_pool_documents(np.array([0, 1]), np.array([0, 2, 2]), vectors).tolist()
    [[1.0, 1.0], [0.0, 0.0]]
    """
    n_documents = len(offsets) - 1
    pooled = np.zeros((n_documents, vectors.shape[1]), dtype=vectors.dtype)
    nonempty = np.flatnonzero(np.diff(offsets) > 0)
    if len(nonempty):
        pooled[nonempty] = np.maximum.reduceat(vectors[ids], offsets[nonempty], axis=0)
    return pooled


def document_frequency(ids, offsets, n_words):
    """Number of documents holding each word.

    Parameters
    ----------
    ids : ndarray of shape (n_tokens,), int
        Word ids of the known tokens, documents concatenated.
    offsets : ndarray of shape (n_documents + 1,), int
        Document boundaries.
    n_words : int
        Vocabulary size.

    Returns
    -------
    frequency : ndarray of shape (n_words,), int64

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._pooling import document_frequency
    >>> document_frequency(np.array([0, 0, 1]), np.array([0, 2, 3]), 3).tolist()
    [1, 1, 0]
    """
    doc_index = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    # Sorting then dropping repeats is several times faster than np.unique,
    # whose hash table is slow on millions of distinct pairs.
    pairs = np.sort(doc_index.astype(np.int64) * n_words + ids)
    distinct = pairs[np.flatnonzero(np.diff(pairs, prepend=-1))]
    return np.bincount(distinct % n_words, minlength=n_words).astype(np.int64)


def idf_from_frequency(frequency, n_documents):
    """TfidfVectorizer's smooth idf ``ln((1 + n) / (1 + df)) + 1`` from counts.

    Parameters
    ----------
    frequency : ndarray of shape (n_words,)
        Documents holding each word.
    n_documents : int
        Documents counted.

    Returns
    -------
    idf : ndarray of shape (n_words,), float64

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._pooling import idf_from_frequency
    >>> idf_from_frequency(np.array([2, 0]), 2).round(3).tolist()
    [1.0, 2.099]
    """
    return np.log((1.0 + n_documents) / (1.0 + frequency)) + 1.0


def sif_weights(counts, alpha):
    """Smooth inverse frequency weights ``alpha / (alpha + p(w))``.

    Parameters
    ----------
    counts : ndarray of shape (n_words,)
        Corpus occurrences of each word.
    alpha : float
        Smoothing constant ``a`` of Arora, Liang and Ma (2017).

    Returns
    -------
    weights : ndarray of shape (n_words,), float64

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._pooling import sif_weights
    >>> sif_weights(np.array([999, 1]), 1e-3).round(3).tolist()
    [0.001, 0.5]
    """
    counts = np.asarray(counts, dtype=np.float64)
    # No counted token at all: every p(w) is 0, not 0 / 0.
    frequency = counts / max(counts.sum(), 1.0)
    return alpha / (alpha + frequency)


def sif_pool(ids, offsets, vectors, word_weights, component=None):
    """SIF document vectors: weighted token mean, minus a common component.

    Parameters
    ----------
    ids : ndarray of shape (n_tokens,), int
        Word ids of the known tokens, documents concatenated.
    offsets : ndarray of shape (n_documents + 1,), int
        Document boundaries.
    vectors : ndarray of shape (n_words, n_components)
        Word vectors.
    word_weights : ndarray of shape (n_words,)
        The :func:`sif_weights` of the words.
    component : ndarray of shape (n_components,), default=None
        Unit vector whose projection is removed from each document vector;
        ``None`` removes nothing.

    Returns
    -------
    pooled : ndarray of shape (n_documents, n_components), dtype of vectors
        The weighted sum of each document's word vectors divided by its
        number of tokens (not by its total weight, as in Arora et al.).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._pooling import sif_pool
    >>> vectors = np.array([[1.0, 1.0], [0.0, 2.0]])
    >>> sif_pool(np.array([0, 1]), np.array([0, 2]), vectors, np.array([1.0, 0.5]),
    ...          component=np.array([0.0, 1.0])).tolist()
    [[0.5, 0.0]]
    """
    pooled = pool_documents(
        ids, offsets, vectors, word_weights=word_weights, normalize="count"
    )
    if component is not None:
        component = component.astype(pooled.dtype)
        pooled -= np.outer(pooled @ component, component)
    return pooled


class FirstComponent:
    """First right singular vector of documents pooled block by block.

    While there are at most ``n_components`` documents their pooled rows are
    kept, and the vector is that of their SVD; past that, the Gram matrices
    of the blocks are summed instead, and the vector is its top eigenvector.
    Memory and time thus follow ``min(n_documents, n_components)``: a
    ``(n_components, n_components)`` Gram matrix of a few documents made
    ``n_components=10000`` cost 800 MB and minutes.

    Parameters
    ----------
    n_components : int
        Length of the pooled rows.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._pooling import FirstComponent
    >>> first = FirstComponent(3)
    >>> first.add(np.array([[2.0, 0.0, 0.0]]))
    >>> first.add(np.array([[0.0, 1.0, 0.0]]))
    >>> abs(first.component()).tolist()
    [1.0, 0.0, 0.0]
    """

    def __init__(self, n_components):
        self.n_components = n_components
        self.n_rows = 0
        self.rows = []
        self.gram = None

    def add(self, pooled):
        """Add the pooled rows of a block of documents."""
        pooled = np.asarray(pooled, dtype=np.float64)
        self.n_rows += len(pooled)
        if self.gram is None and self.n_rows <= self.n_components:
            self.rows.append(pooled)
            return
        if self.gram is None:
            self.gram = np.zeros((self.n_components,) * 2)
            for rows in self.rows:
                self.gram += rows.T @ rows
            self.rows = []
        self.gram += pooled.T @ pooled

    def component(self):
        """The unit vector; the last axis if every row added was zero."""
        if self.gram is not None:
            return top_eigenvector(self.gram)
        pooled = np.concatenate([np.zeros((0, self.n_components)), *self.rows])
        if not pooled.any():
            # What the eigenvectors of a zero Gram matrix give.
            return np.eye(1, self.n_components, self.n_components - 1)[0]
        return np.linalg.svd(pooled, full_matrices=False)[2][0]


def top_eigenvector(gram):
    """Unit eigenvector of the largest eigenvalue of a symmetric matrix.

    the first right singular vector of documents pooled block by block: the Gram
    matrices of the blocks add up.

    Parameters
    ----------
    gram : ndarray of shape (n_components, n_components)
        Symmetric matrix, such as ``pooled.T @ pooled``.

    Returns
    -------
    component : ndarray of shape (n_components,), unit norm

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._pooling import top_eigenvector
    >>> abs(top_eigenvector(np.array([[1.0, 0.0], [0.0, 4.0]]))).tolist()
    [0.0, 1.0]
    """
    _, eigenvectors = np.linalg.eigh(gram)
    return eigenvectors[:, -1]
