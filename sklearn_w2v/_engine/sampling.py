"""Vectorized draws of one training epoch: kept tokens, spans, negatives.

The kept tokens of an epoch are laid out in a padded stream: ``window``
padding positions on each side, holding the padding row ``n_words`` (a zero
row of both weight matrices) and the document id ``-1``. The contexts of the
center at stream position ``p`` are then the slice ``p - window .. p + window``
and a minibatch of consecutive centers is a handful of slices, never a
per-pair Python loop (see :mod:`~sklearn_w2v._engine.layout`).
"""

import numpy as np


def subsample_stream(ids, doc_ids, keep_prob, rng):
    """Draw the kept tokens of a piece of the corpus.

    Parameters
    ----------
    ids : ndarray of shape (n_tokens,), int32
        Word id of every corpus token.
    doc_ids : ndarray of shape (n_tokens,), int32
        Document index of every corpus token.
    keep_prob : ndarray of shape (n_words,)
        Probability of keeping an occurrence of each word.
    rng : numpy.random.Generator
        Source of the keep draws (one uniform draw per token).

    Returns
    -------
    tokens : ndarray of shape (n_kept,), int32
        Kept word ids, in corpus order.
    docs : ndarray of shape (n_kept,), int32
        Their document ids.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.sampling import subsample_stream
    >>> tokens, docs = subsample_stream(
    ...     np.array([0, 1, 0], dtype=np.int32), np.array([0, 0, 1], dtype=np.int32),
    ...     np.array([1.0, 0.0]), rng=np.random.default_rng(0))
    >>> tokens.tolist(), docs.tolist()
    ([0, 0], [0, 1])
    """
    # float32 draws halve the memory traffic of the largest per-epoch array.
    keep = rng.random(len(ids), dtype=np.float32) < keep_prob[ids]
    return (
        ids[keep].astype(np.int32, copy=False),
        doc_ids[keep].astype(np.int32, copy=False),
    )


def draw_spans(n_centers, window, shrink_windows, rng):
    """Draw the effective half-width of each center's window.

    Parameters
    ----------
    n_centers : int
        Number of center positions.
    window : int
        Maximum distance between center and context.
    shrink_windows : bool
        If True, draw each half-width uniformly in ``[1, window]`` (the
        "reduced window" of word2vec); otherwise use ``window`` everywhere.
    rng : numpy.random.Generator
        Source of the draws.

    Returns
    -------
    spans : ndarray of shape (n_centers,), smallest integer type holding window

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.sampling import draw_spans
    >>> spans = draw_spans(1000, 3, True, np.random.default_rng(0))
    >>> int(spans.min()), int(spans.max())
    (1, 3)
    """
    # The smallest integer type keeps this per-token array small. The draw
    # itself is 32-bit: 8- and 16-bit draws buffer bits within one call, so
    # their stream would depend on how a corpus is cut into chunks.
    dtype = np.min_scalar_type(window)
    if not shrink_windows:
        return np.full(n_centers, window, dtype=dtype)
    spans = rng.integers(1, window + 1, size=n_centers, dtype=np.uint32)
    return spans.astype(dtype, copy=False)


def stream_segments(
    chunks, keep_prob, *, window, batch_size, shrink_windows, seed, max_span=None
):
    """Subsample a chunked corpus and cut its padded stream into trainable segments.

    The padded stream of an epoch (see the module's description) is never
    built whole. The kept tokens of each chunk join those still pending, and
    as soon as whole minibatches of ``batch_size`` centers have their
    ``window`` right-hand neighbours, they are yielded with the ``window``
    tokens before and after them. Windows thus reach across chunk
    boundaries exactly as in one stream, and since the keep draws and the
    spans come from two generators, each drawn in corpus order with draws
    that do not depend on how they are split into calls, the segments (and a
    training run over them) do not depend on the chunking of the corpus.

    Parameters
    ----------
    chunks : iterable of (ids, doc_ids)
        Consecutive pieces of the corpus: word ids (int32) and document
        indices (int32) of its in-vocabulary tokens.
    keep_prob : ndarray of shape (n_words,)
        Probability of keeping an occurrence of each word.
    window : int
        Maximum half-width of a window; padding on each side of the stream.
    batch_size : int
        Centers per minibatch; every segment but the last holds a multiple.
    shrink_windows : bool
        Draw each span uniformly in ``[1, window]`` (else ``window``).
    seed : int or numpy.random.SeedSequence
        Seed of the epoch's keep and span draws.
    max_span : int, default=None
        Spans are drawn as ``window`` says, then cut to ``max_span``, which
        then is the padding: a window wider than every document is the whole
        document, and memory follows the documents, not ``window``. None
        means ``window``.

    Yields
    ------
    tokens : ndarray of shape (n_centers + 2 * window,), int32
        A slice of the padded stream; center ``i`` sits at ``i + window``.
    docs : ndarray of shape (n_centers + 2 * window,), int32
        Document ids of the slice, ``-1`` on padding.
    spans : ndarray of shape (n_centers,)
        Span of each center, as drawn by :func:`draw_spans`.
    first_center : int
        Position of the segment's first center among the epoch's centers.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.sampling import stream_segments
    >>> chunks = [(np.array([0, 1, 0], dtype=np.int32), np.zeros(3, dtype=np.int32)),
    ...           (np.array([1, 1], dtype=np.int32), np.ones(2, dtype=np.int32))]
    >>> for tokens, docs, spans, first in stream_segments(
    ...         chunks, np.ones(2), window=1, batch_size=2, shrink_windows=False,
    ...         seed=0):
    ...     print(tokens.tolist(), docs.tolist(), spans.tolist(), first)
    [2, 0, 1, 0] [-1, 0, 0, 0] [1, 1] 0
    [1, 0, 1, 1] [0, 0, 1, 1] [1, 1] 2
    [1, 1, 2] [1, 1, -1] [1] 4
    """
    n_words = len(keep_prob)
    keep_rng, span_rng = map(
        np.random.default_rng, np.random.SeedSequence(seed).spawn(2)
    )
    drawn_window = window
    if max_span is not None:
        window = min(window, max_span)
    padding = (
        np.full(window, n_words, dtype=np.int32),
        np.full(window, -1, dtype=np.int32),
    )
    left = padding
    pending = (
        np.empty(0, dtype=np.int32),
        np.empty(0, dtype=np.int32),
        np.empty(0, dtype=np.min_scalar_type(window)),
    )
    first_center = 0
    for ids, doc_ids in chunks:
        tokens, docs = subsample_stream(ids, doc_ids, keep_prob, keep_rng)
        spans = draw_spans(len(tokens), drawn_window, shrink_windows, span_rng)
        if window < drawn_window:
            spans = np.minimum(spans, window).astype(pending[2].dtype)
        new = (tokens, docs, spans)
        pending = tuple(map(np.concatenate, zip(pending, new, strict=True)))
        n_ready = (len(pending[0]) - window) // batch_size * batch_size
        if n_ready <= 0:
            continue
        yield (
            np.concatenate((left[0], pending[0][: n_ready + window])),
            np.concatenate((left[1], pending[1][: n_ready + window])),
            pending[2][:n_ready],
            first_center,
        )
        # The last trained centers are the left context of the next ones.
        last = slice(max(n_ready - window, 0), n_ready)
        left = tuple(
            np.concatenate((before[n_ready:], after[last]))
            for before, after in zip(left, pending[:2], strict=True)
        )
        pending = tuple(part[n_ready:] for part in pending)
        first_center += n_ready
    if len(pending[0]):
        yield (
            np.concatenate((left[0], pending[0], padding[0])),
            np.concatenate((left[1], pending[1], padding[1])),
            pending[2],
            first_center,
        )


def draw_negatives(table, shape, rng):
    """Draw negative samples from a noise lookup table.

    Parameters
    ----------
    table : ndarray of shape (table_size,), unsigned int
        Output of :func:`~sklearn_w2v._engine.tables.noise_table`.
    shape : tuple of int
        Shape of the returned array.
    rng : numpy.random.Generator
        Source of the draws.

    Returns
    -------
    negatives : ndarray of shape `shape`, dtype of the table

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.sampling import draw_negatives
    >>> table = np.array([0, 0, 0, 1], dtype=np.int32)
    >>> draw_negatives(table, (2, 3), np.random.default_rng(0)).shape
    (2, 3)
    """
    return table[rng.integers(0, len(table), size=shape, dtype=np.int32)]
