"""EmbeddingVectorizer: pretrained word vectors pooled into document vectors."""

import warnings

import numpy as np

from ._base import TRANSFORM_BATCH_TOKENS, _PoolingVectorizer
from ._corpus.text import iter_batches
from ._engine.weights import first_non_finite_row
from ._keyedvectors.keyed_vectors import KeyedVectors
from ._sklearn_compat import _fit_context


class EmbeddingVectorizer(_PoolingVectorizer):
    r"""Pool given word vectors into document vectors, without training.

    The pooling half of :class:`Word2VecVectorizer` for word vectors learned
    elsewhere, such as GloVe or fastText files read with
    :meth:`KeyedVectors.load_word2vec_format`. ``fit`` only learns what the
    pooling needs from the documents; ``transform`` maps each document to
    the pooled vectors of its words. Text is analysed exactly as
    :class:`~sklearn.feature_extraction.text.CountVectorizer` does it, and
    pooled exactly as in :class:`Word2VecVectorizer`.

    Parameters
    ----------
    vectors : KeyedVectors
        The word vectors, finite (``fit`` checks). They are read, never
        modified or copied: ``wv_`` is this object, and
        :func:`~sklearn.base.clone` shares it.
    pooling : {'mean', 'sum', 'max', 'tfidf', 'sif'}, default='mean'
        How ``transform`` combines the vectors of a document's words: their
        mean, sum, element-wise maximum, idf-weighted mean (idf learned in
        ``fit`` with TfidfVectorizer's smooth formula), or smooth inverse
        frequency weighting ``sif_alpha / (sif_alpha + p(w))`` followed by
        the removal of the first principal component learned in ``fit``
        (Arora, Liang and Ma, 2017). See Notes for ``p(w)``.
        ``fit`` learns the statistics of every pooling, so ``pooling`` can
        be changed with ``set_params`` without fitting again.
    sif_alpha : float, default=1e-3
        Smoothing constant of ``pooling='sif'``.
    sif_remove_component : bool, default=True
        With ``pooling='sif'``, remove the first principal component learned
        in ``fit`` (False keeps the weighted mean only).
    input : {'content', 'file', 'filename'}, default='content'
        What a raw document is, as in CountVectorizer.
    encoding : str, default='utf-8'
        Encoding used to decode bytes and files.
    decode_error : {'strict', 'ignore', 'replace'}, default='strict'
        What to do with bytes that ``encoding`` cannot decode.
    strip_accents : {'ascii', 'unicode'} or callable, default=None
        Accent removal, as in CountVectorizer.
    lowercase : bool, default=True
        Lowercase raw text before tokenising. Set it to False for cased
        vectors (such as the GoogleNews word2vec vectors), whose capitalised
        words would otherwise never match.
    preprocessor : callable, default=None
        Replaces the preprocessing step, as in CountVectorizer.
    tokenizer : callable, default=None
        Replaces the tokenisation step, as in CountVectorizer.
    stop_words : {'english'}, list, default=None
        Words removed before pooling, as in CountVectorizer.
    token_pattern : str, default=r"(?u)\\b\\w\\w+\\b"
        Regular expression of a token, as in CountVectorizer.
    analyzer : {'word'} or callable, default='word'
        ``'word'`` uses the parameters above; a callable maps a raw document
        to its tokens.

    Attributes
    ----------
    wv_ : KeyedVectors
        The given ``vectors``.
    vocabulary_ : dict of str to int
        Row of each word in ``wv_.vectors`` (``wv_.key_to_index``).
    word_counts_ : ndarray of shape (n_words,), int64
        Occurrences of each word of ``wv_`` among the tokens of the
        documents seen in ``fit``.
    idf_ : ndarray of shape (n_words,), float64
        Inverse document frequencies, used by ``pooling='tfidf'``.
    sif_component_ : ndarray of shape (vector_size,)
        The common component removed by ``pooling='sif'`` (unless
        ``sif_remove_component=False``), learned with the ``sif_alpha`` of
        ``fit``: changing ``sif_alpha`` afterwards needs a new ``fit``.

    See Also
    --------
    Word2VecVectorizer : Learns the word vectors, then pools them the same way.
    KeyedVectors.load_word2vec_format : Reads word2vec, GloVe or fastText files.
    KeyedVectors.load_facebook_vectors : Reads fastText models, subwords included.
    sklearn.feature_extraction.text.CountVectorizer : The text analysis used here.

    Notes
    -----
    Words missing from ``vectors`` are skipped; a document without any
    known word gets a zero row. Vectors with subwords, such as those of
    :meth:`KeyedVectors.load_facebook_vectors`, give unseen (rare,
    misspelled) words the vectors of their character n-grams, pooled with
    the vocabulary's; :meth:`vocabulary_coverage` counts the tokens out of
    vocabulary and lists the documents that pool to zeros.

    ``pooling='sif'`` weighs word ``w`` by :math:`a / (a + p(w))`. Counts a
    :class:`KeyedVectors` may carry come from another corpus, so ``p(w)`` is
    estimated from the documents given to ``fit``: ``word_counts_`` divided by the
    number of their tokens found in ``vectors``. A word of ``vectors`` that
    those documents never use gets ``p(w) = 0``, hence weight 1, the weight
    of the rarest words; fit on a corpus like the one you transform.

    References
    ----------
    .. [1] S. Arora, Y. Liang and T. Ma, "A Simple but Tough-to-Beat Baseline
       for Sentence Embeddings", ICLR, 2017.

    Examples
    --------
    >>> from sklearn_w2v import EmbeddingVectorizer, KeyedVectors
    >>> vectors = KeyedVectors(
    ...     ["cat", "dog", "car", "bus"],
    ...     [[1.0, 0.0], [0.8, 0.2], [0.0, 1.0], [0.2, 0.8]],
    ... )
    >>> vectorizer = EmbeddingVectorizer(vectors)
    >>> X = vectorizer.fit_transform(["The cat and the dog", "a car", "unknown"])
    >>> X.shape
    (3, 2)
    >>> X.astype(float).round(2).tolist()
    [[0.9, 0.1], [0.0, 1.0], [0.0, 0.0]]
    >>> vectorizer.get_feature_names_out().tolist()
    ['embeddingvectorizer0', 'embeddingvectorizer1']
    """

    _parameter_constraints: dict = {
        **_PoolingVectorizer._parameter_constraints,
        "vectors": [KeyedVectors],
    }

    def __init__(
        self,
        vectors,
        *,
        pooling="mean",
        sif_alpha=1e-3,
        sif_remove_component=True,
        input="content",
        encoding="utf-8",
        decode_error="strict",
        strip_accents=None,
        lowercase=True,
        preprocessor=None,
        tokenizer=None,
        stop_words=None,
        token_pattern=r"(?u)\b\w\w+\b",
        analyzer="word",
    ):
        self.vectors = vectors
        self.pooling = pooling
        self.sif_alpha = sif_alpha
        self.sif_remove_component = sif_remove_component
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.strip_accents = strip_accents
        self.lowercase = lowercase
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.stop_words = stop_words
        self.token_pattern = token_pattern
        self.analyzer = analyzer

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the statistics of the pooling from documents.

        It learns the document frequencies of ``pooling='tfidf'`` and the
        word probabilities and common component of ``pooling='sif'``,
        whatever ``pooling`` is; the vectors themselves are left as they are.

        Parameters
        ----------
        X : iterable of str or of list of str
            Raw documents (analysed like CountVectorizer does) or
            pre-tokenised documents (lists or tuples of str, used as is). A
            table of one column (a DataFrame, an array of shape ``(n, 1)``)
            is read as that column; other tables raise ValueError.
        y : None
            Ignored.

        Returns
        -------
        self : EmbeddingVectorizer
            The fitted vectorizer.
        """
        self._fit_documents(X)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Learn the statistics of the pooling, then pool each document.

        Equivalent to ``fit(X).transform(X)``, but the documents are read
        and analysed once, so a one-shot iterator works.

        Parameters
        ----------
        X : iterable of str or of list of str
            Raw or pre-tokenised documents.
        y : None
            Ignored.

        Returns
        -------
        X_new : ndarray of shape (n_documents, vector_size), float32
            Pooled document vectors.
        """
        blocks = self._fit_documents(X)
        return np.concatenate([self._pool(*block) for block in blocks])

    def _fit_documents(self, X):
        """Encode X batch by batch and learn the pooling; return the batches.

        Only the ids of the tokens that have a vector (and the vectors of the
        unseen ones, with subwords) are kept, never the documents: the
        ``(ids, offsets, unseen)`` of ``_encode``.
        """
        if len(self.vectors) == 0:
            raise ValueError("vectors holds no word; there is nothing to pool.")
        bad = first_non_finite_row(self.vectors.vectors)
        if bad is not None:
            raise ValueError(
                f"vectors holds NaN or infinity in the vector of "
                f"{self.vectors.index_to_key[bad]!r} (row {bad}); word vectors "
                "must be finite."
            )
        self.wv_ = self.vectors
        self.vocabulary_ = self.vectors.key_to_index
        blocks, n_documents, n_tokens = [], 0, 0
        for batch in iter_batches(self._iter_analyzed(X), TRANSFORM_BATCH_TOKENS):
            blocks.append(self._encode(batch, n_documents))
            n_documents += len(batch)
            n_tokens += sum(map(len, batch))
        if n_documents == 0:
            raise ValueError(
                f"{type(self).__name__}.fit needs at least one document; X is empty."
            )
        # The statistics of the pooling are those of the vocabulary's words.
        known = [_vocabulary_tokens(*block, len(self.wv_)) for block in blocks]
        if not any(len(ids) for ids, _ in known):
            message = (
                f"None of the {n_tokens} tokens of X is in "
                "vectors; check that the analysis (lowercase, token_pattern, "
                "...) matches how the vectors were trained."
            )
            if self.pooling == "sif":
                raise ValueError(
                    message + " pooling='sif' needs them to estimate p(w)."
                )
            if any(len(ids) for ids, _, _ in blocks):
                message += " Only the vectors of their subwords are pooled."
            else:
                message += " Every document of X pools to zeros."
            # Level 4: the caller of fit, past _fit_context's wrapper.
            warnings.warn(message, UserWarning, stacklevel=4)
        counts = np.zeros(len(self.wv_), dtype=np.int64)
        for ids, _ in known:
            counts += np.bincount(ids, minlength=len(self.wv_))
        self.word_counts_ = counts
        self._fit_pooling_blocks(known)
        return blocks


def _vocabulary_tokens(ids, offsets, unseen, n_words):
    """The ``(ids, offsets)`` of the vocabulary's tokens among those of ``_encode``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._embedding import _vocabulary_tokens
    >>> ids, offsets = _vocabulary_tokens(
    ...     np.array([0, 5, 1, 6]), np.array([0, 2, 4]), np.zeros((2, 3)), 5
    ... )
    >>> ids.tolist(), offsets.tolist()
    ([0, 1], [0, 1, 2])
    """
    if unseen is None:
        return ids, offsets
    known = ids < n_words
    before = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(known, out=before[1:])
    return ids[known], before[offsets]
