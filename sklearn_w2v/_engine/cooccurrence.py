"""Counts of (word, context) pairs in the windows of a corpus, and their positive PMI.

Skip-gram with negative sampling factorises, implicitly, the matrix of
pointwise mutual information of words and contexts shifted by
``log(n_negative)`` (Levy and Goldberg, 2014). The count-based solver builds
that matrix: it reads the corpus once, counts the pairs that training would
meet in the same stream (the same subsampling, the same shrunk windows, see
:func:`~sklearn_w2v._engine.sampling.stream_segments`) into a sparse matrix,
and keeps the positive part of its PMI (:func:`positive_pmi`), with the
contexts' law smoothed by the noise law's exponent. Counting is a sum of
sparse matrices, so shards of the corpus count apart, on the workers of a
cluster, and their counts add up (:func:`count_sharded`).
"""

import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed

from . import hooks
from .memory import reused_heap
from .sampling import stream_segments
from .sharded import write_shards

#: Pairs collected before they are summed into the sparse counts: bounds the
#: memory of counting to about 20 bytes a pair (the pair, then its row,
#: column and count while summed).
PAIRS_PER_SUM = 1 << 23

#: Centers whose pairs are made at a time.
CENTERS_PER_SLICE = 1 << 13

#: Tokens of a shard read at a time.
SHARD_CHUNK = 1 << 20


def window_pairs(tokens, docs, spans, window):
    """The (word, context) pairs of a padded segment's windows, one offset at a time.

    Parameters
    ----------
    tokens, docs : ndarray of shape (n_centers + 2 * window,), int32
        A segment of the padded stream (see
        :func:`~sklearn_w2v._engine.sampling.stream_segments`).
    spans : ndarray of shape (n_centers,)
        Half-width of each center's window.
    window : int
        The segment's padding.

    Yields
    ------
    meets : ndarray of shape (n_centers,), bool
        The centers that meet a context at one offset, on one side: the
        pairs are ``(centers[meets], contexts[meets])``. One buffer, rewritten
        for the next offset.
    contexts : ndarray of shape (n_centers,), int32
        The token at that offset of each center (a view of ``tokens``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.cooccurrence import window_pairs
    >>> tokens = np.array([9, 0, 1, 2, 9], dtype=np.int32)
    >>> docs = np.array([-1, 0, 0, 1, -1], dtype=np.int32)
    >>> centers = tokens[1:-1]
    >>> for meets, contexts in window_pairs(tokens, docs, np.ones(3, int), 1):
    ...     print(centers[meets].tolist(), contexts[meets].tolist())
    [0] [1]
    [1] [0]
    """
    n_centers = len(spans)
    word_docs = docs[window : window + n_centers]
    reaches, meets = np.empty((2, n_centers), dtype=bool)
    for offset in range(1, window + 1):
        np.greater_equal(spans, offset, out=reaches)
        for shift in (offset, -offset):
            around = slice(window + shift, window + shift + n_centers)
            # Padding has document -1, never a center's: no pair leaves a document.
            np.equal(docs[around], word_docs, out=meets)
            meets &= reaches
            yield meets, tokens[around]


def count_cooccurrences(
    chunks, keep_prob, *, window, shrink_windows, seed, max_span=None
):
    """Count the (word, context) pairs of the subsampled stream of a corpus.

    Parameters
    ----------
    chunks : iterable of (ids, doc_ids)
        Consecutive pieces of the corpus: word ids (int32) and document
        indices (int32) of its in-vocabulary tokens.
    keep_prob : ndarray of shape (n_words,)
        Probability of keeping an occurrence of each word.
    window : int
        Maximum distance between a word and a context.
    shrink_windows : bool
        Draw each center's half-width uniformly in ``[1, window]``.
    seed : int or array of int
        Seed of the keep and span draws, as an epoch's stream.
    max_span : int, default=None
        Cut the spans to this (the longest document's length minus one).

    Returns
    -------
    counts : scipy.sparse.csr_matrix of shape (n_words, n_words), float64
        ``counts[w, c]``: times the context ``c`` fell in a window of the
        word ``w``; integers.
    n_centers : int
        Kept tokens (centers) counted.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.cooccurrence import count_cooccurrences
    >>> chunks = [(np.array([0, 1, 0, 1], dtype=np.int32), np.zeros(4, np.int32))]
    >>> counts, n_centers = count_cooccurrences(
    ...     chunks, np.ones(2), window=2, shrink_windows=False, seed=0)
    >>> counts.toarray().tolist(), n_centers
    ([[2.0, 3.0], [3.0, 2.0]], 4)
    """
    counts, n_centers = _count_exactly(
        chunks,
        keep_prob,
        window=window,
        shrink_windows=shrink_windows,
        seed=seed,
        max_span=max_span,
    )
    return counts.astype(np.float64), n_centers


def _count_exactly(chunks, keep_prob, **stream):
    """:func:`count_cooccurrences`, with counts in an unsigned integer type.

    The type is uint32 while fewer than ``2**32`` pairs were counted, then
    uint64: no count can exceed the pairs counted, so none wraps.
    """
    pairs = _PairBuffer(len(keep_prob))
    n_centers = 0
    segments = stream_segments(chunks, keep_prob, batch_size=1, **stream)
    for tokens, docs, spans, _ in hooks.timed_iteration("stream", segments):
        n_centers += len(spans)
        padding = (len(tokens) - len(spans)) // 2
        # Slices of a few thousand centers keep the temporaries of each
        # offset small: out of the cache and of fresh pages (see _PairBuffer).
        for start in range(0, len(spans), CENTERS_PER_SLICE):
            stop = min(start + CENTERS_PER_SLICE, len(spans))
            window = slice(start, stop + 2 * padding)
            centers = tokens[start + padding : stop + padding]
            for meets, contexts in window_pairs(
                tokens[window], docs[window], spans[start:stop], padding
            ):
                pairs.add(meets, centers, contexts)
    pairs.flush()
    return pairs.counts, n_centers


class _PairBuffer:
    """(word, context) pairs written in place, summed into ``counts`` when full.

    Writing into one buffer instead of making arrays per offset measured
    about 10% less CPU time, more where the allocator gives fresh pages to
    every large array (dask's workers set ``MALLOC_TRIM_THRESHOLD_``, which
    does that): the buffer, and its ones as the pairs' weights, are made
    once.
    """

    def __init__(self, n_words):
        self.counts = sp.csr_matrix((n_words, n_words), dtype=np.uint32)
        # Pages of an empty array are not touched: a small corpus uses few.
        self.pairs = np.empty((2, PAIRS_PER_SUM), dtype=np.int32)
        self.ones = np.ones(0, dtype=np.uint32)
        self.n_pending = 0
        self.n_pairs = 0

    def add(self, meets, centers, contexts):
        """Append the pairs ``(centers[meets], contexts[meets])``."""
        n_new = int(np.count_nonzero(meets))
        if self.n_pending + n_new > self.pairs.shape[1]:
            self.flush()
            if n_new > self.pairs.shape[1]:
                self.pairs = np.empty((2, n_new), dtype=np.int32)
        start, end = self.n_pending, self.n_pending + n_new
        np.compress(meets, centers, out=self.pairs[0, start:end])
        np.compress(meets, contexts, out=self.pairs[1, start:end])
        self.n_pending = end

    def flush(self):
        """Sum the pending pairs into ``counts``."""
        n_pending = self.n_pending
        if len(self.ones) < n_pending:
            # A block's counts are at most its pairs: the type holds them.
            dtype = np.promote_types(np.uint32, np.min_scalar_type(n_pending))
            self.ones = np.ones(n_pending, dtype=dtype)
        self.n_pairs += n_pending
        pending = self.pairs[:, :n_pending]
        ones = self.ones[:n_pending]
        self.counts = _add_pairs(self.counts, pending, ones, self.n_pairs)
        self.n_pending = 0


def _add_pairs(counts, pairs, ones, n_pairs):
    """``counts`` plus the counts of the (word, context) pairs ``pairs``.

    Parameters
    ----------
    counts : scipy.sparse.csr_matrix of shape (n_words, n_words), unsigned
    pairs : ndarray of shape (2, n_new), int32
        Words, then contexts.
    ones : ndarray of shape (n_new,), unsigned
        Ones, in a type that holds ``n_new``.
    n_pairs : int
        The pairs counted in ``counts`` and ``pairs`` together, which bound
        every count: the sum is in uint32 below ``2**32`` pairs, else uint64.

    Returns
    -------
    counts : scipy.sparse.csr_matrix of shape (n_words, n_words), unsigned
    """
    with hooks.timed("count"):
        dtype = np.promote_types(np.uint32, np.min_scalar_type(n_pairs))
        # Converting to CSR sums the repeated pairs; 4-byte counts cost less
        # to sort and add than float64.
        block = sp.csr_matrix((ones, (pairs[0], pairs[1])), shape=counts.shape)
        return counts.astype(dtype, copy=False) + block


def compact_counts(counts):
    """The counts in the smallest unsigned type that holds the largest, exactly.

    A shard's counts travel from a worker in this form: uint16 data and
    int32 indices take half the bytes of float64 data.

    Parameters
    ----------
    counts : scipy.sparse.csr_matrix, of non-negative integers

    Returns
    -------
    compact : scipy.sparse.csr_matrix
        The same counts, in uint8, uint16, uint32 or uint64.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> from sklearn_w2v._engine.cooccurrence import compact_counts
    >>> compact_counts(sp.csr_matrix(np.array([[0, 300], [2, 0]]))).dtype.name
    'uint16'
    """
    largest = int(counts.data.max(initial=0))
    data = counts.data.astype(np.min_scalar_type(largest))
    return sp.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)


def sum_counts(matrices):
    """The sum of integer counts, in float64, with no intermediate sum wrapping.

    The sum runs in the smallest unsigned type that holds the sum of the
    matrices' largest counts, pairwise in a tree, and is converted to
    float64 once at the end (exact below ``2**53``; beyond, the sum runs in
    float64).

    Parameters
    ----------
    matrices : list of scipy.sparse.csr_matrix, of non-negative integers
        Of one shape; at least one.

    Returns
    -------
    total : scipy.sparse.csr_matrix, float64

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> from sklearn_w2v._engine.cooccurrence import sum_counts
    >>> one = sp.csr_matrix(np.array([[0, 200]], dtype=np.uint8))
    >>> sum_counts([one, one]).toarray().tolist()
    [[0.0, 400.0]]
    """
    bound = sum(int(m.data.max(initial=0)) for m in matrices)
    dtype = np.min_scalar_type(bound) if bound < 2**53 else np.float64
    matrices = [m.astype(dtype, copy=False) for m in matrices]
    while len(matrices) > 1:
        pairs = zip(matrices[::2], matrices[1::2], strict=False)
        matrices = [a + b for a, b in pairs] + matrices[len(matrices) // 2 * 2 :]
    total = matrices[0]
    # Only the data changes type: the indices need no copy.
    data = total.data.astype(np.float64)
    return sp.csr_matrix((data, total.indices, total.indptr), shape=total.shape)


def count_shard(shard_paths, keep_prob_path, seed, **stream):
    """Count the pairs of one shard (its .npy files); a task of :func:`count_sharded`.

    Parameters
    ----------
    shard_paths : (str, str)
        The shard's word ids and document ids.
    keep_prob_path : str
        The .npy file of the words' keep probabilities, of shape (n_words,).
    seed : ndarray of uint32
        The shard's own seed.
    **stream
        ``window``, ``shrink_windows`` and ``max_span`` of
        :func:`count_cooccurrences`.

    Returns
    -------
    counts : scipy.sparse.csr_matrix of shape (n_words, n_words)
        Exact, in the smallest unsigned type (:func:`compact_counts`).
    n_centers : int
    seconds : (float, float)
        Wall time and CPU time of the task, measured where it ran.
    """
    started, cpu_started = time.perf_counter(), time.thread_time()
    keep_prob = np.load(keep_prob_path)
    ids, doc_ids = (np.load(path, mmap_mode="r") for path in shard_paths)
    # Read in chunks, as a spool is: the counts do not depend on the chunking.
    chunks = (
        (ids[start : start + SHARD_CHUNK], doc_ids[start : start + SHARD_CHUNK])
        for start in range(0, len(ids), SHARD_CHUNK)
    )
    with reused_heap():
        counts, n_centers = _count_exactly(chunks, keep_prob, seed=seed, **stream)
        counts = compact_counts(counts)
    seconds = (time.perf_counter() - started, time.thread_time() - cpu_started)
    return counts, n_centers, seconds


def count_sharded(
    corpus, n_tokens, keep_prob, *, n_shards, directory, n_workers, seed, **stream
):
    """Count the pairs of a corpus in shards, as joblib tasks; sum their counts.

    The corpus is dealt to ``n_shards`` shards of whole documents written in
    ``directory`` (:func:`~sklearn_w2v._engine.sharded.write_shards`); each
    task counts one shard's stream, drawn from the shard's own seed, and
    returns its counts in the smallest unsigned type that holds them
    (:func:`compact_counts`); they are summed pairwise, in a tree
    (:func:`sum_counts`). The result depends on the seed and the shard count
    only, not on where the tasks ran. Emits one ``"count"`` event, with the
    bytes and times of the parts (see :mod:`~sklearn_w2v._engine.hooks`).

    Parameters
    ----------
    corpus : iterable of (ids, doc_ids)
        Re-iterable chunks of the encoded corpus.
    n_tokens : int
        Its tokens.
    keep_prob : ndarray of shape (n_words,)
    n_shards : int
    directory : path-like
        Where the shards are written; every worker must read it.
    n_workers : int or None
        Workers of the active cluster backend, or None to count here.
    seed : int
        Seed of the count: shard ``s`` draws from the state of
        ``SeedSequence(seed, spawn_key=(s,))``.
    **stream
        ``window``, ``shrink_windows`` and ``max_span`` of
        :func:`count_cooccurrences`.

    Returns
    -------
    counts : scipy.sparse.csr_matrix of shape (n_words, n_words), float64
    n_centers : int

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from sklearn_w2v._engine.cooccurrence import count_sharded
    >>> chunks = [(np.array([0, 1, 0, 1], dtype=np.int32),
    ...            np.array([0, 0, 1, 1], dtype=np.int32))]
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     counts, n_centers = count_sharded(
    ...         chunks, 4, np.ones(2), n_shards=2, directory=directory,
    ...         n_workers=None, seed=0, window=1, shrink_windows=False)
    >>> counts.toarray().tolist(), n_centers
    ([[0.0, 2.0], [2.0, 0.0]], 4)
    """
    started = time.perf_counter()
    paths = write_shards(corpus, n_tokens, n_shards, directory)
    # The tasks read the keep probabilities from a file, as the shards: an
    # array argument of a task, under joblib's Dask backend, is scattered to
    # one worker, and the scheduler then ran every task on that worker, one
    # after the other (measured: the second shard's task started when the
    # first ended, in 3 runs out of 3 of one probe).
    keep_prob_path = str(Path(directory) / "keep-prob.npy")
    np.save(keep_prob_path, keep_prob)
    written = time.perf_counter()
    tasks = (
        delayed(count_shard)(
            shard_paths,
            keep_prob_path,
            np.random.SeedSequence(seed, spawn_key=(s,)).generate_state(4),
            **stream,
        )
        for s, shard_paths in enumerate(paths)
    )
    results = Parallel(n_jobs=1 if n_workers is None else -1)(tasks)
    returned = time.perf_counter()
    counts = sum_counts([counts for counts, _, _ in results])
    hooks.emit(
        "count",
        n_shards=n_shards,
        bytes_from_workers=[
            m.data.nbytes + m.indices.nbytes + m.indptr.nbytes for m, _, _ in results
        ],
        task_seconds=[seconds for _, _, (seconds, _) in results],
        task_cpu_seconds=[cpu for _, _, (_, cpu) in results],
        write_seconds=written - started,
        tasks_seconds=returned - written,
        sum_seconds=time.perf_counter() - returned,
    )
    return counts, sum(n_centers for _, n_centers, _ in results)


def positive_pmi(counts, *, context_exponent=0.75, shift=1.0):
    """Positive pointwise mutual information of word-context counts.

    ``max(log(P(w, c) / (P(w) P_a(c))) - log(shift), 0)``, where ``P(w, c)``
    and ``P(w)`` are the shares of the pairs and of the words' rows, and the
    law of the contexts is smoothed: ``P_a(c)`` is proportional to the
    context's count raised to ``context_exponent`` (Levy, Goldberg and
    Dagan, 2015; 0.75 is word2vec's noise law). Only the nonzero counts are
    computed: a pair never seen has PMI minus infinity, clipped to 0.

    Parameters
    ----------
    counts : sparse matrix of shape (n_words, n_contexts)
        Co-occurrence counts (or weights), non-negative.
    context_exponent : float, default=0.75
        Exponent of the contexts' counts in their law.
    shift : float, default=1.0
        Subtracted from the PMI as ``log(shift)``: ``n_negative`` gives the
        shifted PMI that skip-gram with ``n_negative`` noise words
        factorises; 1 shifts nothing.

    Returns
    -------
    ppmi : scipy.sparse.csr_matrix of shape (n_words, n_contexts), float64
        With its zeros removed.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> from sklearn_w2v._engine.cooccurrence import positive_pmi
    >>> counts = sp.csr_matrix(np.array([[0.0, 4.0], [4.0, 1.0]]))
    >>> positive_pmi(counts, context_exponent=1.0).toarray().round(3).tolist()
    [[0.0, 0.588], [0.588, 0.0]]
    """
    counts = sp.csr_matrix(counts, dtype=np.float64)
    counts.sum_duplicates()
    counts.eliminate_zeros()
    word_totals = np.asarray(counts.sum(axis=1)).ravel()
    context_totals = np.asarray(counts.sum(axis=0)).ravel()
    seen = context_totals > 0
    weights = np.zeros_like(context_totals)
    weights[seen] = context_totals[seen] ** context_exponent
    context_law = weights / weights.sum()
    words = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    pmi = (
        np.log(counts.data)
        - np.log(word_totals[words])
        - np.log(context_law[counts.indices])
        - np.log(shift)
    )
    ppmi = sp.csr_matrix(
        (np.maximum(pmi, 0.0), counts.indices.copy(), counts.indptr.copy()),
        shape=counts.shape,
    )
    ppmi.eliminate_zeros()
    return ppmi
