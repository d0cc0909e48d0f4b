"""Word2VecVectorizer: word2vec as a scikit-learn transformer."""

from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np

from ._base import _PoolingVectorizer
from ._corpus.spool import spool_directory
from ._fitting import (
    PreviousFit,
    check_fit_params,
    count_corpus,
    fit_weights,
    fitted_copy,
    grow_spool_vocabulary,
    initial_weights,
    make_generator,
    shard_plan_of,
)
from ._keyedvectors.keyed_vectors import KeyedVectors
from ._sklearn_compat import (
    CallbackSupportMixin,
    Interval,
    StrOptions,
    _fit_context,
    epoch_tasks,
)
from ._subword_fitting import subword_fit

_READ_TWICE = (
    "fit_transform with subwords reads X twice (fit, then transform, which pools "
    "unseen words through their n-grams), but X is a one-pass iterator: pass a "
    "list or a LineCorpus, or call fit and transform yourself."
)


class Word2VecVectorizer(CallbackSupportMixin, _PoolingVectorizer):
    r"""Learn word2vec embeddings and pool them into document vectors.

    ``fit`` trains skip-gram or CBOW word vectors with negative sampling on
    the documents; ``transform`` maps each document to the pooled (by default
    averaged) vectors of its words, a dense array that any scikit-learn
    estimator can take. Text is analysed exactly as
    :class:`~sklearn.feature_extraction.text.CountVectorizer` does it. The
    corpus is streamed, never held in memory (see Notes), and
    ``partial_fit`` goes on training on new documents.

    Parameters
    ----------
    algorithm : {'skipgram', 'cbow'}, default='skipgram'
        Predict each context word from the center word's window
        ('skipgram') or the center word from its averaged context ('cbow').
        gensim: ``sg=1`` / ``sg=0``.
    n_components : int, default=100
        Dimension of the word vectors (gensim ``vector_size``).
    window : int, default=5
        Maximum distance between a center word and a context word.
    min_count : int, default=5
        Ignore words with fewer occurrences in the training documents.
    max_features : int, default=None
        Keep only this many of the most frequent words (gensim
        ``max_final_vocab``). With ``partial_fit``, the largest size the
        vocabulary may grow to.
    max_vocab_size : int, default=None
        Bounds the memory of the counting pass on corpora with huge
        vocabularies (gensim's parameter of the same name): whenever more
        distinct words than this are held while counting, the rarest are
        pruned, those counted ``t`` times or fewer, ``t`` being 1 at the
        first pruning and rising by 1 at each (as in the word2vec C tool;
        gensim's threshold lags one behind). A pruned word that comes back
        is counted afresh, so the counts of rare words become underestimates
        and some words that reach ``min_count`` over the whole corpus are
        dropped; occurrences before a word's last pruning are neither counted
        nor trained on (nor pooled by ``fit_transform``). ``None`` never
        prunes: the counting pass then holds every distinct word.
    subsample : float, default=1e-3
        Threshold of frequent-word downsampling (gensim ``sample``): an
        occurrence of a word of corpus frequency ``f`` is kept with
        probability ``(sqrt(f / subsample) + 1) * subsample / f``. 0 keeps
        every occurrence.
    n_negative : int, default=5
        Noise words drawn per positive example (gensim ``negative``), with
        ``loss='negative_sampling'``.
    loss : {'negative_sampling', 'hierarchical_softmax', 'softmax'}, \
            default='negative_sampling'
        Output layer: negative sampling (gensim ``negative > 0``),
        hierarchical softmax over a Huffman tree of the vocabulary (gensim
        ``hs=1, negative=0``; the output matrix then holds the tree's inner
        nodes), or the full softmax over the vocabulary, for vocabularies of
        at most 5,000 words (every minibatch updates every output vector).
    ns_exponent : float, default=0.75
        Noise words are drawn with probability proportional to
        ``count ** ns_exponent``.
    cbow_mean : bool, default=True
        With ``algorithm='cbow'``, average (True) or sum (False) the context
        vectors.
    learning_rate : float, default=0.025
        Initial learning rate (gensim ``alpha``).
    min_learning_rate : float, default=1e-4
        Final learning rate (gensim ``min_alpha``); the rate decays linearly
        over all epochs.
    epochs : int, default=5
        Passes over the documents.
    shrink_windows : bool, default=True
        Draw each center word's effective window uniformly from
        ``[1, window]``, which weighs near contexts more.
    batch_size : int, default=512
        Center words per minibatch. The gradients of a minibatch are
        computed from the same weights and summed; a few hundred words is as
        accurate as word-by-word updates and much faster, while several
        thousand can make frequent words' summed updates overshoot.
    solver : {'sgd', 'svd'}, default='sgd'
        'sgd' trains the loss by gradient descent; 'svd' counts the (word,
        context) pairs of the same subsampled, shrunk windows once and
        factorises their positive PMI (contexts smoothed by ``ns_exponent``),
        for skip-gram with negative sampling, without ``init_vectors`` or
        ``partial_fit``, ignoring ``learning_rate``, ``min_learning_rate``,
        ``epochs``, ``batch_size``, ``n_jobs`` (:ref:`matrix_factorisation`).
    eigenvalue_weighting : float, default=0.0
        ``p`` of the word vectors ``U * S**p`` of ``solver='svd'`` (contexts
        ``V * S**p``); Levy et al. recommend 0.5 or 0.
    shift_pmi : bool, default=False
        ``solver='svd'`` only: subtract ``log(n_negative)`` from the PMI
        before clipping, the shift that negative sampling implies.
    pooling : {'mean', 'sum', 'max', 'tfidf', 'sif'}, default='mean'
        How ``transform`` combines the vectors of a document's words: their
        mean, sum, element-wise maximum, idf-weighted mean (idf learned in
        ``fit`` with TfidfVectorizer's smooth formula), or smooth inverse
        frequency weighting ``sif_alpha / (sif_alpha + p(w))`` followed by
        the removal of the first principal component learned in ``fit``
        (Arora, Liang and Ma, 2017). ``fit`` learns the statistics of every
        pooling, so ``pooling`` can be changed with ``set_params`` without
        training again.
    sif_alpha : float, default=1e-3
        Smoothing constant of ``pooling='sif'``.
    sif_remove_component : bool, default=True
        With ``pooling='sif'``, remove the first principal component learned
        in ``fit`` (False keeps the weighted mean only).
    word_vectors : {'input', 'output', 'sum'}, default='input'
        Which learned matrix ``wv_`` and ``transform`` use: the input
        vectors (word2vec's word vectors), the output vectors, or their sum
        (the "w + c" of Levy, Goldberg and Dagan, 2015).
    init_vectors : KeyedVectors, default=None
        Pretrained vectors to start from (a warm start): the input vectors
        of the learned vocabulary's words that ``init_vectors`` holds start
        from their pretrained vectors instead of random ones, and train on
        as usual; other words start random and output vectors start at
        zero. Its ``vector_size`` must equal ``n_components``, and the
        vectors it gives must be finite.
    input : {'content', 'file', 'filename'}, default='content'
        What a raw document is, as in CountVectorizer. For a corpus of one
        document per line, pass a :class:`LineCorpus` with 'content'.
    encoding : str, default='utf-8'
        Encoding used to decode bytes and files.
    decode_error : {'strict', 'ignore', 'replace'}, default='strict'
        What to do with bytes that ``encoding`` cannot decode.
    strip_accents : {'ascii', 'unicode'} or callable, default=None
        Accent removal, as in CountVectorizer.
    lowercase : bool, default=True
        Lowercase raw text before tokenising.
    preprocessor : callable, default=None
        Replaces the preprocessing step, as in CountVectorizer.
    tokenizer : callable, default=None
        Replaces the tokenisation step, as in CountVectorizer.
    stop_words : {'english'}, list, default=None
        Words removed before training and pooling, as in CountVectorizer.
    token_pattern : str, default=r"(?u)\\b\\w\\w+\\b"
        Regular expression of a token, as in CountVectorizer.
    analyzer : {'word'} or callable, default='word'
        ``'word'`` uses the parameters above; a callable maps a raw document
        to its tokens.
    n_jobs : int, default=None
        Jobs training minibatches concurrently on shared weights (Hogwild,
        as gensim's ``workers``), taking turns over runs of 32 consecutive
        minibatches: forked processes on Linux, threads elsewhere. ``None``
        means 1, ``-1`` all cores, whatever joblib's backend or
        configuration. Results are bit-reproducible only with one job.
        Inside an outer parallel loop (``GridSearchCV(n_jobs=...)``,
        ``cross_validate``, a Dask cluster) keep 1, so that the jobs do not
        oversubscribe the cores.
    n_shards : int, default=None
        Train data-parallel over this many shards of the corpus, through
        joblib: the counting pass runs as tasks over parts of ``X`` (files of
        a :class:`LineCorpus`, slices of a list), then every shard trains a
        replica of the weights in synchronous rounds, after each of which the
        replicas agree on their busiest rows, combined row by row (all rows
        at each epoch's end; see :ref:`distributed`). The replicas train on
        the workers of a Dask cluster when joblib's backend is one
        (``joblib.parallel_backend("dask")``), one long task per worker,
        in this process otherwise (the same rounds, simulated). ``None``
        never shards, whatever the backend: a fit inside a grid search on a
        cluster computes what it computes locally. ``n_jobs`` is not used
        by sharded training. The shards are written in the fit's temporary
        directory, which every worker must read (set ``TMPDIR`` to a shared
        filesystem on a cluster of machines). With a fixed ``random_state``
        and shard count the vectors do not depend on which worker ran what;
        ``partial_fit`` trains sharded too.
    subwords : tuple of (int, int), default=None
        ``(min_n, max_n)`` (gensim ``min_n``, ``max_n``; fastText's 3, 6)
        also learns vectors of the character n-grams of ``"<" + word + ">"``
        of ``min_n`` to ``max_n`` characters (Bojanowski et al., 2017): a
        word's vector is the mean of its own row and its n-grams' rows, and an
        unseen word gets the mean of its known n-grams' (:ref:`subwords`).
    n_buckets : int, default=2_000_000
        Hash buckets of the n-grams (gensim ``bucket``); only the buckets of
        the vocabulary's n-grams get a row.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial vectors, subsampling, windows and negative draws.
    verbose : int, default=0
        From 1, print one line per epoch (mean loss, words/s, elapsed time,
        ETA) to stderr; from 2, also a line after the counting pass and one
        at every tenth of each epoch.

    Attributes
    ----------
    wv_ : KeyedVectors
        The learned word vectors, chosen by ``word_vectors``, most frequent
        word first (words added by later ``partial_fit`` calls follow, in
        the order they joined).
    vocabulary_ : dict of str to int
        Row of each word in ``wv_.vectors``.
    input_vectors_ : ndarray of shape (n_words, n_components), float32
        The input (word) vectors.
    output_vectors_ : ndarray of shape (n_words, n_components), float32
        The output (context) vectors.
    word_counts_ : ndarray of shape (n_words,), int64
        Occurrences of each word in the training documents (of all
        ``partial_fit`` calls since ``fit``).
    loss_curve_ : ndarray of shape (epochs * n_calls,), float64
        Mean training loss per trained center word in each epoch, computed
        in float64; ``partial_fit`` appends the epochs of each call. The
        scales of the two algorithms differ by design: a skip-gram center
        word sums the losses of its whole window (up to ``2 * window``
        predictions, each with ``n_negative`` noise words, about 15 with the
        defaults), a CBOW center word makes one prediction (about 2 to 3).
        Compare curves of one algorithm only.
    n_words_trained_ : int
        Center words trained over all epochs (of all calls), after
        subsampling.
    idf_ : ndarray of shape (n_words,), float64
        Inverse document frequencies, used by ``pooling='tfidf'``.
    sif_component_ : ndarray of shape (n_components,)
        The common component removed by ``pooling='sif'`` (unless
        ``sif_remove_component=False``), learned with the ``sif_alpha`` of
        ``fit``: changing ``sif_alpha`` afterwards needs a new ``fit``.

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer : The text analysis used here.
    KeyedVectors : Word-vector queries and the word2vec file formats.
    EmbeddingVectorizer : Pools pretrained word vectors, without training.

    Notes
    -----
    Skip-gram with negative sampling maximises, over the (center ``c``,
    context ``o``) pairs of the corpus and ``K`` noise words ``n_k`` drawn
    from the unigram law raised to ``ns_exponent``,

    .. math::

        \log \sigma(u_c^\top v_o) + \sum_{k=1}^{K} \log \sigma(-u_{n_k}^\top v_o)

    where ``v`` are the input vectors and ``u`` the output vectors (the
    context word's input vector predicts the center word, as in the word2vec
    C tool). CBOW replaces ``v_o`` by the mean (or sum) ``h`` of the
    window's input vectors and adds the gradient on ``h`` to every context
    word, as the C tool does.

    Training runs in minibatches of ``batch_size`` center words, vectorized
    over windows: for skip-gram the ``K`` noise words of a window are shared
    by its context words (Ji et al., 2016), which keeps the expected
    gradient and turns each window into one small matrix product; for CBOW
    the hidden vectors of a minibatch are one sparse matrix product.

    **Corpora larger than memory.** ``fit`` reads its corpus once, so any
    iterable works (a list, a :class:`LineCorpus`, a generator): a counting
    pass writes the word ids to a temporary file that every epoch reads back
    in chunks, so memory holds the model, never the corpus, and the result
    does not depend on the chunking. ``partial_fit`` adds the new frequent
    words of its documents and trains ``epochs`` passes over them, the
    learning rate decaying again; ``loss='hierarchical_softmax'`` cannot be
    continued. Both are described in the user guide, :ref:`streaming`.

    With scikit-learn >= 1.9, ``set_callbacks`` attaches
    :mod:`sklearn.callback` callbacks (such as
    :class:`~sklearn.callback.ProgressBar`): ``fit`` is one task with one
    subtask per epoch. A callback's request to stop early is ignored.

    References
    ----------
    .. [1] T. Mikolov, K. Chen, G. Corrado and J. Dean, "Efficient Estimation
       of Word Representations in Vector Space", ICLR workshop, 2013.
    .. [2] T. Mikolov, I. Sutskever, K. Chen, G. Corrado and J. Dean,
       "Distributed Representations of Words and Phrases and their
       Compositionality", NeurIPS, 2013.
    .. [3] S. Ji, N. Satish, S. Li and P. Dubey, "Parallelizing Word2Vec in
       Shared and Distributed Memory", arXiv:1604.04661, 2016.
    .. [4] S. Arora, Y. Liang and T. Ma, "A Simple but Tough-to-Beat Baseline
       for Sentence Embeddings", ICLR, 2017.
    .. [5] O. Levy, Y. Goldberg and I. Dagan, "Improving Distributional
       Similarity with Lessons Learned from Word Embeddings", TACL, 2015.

    Examples
    --------
    >>> from sklearn_w2v import Word2VecVectorizer
    >>> corpus = ["the cat sat on the mat", "the dog sat on the log"] * 50
    >>> vectorizer = Word2VecVectorizer(n_components=8, min_count=1, random_state=0)
    >>> X = vectorizer.fit_transform(corpus)
    >>> X.shape
    (100, 8)
    >>> len(vectorizer.wv_)
    7
    >>> vectorizer.wv_.most_similar("cat", topn=1)[0][0] in corpus[1]
    True
    >>> _ = vectorizer.partial_fit(["the bird sat on the branch"] * 10)
    >>> len(vectorizer.wv_), vectorizer.wv_.index_to_key[-2:]
    (9, ['bird', 'branch'])
    """

    _parameter_constraints: dict = {
        **_PoolingVectorizer._parameter_constraints,
        "algorithm": [StrOptions({"skipgram", "cbow"})],
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 1, None, closed="left")],
        "min_count": [Interval(Integral, 1, None, closed="left")],
        "max_features": [Interval(Integral, 1, None, closed="left"), None],
        "max_vocab_size": [Interval(Integral, 1, None, closed="left"), None],
        "subsample": [Interval(Real, 0, None, closed="left")],
        "n_negative": [Interval(Integral, 1, None, closed="left")],
        "loss": [StrOptions({"negative_sampling", "hierarchical_softmax", "softmax"})],
        "ns_exponent": [Interval(Real, None, None, closed="neither")],
        "cbow_mean": ["boolean"],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "min_learning_rate": [Interval(Real, 0, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "shrink_windows": ["boolean"],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "solver": [StrOptions({"sgd", "svd"})],
        "eigenvalue_weighting": [Interval(Real, 0, None, closed="left")],
        "shift_pmi": ["boolean"],
        "word_vectors": [StrOptions({"input", "output", "sum"})],
        "init_vectors": [KeyedVectors, None],
        "n_jobs": [Integral, None],
        "n_shards": [Interval(Integral, 1, None, closed="left"), None],
        "subwords": [tuple, None],
        "n_buckets": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        algorithm="skipgram",
        n_components=100,
        window=5,
        min_count=5,
        max_features=None,
        max_vocab_size=None,
        subsample=1e-3,
        n_negative=5,
        loss="negative_sampling",
        ns_exponent=0.75,
        cbow_mean=True,
        learning_rate=0.025,
        min_learning_rate=1e-4,
        epochs=5,
        shrink_windows=True,
        batch_size=512,
        solver="sgd",
        eigenvalue_weighting=0.0,
        shift_pmi=False,
        pooling="mean",
        sif_alpha=1e-3,
        sif_remove_component=True,
        word_vectors="input",
        init_vectors=None,
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
        n_jobs=None,
        n_shards=None,
        subwords=None,
        n_buckets=2_000_000,
        random_state=None,
        verbose=0,
    ):
        self.algorithm = algorithm
        self.n_components = n_components
        self.window = window
        self.min_count = min_count
        self.max_features = max_features
        self.max_vocab_size = max_vocab_size
        self.subsample = subsample
        self.n_negative = n_negative
        self.loss = loss
        self.ns_exponent = ns_exponent
        self.cbow_mean = cbow_mean
        self.learning_rate = learning_rate
        self.min_learning_rate = min_learning_rate
        self.epochs = epochs
        self.shrink_windows = shrink_windows
        self.batch_size = batch_size
        self.solver = solver
        self.eigenvalue_weighting = eigenvalue_weighting
        self.shift_pmi = shift_pmi
        self.pooling = pooling
        self.sif_alpha = sif_alpha
        self.sif_remove_component = sif_remove_component
        self.word_vectors = word_vectors
        self.init_vectors = init_vectors
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
        self.n_jobs = n_jobs
        self.n_shards = n_shards
        self.subwords = subwords
        self.n_buckets = n_buckets
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the vocabulary and the word vectors from documents.

        Parameters
        ----------
        X : iterable of str or of list of str
            Raw documents (analysed like CountVectorizer does) or
            pre-tokenised documents (lists or tuples of str, used as is).
            Read once, so any iterable works: a list, a
            :class:`LineCorpus`, a generator, a pandas or polars Series. A
            table of one column (a DataFrame, an array of shape ``(n, 1)``)
            is read as that column; other tables raise ValueError.
        y : None
            Ignored.

        Returns
        -------
        self : Word2VecVectorizer
            The fitted vectorizer.
        """
        with self._fitting(X, "fit", previous=None):
            return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Learn the word vectors, then pool each document's vectors.

        Equivalent to ``fit(X).transform(X)`` with the same ``random_state``
        (see ``max_vocab_size`` for the one exception), but the documents are
        read and analysed once: the pooling reads the encoded copy of the
        corpus made for training, so a generator works here too. With
        ``subwords`` it is ``fit(X).transform(X)``, which reads ``X`` twice
        (words under ``min_count`` are pooled through their n-grams), so
        ``X`` cannot be a one-pass iterator.

        Parameters
        ----------
        X : iterable of str or of list of str
            Raw or pre-tokenised documents, as in ``fit``.
        y : None
            Ignored.

        Returns
        -------
        X_new : ndarray of shape (n_documents, n_components), float32
            Pooled document vectors.
        """
        if self.subwords is not None:
            # The spool keeps no strings to compose unseen words from.
            if iter(X) is X:
                raise ValueError(_READ_TWICE)
            return self.fit(X).transform(X)
        with self._fitting(X, "fit_transform", previous=None) as spool:
            return np.concatenate(
                [self._pool(ids, offsets) for ids, offsets in spool.documents()]
            )

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Go on training on new documents, adding their new words.

        On an unfitted vectorizer this is ``fit``. Later calls add the words
        that ``X`` holds ``min_count`` times or more to the vocabulary (old
        words keep their rows), then train ``epochs`` passes over ``X`` from
        the current vectors; see Notes. If the call fails, the vectorizer is
        left as it was before it.

        Parameters
        ----------
        X : iterable of str or of list of str
            Raw or pre-tokenised documents, as in ``fit``.
        y : None
            Ignored.

        Returns
        -------
        self : Word2VecVectorizer
            The updated vectorizer.
        """
        previous = PreviousFit.of(self) if hasattr(self, "wv_") else None
        with self._fitting(X, "partial_fit", previous=previous):
            return self

    @contextmanager
    def _fitting(self, X, method, *, previous):
        """Count and encode X, train on it; yield its encoded copy, then delete it.

        ``previous``: the fitted state to go on from, or None. The fitted
        attributes are built on a copy and set at once, so that after any
        failure the previous model is whole and usable."""
        if previous is None:
            previous = PreviousFit.empty(
                self.n_components, make_generator(self.random_state)
            )
        check_fit_params(self.get_params(deep=False), previous)
        shard_plan = shard_plan_of(self.n_shards)
        # Removed however the fit ends, SIGTERM included; after SIGKILL, by
        # the next fit.
        with spool_directory() as directory:
            spool = count_corpus(
                X,
                directory,
                shard_plan,
                self.get_params(deep=False),
                self._iter_analyzed,
            )
            if spool.n_documents == 0:
                raise ValueError(
                    f"{type(self).__name__}.{method} needs at least one "
                    "document; X is empty."
                )
            fitted, context = self._train_on(spool, X, previous, shard_plan)
            vars(self).update(vars(fitted))
            context.call_on_fit_task_end(
                estimator=self, X=X, reconstruction_attributes={}
            )
            yield spool

    def _train_on(self, spool, X, previous, shard_plan):
        """Train from ``previous`` on the spool; a fitted copy, callback context.

        The steps: grow the vocabulary, make the initial weights, fit them
        (train them, or factorise counts), make the fitted copy.
        """
        params = self.get_params(deep=False)
        index_to_key, counts_in_X, word_counts = grow_spool_vocabulary(
            spool, previous, params
        )
        context = self._init_callback_context(max_subtasks=self.epochs)
        context.call_on_fit_task_begin(estimator=self, X=X)
        rng = previous.rng
        W = initial_weights(previous, index_to_key, self.init_vectors)
        subwords = subword_fit(params, previous, index_to_key, W, rng)
        trained = fit_weights(
            W,
            spool,
            params,
            rng,
            shard_plan,
            counts_in_X=counts_in_X,
            word_counts=word_counts,
            epoch_callback=epoch_tasks(context, self, X),
            composed_input=subwords.composed,
        )
        fitted = fitted_copy(self, previous, trained, W, index_to_key, word_counts)
        subwords.set_vectors(fitted)
        # Pooling statistics come from the in-vocabulary tokens of X.
        fitted._fit_pooling_blocks(spool.documents(), previous.document_frequency)
        return fitted, context

    def _set_vectors(self, W, index_to_key):
        n_words = len(index_to_key)
        self.vocabulary_ = {word: i for i, word in enumerate(index_to_key)}
        self.input_vectors_ = W[0, :n_words]
        # With hierarchical softmax the output rows are the n_words - 1 inner nodes.
        self.output_vectors_ = W[1, : n_words - (self.loss == "hierarchical_softmax")]
        if self.word_vectors == "sum":
            vectors = self.input_vectors_ + self.output_vectors_
        else:
            vectors = getattr(self, f"{self.word_vectors}_vectors_")
        self.wv_ = KeyedVectors(index_to_key, vectors, counts=self.word_counts_)
