"""The count-based solver: word2vec's matrix, factorised directly (PPMI + SVD).

``solver='svd'`` of :class:`Word2VecVectorizer` reads the encoded corpus
once to count its (word, context) pairs
(:mod:`~sklearn_w2v._engine.cooccurrence`: in this process, or in shards on
a cluster's workers), takes their positive PMI, and factorises it with a
truncated randomized SVD: word vectors ``U * S**p``, context vectors
``V * S**p`` (Levy, Goldberg and Dagan, 2015).
"""

import sys
import time

import numpy as np
from sklearn.utils.extmath import randomized_svd

from ._corpus.spool import training_corpus
from ._engine.cooccurrence import count_cooccurrences, count_sharded, positive_pmi
from ._engine.tables import keep_probabilities


def check_svd_params(params):
    """Raise ValueError for parameters that ``solver='svd'`` cannot honour.

    Examples
    --------
    >>> from sklearn_w2v._ppmi_svd import check_svd_params
    >>> params = dict(algorithm="cbow", loss="negative_sampling", init_vectors=None)
    >>> check_svd_params(params)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: solver='svd' factorises skip-gram's matrix ...
    """
    if params["algorithm"] != "skipgram" or params["loss"] != "negative_sampling":
        raise ValueError(
            "solver='svd' factorises skip-gram's matrix (the shifted PMI of "
            "words and contexts that negative sampling factorises); it has no "
            f"algorithm={params['algorithm']!r} with loss={params['loss']!r}. "
            "Use algorithm='skipgram' and loss='negative_sampling', or "
            "solver='sgd'."
        )
    if params["init_vectors"] is not None:
        raise ValueError(
            "solver='svd' computes its vectors from the counts and cannot "
            "start from init_vectors; use solver='sgd' to warm-start."
        )
    if params["subwords"] is not None:
        raise ValueError(
            "solver='svd' factorises the counts of whole words and has no n-gram "
            "rows: use solver='sgd' with subwords, or subwords=None."
        )


def svd_vectors(ppmi, n_components, eigenvalue_weighting, random_state):
    """Word and context vectors of a truncated SVD of ``ppmi``: ``U S**p``, ``V S**p``.

    Parameters
    ----------
    ppmi : sparse matrix of shape (n_words, n_words)
    n_components : int
        Singular vectors kept; beyond the matrix's rank (small vocabularies)
        the vectors end with zero components.
    eigenvalue_weighting : float
        The exponent ``p`` of the singular values.
    random_state : int
        Seed of the randomized SVD.

    Returns
    -------
    W : ndarray of shape (2, n_words, n_components), float32
        Word vectors, then context vectors; each component's sign is the
        deterministic one that :func:`~sklearn.utils.extmath.randomized_svd`
        chooses (:func:`~sklearn.utils.extmath.svd_flip`).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._ppmi_svd import svd_vectors
    >>> M = np.diag([4.0, 1.0, 0.0])
    >>> svd_vectors(M, 2, 0.5, 0)[0].round(3).tolist()
    [[2.0, 0.0], [0.0, 1.0], [0.0, 0.0]]
    """
    n_words = ppmi.shape[0]
    rank = min(n_components, n_words)
    # float32 products cost less. On the large benchmark corpus, 3 power
    # iterations lost 0.003 WordSim-353 (and no analogy accuracy) against 5,
    # in half the time; 1 lost 0.045.
    ppmi = ppmi.astype(np.float32)
    U, S, Vt = randomized_svd(ppmi, rank, n_iter=3, random_state=random_state)
    weights = S**eigenvalue_weighting
    W = np.zeros((2, n_words, n_components), dtype=np.float32)
    W[0, :, :rank] = U * weights
    W[1, :, :rank] = Vt.T * weights
    return W


def count_pairs(spool, params, word_counts, seed, shard_plan):
    """Count the (word, context) pairs of the spool: here, or in shards.

    Returns
    -------
    counts : scipy.sparse.csr_matrix of shape (n_words, n_words), float64
    n_centers : int
    """
    n_tokens = int(word_counts.sum())
    corpus = training_corpus(spool, n_tokens)
    keep_prob = keep_probabilities(word_counts, params["subsample"])
    stream = dict(
        window=params["window"],
        shrink_windows=params["shrink_windows"],
        max_span=max(spool.longest_document - 1, 1),
        seed=seed,
    )
    n_shards, n_workers = shard_plan
    if n_shards is None:
        return count_cooccurrences(corpus, keep_prob, **stream)
    return count_sharded(
        corpus,
        n_tokens,
        keep_prob,
        n_shards=n_shards,
        directory=spool.directory,
        n_workers=n_workers,
        **stream,
    )


def svd_fit(W, spool, params, rng, shard_plan, *, word_counts):
    """Fit ``W`` in place with the count-based solver; (empty loss curve, centers).

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32
        Its word and context rows are overwritten (the padding row stays).
    spool : CorpusSpool
        The encoded corpus, with its words mapped to rows of ``W``.
    params : dict
        The vectorizer's parameters.
    rng : numpy.random.Generator
        Seeds the count's stream and the SVD.
    shard_plan : (int or None, int or None)
        Shards and cluster workers: no shards counts in this process.
    word_counts : ndarray of shape (n_words,)
        Occurrences of each word: the subsampling follows them.

    Returns
    -------
    loss_curve : ndarray of shape (0,), float64
    n_centers : int
        Centers (kept tokens) counted.
    """
    check_svd_params(params)
    count_seed, svd_seed = rng.integers(np.iinfo(np.int32).max, size=2).tolist()
    started = time.perf_counter()
    counts, n_centers = count_pairs(spool, params, word_counts, count_seed, shard_plan)
    counted = time.perf_counter()
    shift = params["n_negative"] if params["shift_pmi"] else 1.0
    ppmi = positive_pmi(counts, context_exponent=params["ns_exponent"], shift=shift)
    W[:, : len(word_counts)] = svd_vectors(
        ppmi, params["n_components"], params["eigenvalue_weighting"], svd_seed
    )
    if params["verbose"]:
        print(
            f"counted {counts.sum():,.0f} pairs of {n_centers:,} centers "
            f"({counts.nnz:,} distinct) in {counted - started:.1f}s; SVD of "
            f"their positive PMI ({ppmi.nnz:,} nonzeros) in "
            f"{time.perf_counter() - counted:.1f}s",
            file=sys.stderr,
        )
    return np.zeros(0), n_centers
