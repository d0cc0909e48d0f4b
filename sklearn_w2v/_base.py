"""What the vectorizers share: text analysis, pooling statistics, pooling.

:class:`~sklearn_w2v.Word2VecVectorizer` learns its word vectors and
:class:`~sklearn_w2v.EmbeddingVectorizer` is given them; from there on both
analyse text, learn what their pooling needs and pool with the code here.
"""

from numbers import Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.exceptions import NotFittedError
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

    def _pool(self, ids, offsets):
        vectors = self.wv_.vectors
        if self.pooling == "max":
            return max_pool_documents(ids, offsets, vectors)
        if self.pooling == "sum":
            return pool_documents(ids, offsets, vectors)
        if self.pooling == "mean":
            return pool_documents(ids, offsets, vectors, normalize="count")
        if self.pooling == "tfidf":
            return pool_documents(
                ids, offsets, vectors, word_weights=self.idf_, normalize="weight"
            )
        weights = sif_weights(self.word_counts_, self.sif_alpha)
        component = self.sif_component_ if self.sif_remove_component else None
        return sif_pool(ids, offsets, vectors, weights, component)

    def transform(self, X):
        """Map each document to the pooled vectors of its known words.

        Parameters
        ----------
        X : iterable of str or of list of str
            Raw or pre-tokenised documents, as in ``fit``.

        Returns
        -------
        X_new : ndarray of shape (n_documents, vector_size), float32
            Pooled vectors, ``wv_.vector_size`` of them per document; a
            document without any known word gets a zero row.
        """
        check_is_fitted(self, "wv_")
        self._check_pooling_fitted()
        # Batches of documents bound the memory to the output's; encode_known
        # checks the token types of pre-tokenised documents.
        analyzer = build_analyzer(self.get_params(deep=False))
        documents = iter_analyzed(X, analyzer, self.input, check_tokens=False)
        pooled, first_index = [], 0
        for batch in iter_batches(documents, TRANSFORM_BATCH_TOKENS):
            pooled.append(
                self._pool(*encode_known(batch, self.vocabulary_, first_index))
            )
            first_index += len(batch)
        return np.concatenate(pooled)

    @property
    def _n_features_out(self):
        """Number of output features; unset (AttributeError) before ``fit``."""
        return self.wv_.vector_size

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
