"""What the vectorizers share: text analysis, pooling statistics, pooling.

:class:`~sklearn_w2v.Word2VecVectorizer` learns its word vectors and
:class:`~sklearn_w2v.EmbeddingVectorizer` is given them; from there on both
analyse text, learn what their pooling needs and pool with the code here.
"""

from itertools import chain, compress
from numbers import Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.exceptions import NotFittedError
from sklearn.utils import Bunch
from sklearn.utils.validation import check_is_fitted

from ._corpus.text import build_analyzer, encode_known, iter_analyzed, iter_batches
from ._engine import hooks
from ._engine.blas_threads import one_blas_thread
from ._pooling import (
    POOLINGS,
    FirstComponent,
    document_frequency,
    idf_from_frequency,
    max_pool_documents,
    pool_documents,
    sif_pool,
    sif_weights,
    unseen_token_weights,
)
from ._sklearn_compat import Interval, StrOptions

#: Tokens analysed and pooled at a time by ``transform``.
TRANSFORM_BATCH_TOKENS = 1 << 17


class _PoolingVectorizer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Base class of the vectorizers that pool word vectors into document vectors.

    Subclasses declare the parameters ``pooling``, ``sif_alpha`` and those of
    ``sklearn_w2v._corpus.text.ANALYZER_PARAMS``. Their ``fit`` sets ``wv_`` (a
    :class:`~sklearn_w2v.KeyedVectors`), ``vocabulary_`` (its
    ``key_to_index``) and ``word_counts_`` (occurrences of each word, from
    which ``pooling='sif'`` estimates word probabilities), then calls
    ``_fit_pooling_blocks`` on the known tokens of the fit documents.
    """

    _parameter_constraints: dict = {
        "pooling": [StrOptions(set(POOLINGS))],
        "sif_alpha": [Interval(Real, 0, None, closed="neither")],
        "sif_remove_component": ["boolean"],
        "input": [StrOptions({"content", "file", "filename"})],
        "encoding": [str],
        "decode_error": [StrOptions({"strict", "ignore", "replace"})],
        "strip_accents": [StrOptions({"ascii", "unicode"}), None, callable],
        "lowercase": ["boolean"],
        "preprocessor": [callable, None],
        "tokenizer": [callable, None],
        "stop_words": [StrOptions({"english"}), list, None],
        "token_pattern": [str, None],
        "analyzer": [StrOptions({"word"}), callable],
    }

    def _iter_analyzed(self, X):
        analyzer = build_analyzer(self.get_params(deep=False))
        return iter_analyzed(X, analyzer, self.input)

    def _fit_pooling_blocks(self, blocks, seen=None):
        """Learn the statistics of every pooling from blocks of documents.

        ``blocks`` is an iterable of ``(ids, offsets)`` pairs as returned by
        :func:`~sklearn_w2v._corpus.text.encode_known`, read once. ``seen`` is
        ``(n_documents, document_frequency)`` of documents counted before
        (``partial_fit``), which ``idf_`` then counts too; the pair including
        ``blocks`` is kept as ``_document_frequency``.

        Both statistics are learned whatever ``pooling`` is, so that
        ``set_params(pooling=...)`` after ``fit`` pools without refitting
        (as a grid search over the pooling of frozen vectors does); together
        they cost about one ``transform`` of the fit documents.
        """
        n_words = len(self.wv_)
        n_documents, frequency = 0, np.zeros(n_words, dtype=np.int64)
        if seen is not None:
            n_documents, frequency[: len(seen[1])] = seen
        weights = sif_weights(self.word_counts_, self.sif_alpha)
        # One BLAS thread: these small products ran 10x slower on two threads
        # when another process kept the second core busy.
        first = FirstComponent(self.wv_.vector_size)
        with hooks.timed("pooling"), one_blas_thread():
            for ids, offsets in blocks:
                n_documents += len(offsets) - 1
                frequency += document_frequency(ids, offsets, n_words)
                first.add(sif_pool(ids, offsets, self.wv_.vectors, weights))
        self._document_frequency = (n_documents, frequency)
        self.idf_ = idf_from_frequency(frequency, n_documents)
        self.sif_component_ = first.component()
        self._sif_fitted_alpha = self.sif_alpha

    def _check_pooling_fitted(self):
        """Refuse to pool with statistics learned for other parameters."""
        # Vectorizers fitted before _sif_fitted_alpha existed had no choice.
        fitted_alpha = getattr(self, "_sif_fitted_alpha", self.sif_alpha)
        if (
            self.pooling == "sif"
            and self.sif_remove_component
            and self.sif_alpha != fitted_alpha
        ):
            raise NotFittedError(
                f"sif_component_ was learned in fit with sif_alpha={fitted_alpha}, "
                f"but sif_alpha={self.sif_alpha} now: call fit again before "
                "transform, or set sif_remove_component=False."
            )

    def _encode(self, batch, first_index):
        """Ids of the tokens of `batch` that have a vector, and unseen vectors.

        Tokens of the vocabulary get their rows. With ``wv_.subwords``, each
        distinct unseen token that has a composed vector gets id
        ``len(wv_) + j``, row ``j`` of ``unseen.vectors``, composed once per
        batch, with its weight :func:`~sklearn_w2v._pooling.unseen_token_weights`
        in ``unseen.weights``; a document's ids are then its vocabulary
        tokens, then its unseen ones (pooling ignores the order). Without
        subwords, ``unseen`` is None and the ids are those of ``encode_known``.

        Returns
        -------
        ids : ndarray of shape (n_tokens_with_a_vector,), int64
        offsets : ndarray of shape (len(batch) + 1,), int64
        unseen : Bunch of vectors, shape (n_unseen, vector_size), and
            weights, shape (n_unseen,); or None
        """
        ids, offsets = encode_known(batch, self.vocabulary_, first_index)
        subwords = self.wv_.subwords
        if subwords is None:
            return ids, offsets, None
        # Sorted, so that the ids of a batch never depend on the hash seed.
        words = sorted(set(chain.from_iterable(batch)).difference(self.vocabulary_))
        vectors, n_known = subwords.vectors_and_counts(words)
        found = n_known > 0
        n_words = len(self.wv_)
        rows = {word: n_words + j for j, word in enumerate(compress(words, found))}
        unseen_ids, unseen_offsets = encode_known(batch, rows, first_index)
        documents = np.repeat(
            np.tile(np.arange(len(batch)), 2),
            np.concatenate([np.diff(offsets), np.diff(unseen_offsets)]),
        )
        order = np.argsort(documents, kind="stable")
        ids = np.concatenate([ids, unseen_ids])[order]
        unseen = Bunch(
            vectors=vectors[found].astype(self.wv_.vectors.dtype),
            weights=unseen_token_weights(n_known[found]),
        )
        return ids, offsets + unseen_offsets, unseen

    def _encoded_batches(self, X):
        """``(batch, first_index, ids, offsets, unseen)`` of each batch of X."""
        # Batches of documents bound the memory to the output's; encode_known
        # checks the token types of pre-tokenised documents.
        analyzer = build_analyzer(self.get_params(deep=False))
        documents = iter_analyzed(X, analyzer, self.input, check_tokens=False)
        first_index = 0
        for batch in iter_batches(documents, TRANSFORM_BATCH_TOKENS):
            yield (batch, first_index, *self._encode(batch, first_index))
            first_index += len(batch)

    def _pool(self, ids, offsets, unseen=None):
        vectors, weights, unseen_weight = self.wv_.vectors, None, 1.0
        if self.pooling == "tfidf":
            # An unseen word is in no document counted by fit: df = 0.
            weights, unseen_weight = (
                self.idf_,
                idf_from_frequency(0, self._document_frequency[0]),
            )
        elif self.pooling == "sif":
            # An unseen word has p(w) = 0: weight a / (a + 0) = 1.
            weights = sif_weights(self.word_counts_, self.sif_alpha)
        if unseen is not None and len(unseen.vectors):
            ids, vectors, weights = _with_unseen_rows(
                ids, vectors, unseen.vectors, weights, unseen_weight * unseen.weights
            )
        if self.pooling == "max":
            return max_pool_documents(ids, offsets, vectors)
        if self.pooling == "sum":
            return pool_documents(ids, offsets, vectors, word_weights=weights)
        if self.pooling == "mean" and weights is None:
            return pool_documents(ids, offsets, vectors, normalize="count")
        if self.pooling in ("mean", "tfidf"):
            # Weighted means; for "mean" only the unseen tokens carry weights,
            # and one of weight 0 is a skipped token.
            return pool_documents(
                ids, offsets, vectors, word_weights=weights, normalize="weight"
            )
        component = self.sif_component_ if self.sif_remove_component else None
        return sif_pool(ids, offsets, vectors, weights, component)

    def transform(self, X):
        """Map each document to the pooled vectors of its words.

        Words of the vocabulary are pooled with their vectors; when ``wv_``
        has ``subwords``, unseen words with the vectors composed from their
        character n-grams. An unseen token weighs as a word never met in
        ``fit`` (weight 1, the largest idf, SIF weight 1) times
        ``min(1, n / 20)``, ``n`` the number of its n-grams that have a row:
        a vector composed from a few generic n-grams says little about the
        word (:ref:`subwords`). ``pooling='max'`` has no weights and takes
        every unseen vector whole. Other words are skipped: see
        :meth:`vocabulary_coverage` for how many tokens were out of
        vocabulary and which documents pooled to zeros.

        Parameters
        ----------
        X : iterable of str or of list of str
            Raw or pre-tokenised documents, as in ``fit``.

        Returns
        -------
        X_new : ndarray of shape (n_documents, vector_size), float32
            Pooled vectors, ``wv_.vector_size`` of them per document; a
            document without any word that has a vector gets a zero row.
        """
        check_is_fitted(self, "wv_")
        self._check_pooling_fitted()
        return np.concatenate(
            [
                self._pool(ids, offsets, unseen)
                for _, _, ids, offsets, unseen in self._encoded_batches(X)
            ]
        )

    def vocabulary_coverage(self, X):
        """Share of the tokens of X out of vocabulary; documents pooled to zeros.

        ``transform`` sets no attribute (a scikit-learn estimator's state is
        what ``fit`` learned), so its out-of-vocabulary share is reported
        here: the documents are analysed as ``transform`` analyses them, and
        their tokens counted, without pooling.

        Parameters
        ----------
        X : iterable of str or of list of str
            Raw or pre-tokenised documents, as in ``transform``.

        Returns
        -------
        Bunch
            ``n_documents`` and ``n_tokens``; ``n_in_vocabulary``, the tokens
            of the vocabulary; ``n_subword``, the unseen tokens pooled through
            their n-grams (always 0 without ``wv_.subwords``); ``n_skipped``,
            the tokens without a vector; ``oov_fraction``, the share of tokens
            out of the vocabulary (``(n_subword + n_skipped) / n_tokens``, 0.0
            without tokens); ``empty_documents``, the indices of the documents
            that ``transform`` maps to a zero row.

        Examples
        --------
        >>> from sklearn_w2v import EmbeddingVectorizer, KeyedVectors
        >>> kv = KeyedVectors(["cat", "dog"], [[1.0, 0.0], [0.0, 1.0]])
        >>> vectorizer = EmbeddingVectorizer(kv).fit(["cat dog", "dog"])
        >>> coverage = vectorizer.vocabulary_coverage(["cat sat", "the mat"])
        >>> coverage.oov_fraction, coverage.empty_documents.tolist()
        (0.75, [1])
        """
        check_is_fitted(self, "wv_")
        n_words, counts, empty = len(self.wv_), np.zeros(3, np.int64), []
        n_documents = 0
        for batch, first_index, ids, offsets, _ in self._encoded_batches(X):
            n_tokens = sum(map(len, batch))
            n_known = int(np.count_nonzero(ids < n_words))
            counts += [n_known, len(ids) - n_known, n_tokens - len(ids)]
            empty.append(np.flatnonzero(np.diff(offsets) == 0) + first_index)
            n_documents += len(batch)
        n_in_vocabulary, n_subword, n_skipped = counts.tolist()
        n_tokens = int(counts.sum())
        return Bunch(
            n_documents=n_documents,
            n_tokens=n_tokens,
            n_in_vocabulary=n_in_vocabulary,
            n_subword=n_subword,
            n_skipped=n_skipped,
            oov_fraction=(n_subword + n_skipped) / n_tokens if n_tokens else 0.0,
            empty_documents=np.concatenate(empty),
        )

    @property
    def _n_features_out(self):
        """Number of output features; unset (AttributeError) before ``fit``."""
        return self.wv_.vector_size

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags


def _with_unseen_rows(ids, vectors, unseen, weights, unseen_weights):
    """The rows used by `ids`, the unseen ones appended, and `ids` renumbered.

    Ids from ``len(vectors)`` on are rows of `unseen`, of weights
    `unseen_weights`; `weights` are the vocabulary's, None for all 1. Only
    the rows used are gathered, so the vocabulary's matrix is never copied
    whole.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._base import _with_unseen_rows
    >>> ids, rows, weights = _with_unseen_rows(
    ...     np.array([2, 0, 2]), np.eye(2), np.array([[5.0, 5.0]]), None, [0.5]
    ... )
    >>> ids.tolist(), rows.tolist(), weights.tolist()
    ([1, 0, 1], [[1.0, 0.0], [5.0, 5.0]], [1.0, 0.5])
    """
    used, ids = np.unique(ids, return_inverse=True)
    known = used[used < len(vectors)]
    unseen_rows = used[len(known) :] - len(vectors)
    rows = np.concatenate([vectors[known], unseen[unseen_rows]])
    known_weights = np.ones(len(known)) if weights is None else weights[known]
    weights = np.concatenate(
        [known_weights, np.asarray(unseen_weights, dtype=np.float64)[unseen_rows]]
    )
    return ids.astype(np.int64), rows, weights
