"""The steps of a fit around the engine: previous state, weights, settings, engine.

:class:`Word2VecVectorizer` strings them together: it grows the vocabulary,
makes the initial weights (:func:`initial_weights`), builds the engine's
settings (:func:`training_settings`), fits the engine (:func:`engine_fit`:
locally, or over shards) and keeps a fitted copy.
"""

import copy
from dataclasses import dataclass

import numpy as np
from joblib import cpu_count
from sklearn.utils import check_random_state

from ._corpus.parts import cluster_size, corpus_parts, count_in_parts
from ._corpus.spool import CorpusSpool, training_corpus
from ._corpus.text import build_analyzer
from ._corpus.vocabulary import grow_vocabulary
from ._engine.loop import train
from ._engine.losses.softmax import MAX_SOFTMAX_WORDS
from ._engine.sharded import train_sharded
from ._engine.steps import make_settings
from ._engine.tables import huffman_tree, keep_probabilities, noise_table
from ._engine.weights import copy_pretrained, extend_weights
from ._ppmi_svd import check_svd_params, svd_fit
from ._subword_fitting import check_subwords


@dataclass(frozen=True)
class PreviousFit:
    """The fitted state that a fit goes on from: empty for ``fit``.

    ``partial_fit`` passes the vectorizer's fitted vocabulary, counts,
    weights, generator, loss curve and document frequencies (and a subword
    model's word and n-gram rows), so that ``fit`` and ``partial_fit`` take
    one path.
    """

    index_to_key: list
    word_counts: np.ndarray
    W_in: np.ndarray
    W_out: np.ndarray
    rng: np.random.Generator
    loss_curve: np.ndarray
    n_words_trained: int
    document_frequency: tuple | None
    word_rows: np.ndarray | None = None
    subwords: object = None

    @classmethod
    def empty(cls, n_components, rng):
        """The state before any training: no words, a fresh generator."""
        no_vectors = np.zeros((0, n_components), dtype=np.float32)
        return cls(
            index_to_key=[],
            word_counts=np.zeros(0, dtype=np.int64),
            W_in=no_vectors,
            W_out=no_vectors,
            rng=rng,
            loss_curve=np.zeros(0),
            n_words_trained=0,
            document_frequency=None,
        )

    @classmethod
    def of(cls, vectorizer):
        """The fitted state of ``vectorizer`` that ``partial_fit`` goes on from."""
        tree_outputs = len(vectorizer.output_vectors_) < len(vectorizer.wv_)
        if vectorizer.loss == "hierarchical_softmax" or tree_outputs:
            raise ValueError(
                "partial_fit cannot go on training with hierarchical softmax: the "
                "output vectors are the inner nodes of a Huffman tree built from "
                "the word counts, which new documents change. Fit on all the "
                "documents at once, or use loss='negative_sampling' or 'softmax'."
            )
        if vectorizer.solver == "svd":
            raise ValueError(
                "partial_fit cannot go on with solver='svd': its vectors "
                "factorise the counts of all the documents at once. Fit on all "
                "of them, or set solver='sgd' to go on training from these vectors."
            )
        if vectorizer.n_components != vectorizer.wv_.vector_size:
            raise ValueError(
                f"n_components={vectorizer.n_components} but the fitted vectors "
                f"have {vectorizer.wv_.vector_size} components; partial_fit "
                "cannot change it."
            )
        subwords = getattr(vectorizer.wv_, "subwords", None)
        return cls(
            index_to_key=vectorizer.wv_.index_to_key,
            word_counts=vectorizer.word_counts_,
            W_in=vectorizer.input_vectors_,
            W_out=vectorizer.output_vectors_,
            # A copy: a failed call must not move the generator on.
            rng=copy.deepcopy(vectorizer._rng),
            loss_curve=vectorizer.loss_curve_,
            n_words_trained=vectorizer.n_words_trained_,
            document_frequency=getattr(vectorizer, "_document_frequency", None),
            # A subword model's n-gram rows, and its words' own rows.
            subwords=subwords,
            word_rows=None if subwords is None else vectorizer._word_rows,
        )


def make_generator(random_state):
    """Derive the one :class:`numpy.random.Generator` of a fit from ``random_state``.

    Parameters
    ----------
    random_state : int, RandomState instance or None
        As accepted by scikit-learn estimators.

    Returns
    -------
    rng : numpy.random.Generator

    Examples
    --------
    >>> from sklearn_w2v._fitting import make_generator
    >>> int(make_generator(0).integers(100)) == int(make_generator(0).integers(100))
    True
    """
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    return np.random.default_rng(seed)


def fitted_copy(vectorizer, previous, trained, W, index_to_key, word_counts):
    """A copy of ``vectorizer`` with the fitted attributes of ``W``.

    ``trained``: the loss curve and the centers trained of this call,
    appended to those of ``previous``.
    """
    loss_curve, n_words_trained = trained
    fitted = copy.copy(vectorizer)
    fitted.loss_curve_ = np.concatenate([previous.loss_curve, loss_curve])
    fitted.n_words_trained_ = previous.n_words_trained + n_words_trained
    fitted._rng = previous.rng  # partial_fit goes on drawing from it
    fitted.word_counts_ = word_counts
    fitted._set_vectors(W, index_to_key)
    return fitted


def training_jobs(n_jobs):
    """Jobs of one fit on this machine: None is 1, -1 all cores, -2 all but one...

    Not joblib's ``effective_n_jobs``, which reads the active backend and
    configuration: under a Dask backend ``None`` would mean its worker count.

    Examples
    --------
    >>> from sklearn_w2v._fitting import training_jobs
    >>> training_jobs(None), training_jobs(3)
    (1, 3)
    """
    if n_jobs is None:
        return 1
    if n_jobs == 0:
        raise ValueError("n_jobs=0 means no job: use 1 (or None), or -1 for all cores.")
    return n_jobs if n_jobs > 0 else max(cpu_count() + 1 + n_jobs, 1)


def check_fit_params(params, previous):
    """Check what needs no data before the corpus is read; ``previous`` may go on.

    Examples
    --------
    >>> from sklearn_w2v import KeyedVectors
    >>> from sklearn_w2v._fitting import check_fit_params
    >>> params = dict(init_vectors=KeyedVectors(["a"], [[1.0, 2.0]]), n_components=3)
    >>> check_fit_params(params, None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: init_vectors has vector_size=2 but n_components=3; ...
    """
    size = getattr(params["init_vectors"], "vector_size", params["n_components"])
    if size != params["n_components"]:
        raise ValueError(
            f"init_vectors has vector_size={size} but "
            f"n_components={params['n_components']}; they must be equal."
        )
    check_subwords(params, previous)
    if params["solver"] == "svd":
        check_svd_params(params)
    if params["subwords"] and params["loss"] == "softmax" and params["n_jobs"] != 1:
        if training_jobs(params["n_jobs"]) > 1:
            # Each job composes in rows of its own, which the softmax would score.
            raise ValueError(
                "loss='softmax' with subwords trains in one job: set n_jobs=1, "
                "or use loss='negative_sampling' or 'hierarchical_softmax'."
            )


def check_output_layer(params, n_words):
    """Validate ``loss`` and ``word_vectors`` of ``params`` against the vocabulary size.

    Examples
    --------
    >>> from sklearn_w2v._fitting import check_output_layer
    >>> params = dict(loss="softmax", word_vectors="input", batch_size=512, window=5)
    >>> check_output_layer(params, 100)
    >>> check_output_layer(params, 10_000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: loss='softmax' scores every word for every context: ...
    """
    loss, word_vectors = params["loss"], params["word_vectors"]
    if loss == "softmax" and n_words > MAX_SOFTMAX_WORDS:
        megabytes = params["batch_size"] * 2 * params["window"] * n_words * 4 / 2**20
        raise ValueError(
            f"loss='softmax' scores every word for every context: with "
            f"{n_words:,} words that is a dense product of about "
            f"{megabytes:,.0f} MiB per minibatch and an update of all output "
            f"vectors at each step. It accepts at most {MAX_SOFTMAX_WORDS:,} "
            "words: set max_features (or raise min_count), or use "
            "loss='negative_sampling' or 'hierarchical_softmax'."
        )
    if loss == "hierarchical_softmax" and word_vectors != "input":
        raise ValueError(
            f"word_vectors={word_vectors!r} needs one output vector per "
            "word; with loss='hierarchical_softmax' the output matrix holds "
            "the Huffman tree's inner nodes. Use word_vectors='input'."
        )


def shard_plan_of(n_shards):
    """(shards, workers): shards None trains locally; workers None runs here."""
    # Only n_shards shards: a backend must not change what a fit computes.
    if n_shards is None:
        return None, None
    return n_shards, cluster_size()


def count_corpus(X, directory, shard_plan, params, iter_analyzed):
    """The counting pass into a spool in ``directory``: in parts, as tasks, on shards.

    ``iter_analyzed(X)`` yields the analysed documents when counting here.
    """
    n_shards, n_workers = shard_plan
    parts = None
    # Pruning while counting is a sequential process: one pass.
    if n_shards is not None and params["max_vocab_size"] is None:
        parts = corpus_parts(X, n_shards)
    if parts is None:
        spool = CorpusSpool(directory, params["max_vocab_size"])
        spool.write(iter_analyzed(X), verbose=params["verbose"])
        return spool
    analyzer = build_analyzer(params)
    return count_in_parts(parts, analyzer, params["input"], directory, n_workers)


def grow_spool_vocabulary(spool, previous, params):
    """Add the frequent new words of the spool; map its slots to their rows.

    Returns
    -------
    index_to_key : list of str
        The vocabulary, the words of ``previous`` first.
    counts_in_X : ndarray of shape (n_words,), int64
        Occurrences of each word in the spool's documents.
    word_counts : ndarray of shape (n_words,), int64
        Occurrences over every call.
    """
    index_to_key, rows, counts_in_X = grow_vocabulary(
        previous.index_to_key,
        list(spool.slots),
        spool.counts,
        min_count=params["min_count"],
        max_features=params["max_features"],
    )
    spool.map_slots(rows)
    word_counts = counts_in_X.copy()
    word_counts[: len(previous.index_to_key)] += previous.word_counts
    check_output_layer(params, len(index_to_key))
    return index_to_key, counts_in_X, word_counts


def initial_weights(previous, index_to_key, init_vectors):
    """The previous weights, with rows for the new words: pretrained or random.

    Returns
    -------
    W : ndarray of shape (2, n_words + 1, n_components), float32
        Input and output vectors of ``index_to_key``, each with a zero
        padding row last; the new rows are drawn from ``previous.rng``.
    """
    n_old, n_words = len(previous.index_to_key), len(index_to_key)
    W = extend_weights(previous.W_in, previous.W_out, n_words - n_old, previous.rng)
    if init_vectors is not None:
        new = slice(n_old, n_words)
        copy_pretrained(W[0, new], index_to_key[new], init_vectors)
    return W


def training_settings(params, W, rng, *, counts_in_X, word_counts, sharded, **fit):
    """The engine's settings of a fit; draws the seeds of its epochs from ``rng``.

    Parameters
    ----------
    params : dict
        The vectorizer's parameters.
    W : ndarray of shape (2, n_words + 1, n_components), float32
    rng : numpy.random.Generator
    counts_in_X : ndarray of shape (n_words,)
        Occurrences of each word in the documents trained on.
    word_counts : ndarray of shape (n_words,)
        Occurrences over every call: the subsampling, the noise and the
        Huffman tree follow them.
    sharded : bool
        A sharded fit's tasks train on one core each.
    **fit
        ``longest_document`` and ``epoch_callback`` of
        :func:`~sklearn_w2v._engine.steps.make_settings`.

    Returns
    -------
    settings : TrainingSettings
    """
    huffman = None
    if params["loss"] == "hierarchical_softmax":
        huffman = huffman_tree(word_counts)
    n_jobs = training_jobs(params["n_jobs"])
    names = ("algorithm", "window", "shrink_windows", "n_negative", "loss")
    names += ("cbow_mean", "learning_rate", "min_learning_rate", "epochs")
    return make_settings(
        W,
        rng,
        word_counts=counts_in_X,
        keep_prob=keep_probabilities(word_counts, params["subsample"]),
        noise_table=noise_table(word_counts, params["ns_exponent"]),
        huffman=huffman,
        batch_size=params["batch_size"],
        n_jobs=1 if sharded else n_jobs,
        verbose=params["verbose"],
        **{name: params[name] for name in names},
        **fit,
    )


def fit_weights(W, spool, params, rng, shard_plan, *, counts_in_X, word_counts, **fit):
    """Fit ``W`` in place with the solver of ``params``: train it, or factorise counts.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32
    spool : CorpusSpool
        The encoded corpus, with its words mapped to rows of ``W``.
    params : dict
        The vectorizer's parameters.
    rng : numpy.random.Generator
    shard_plan : (int or None, int or None)
        Shards and cluster workers: no shards fits in this process.
    counts_in_X, word_counts : ndarray of shape (n_words,)
        See :func:`training_settings`.
    **fit
        ``epoch_callback`` of :func:`training_settings` (``solver='sgd'``).

    Returns
    -------
    loss_curve : ndarray of shape (epochs,) or (0,) with ``solver='svd'``, float64
    n_words_trained : int
        Centers trained (``solver='svd'``: counted).
    """
    if params["solver"] == "svd":
        return svd_fit(W, spool, params, rng, shard_plan, word_counts=word_counts)
    settings = training_settings(
        params,
        W,
        rng,
        counts_in_X=counts_in_X,
        word_counts=word_counts,
        longest_document=spool.longest_document,
        sharded=shard_plan[0] is not None,
        **fit,
    )
    return engine_fit(W, spool, int(counts_in_X.sum()), settings, rng, shard_plan)


def engine_fit(W, spool, n_tokens, settings, rng, shard_plan):
    """Train the engine on the spool's corpus, updating ``W`` in place.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32
    spool : CorpusSpool
        The encoded corpus, with its words mapped to rows of ``W``.
    n_tokens : int
        Its in-vocabulary tokens.
    settings : TrainingSettings
    rng : numpy.random.Generator
    shard_plan : (int or None, int or None)
        Shards and cluster workers: no shards trains in this process.

    Returns
    -------
    loss_curve : ndarray of shape (epochs,), float64
    n_words_trained : int
    """
    corpus = training_corpus(spool, n_tokens)
    n_shards, n_workers = shard_plan
    if n_shards is None:
        return train(W, corpus, settings, rng)
    return train_sharded(
        W,
        corpus,
        settings,
        rng,
        n_shards=n_shards,
        n_tokens=n_tokens,
        directory=spool.directory,
        n_workers=n_workers,
    )
