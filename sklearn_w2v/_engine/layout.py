"""Which rows meet: a run of the subsampled stream laid out as minibatches.

The training loop cuts the padded stream of an epoch (see
:func:`~sklearn_w2v._engine.sampling.stream_segments`) into minibatches of
consecutive centers. This module turns them into typed batches of index
arrays, :class:`SkipgramBatch` and :class:`CbowBatch`, that the output layers
take; it knows nothing of what the output layers compute.
"""

import functools
from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class SkipgramBatch:
    """A skip-gram minibatch, its windows grouped by span.

    The ``n_b`` windows of span ``b`` form one rectangular block of
    ``n_b x 2b`` context positions: a kernel then works on a few dense blocks
    instead of padding every window to ``2 * window`` positions (with reduced
    windows, 40% of the work).

    Parameters
    ----------
    centers : ndarray of shape (n_windows,), int32
        Center word of each window, windows ordered by span.
    contexts : ndarray of shape (n_positions,), int32
        Word at each context position: the ``2b`` positions of a window of
        span ``b`` are consecutive, left context first.
    valid : ndarray of shape (n_positions,), bool
        False for positions outside the center's document.
    group_sizes : ndarray of shape (window,), int64
        Number of windows of span ``1, ..., window``.
    """

    centers: np.ndarray
    contexts: np.ndarray
    valid: np.ndarray
    group_sizes: np.ndarray

    def input_rows(self):
        """Rows of the input vectors that a step reads: the contexts."""
        return self.contexts

    def shifted(self, first_row):
        """The batch with its input rows moved on by ``first_row``."""
        return replace(self, contexts=self.contexts + first_row)

    def spans(self):
        """Span of each window, shape (n_windows,)."""
        return np.repeat(np.arange(1, len(self.group_sizes) + 1), self.group_sizes)

    def window_of_positions(self):
        """Window index of each context position, shape (n_positions,).

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v._engine.layout import SkipgramBatch
        >>> batch = SkipgramBatch(None, None, None, np.array([1, 1]))
        >>> batch.window_of_positions().tolist()
        [0, 0, 1, 1, 1, 1]
        """
        spans = self.spans()
        # A window of span b owns 2b consecutive positions.
        return np.repeat(np.arange(len(spans)), 2 * spans)

    def select(self, windows):
        """The batch of the windows where the mask ``windows`` is True.

        Parameters
        ----------
        windows : ndarray of shape (n_windows,), bool
            Windows to keep; they keep their order, and so their grouping.

        Returns
        -------
        batch : SkipgramBatch
        """
        spans = self.spans()
        # The window mask, widened to its 2b positions; the kept windows
        # stay sorted by span, so the recounted spans are their groups.
        positions = np.repeat(windows, 2 * spans)
        return SkipgramBatch(
            self.centers[windows],
            self.contexts[positions],
            self.valid[positions],
            np.bincount(spans[windows], minlength=len(self.group_sizes) + 1)[1:],
        )

    def groups(self):
        """Walk the span groups of the batch.

        Yields
        ------
        n_windows : int
            Windows in the group.
        width : int
            Context positions per window (``2 * span``).
        windows : slice
            The group's windows among all windows.
        positions : slice
            The group's context positions among all positions.

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn_w2v._engine.layout import SkipgramBatch
        >>> batch = SkipgramBatch(None, None, None, np.array([2, 0, 1]))
        >>> [(n, w, p.start, p.stop) for n, w, _, p in batch.groups()]
        [(2, 2, 0, 4), (1, 6, 4, 10)]
        """
        return _span_groups(self.group_sizes)


@dataclass(frozen=True)
class CbowBatch:
    """A CBOW minibatch: the valid contexts of its windows, window after window.

    CBOW sums each window's contexts into one hidden vector and so needs no
    rectangular blocks: the contexts of window ``j`` are
    ``contexts[indptr[j]:indptr[j + 1]]``, ``indptr`` the running sum of
    ``n_contexts``, left contexts first.

    Parameters
    ----------
    centers : ndarray of shape (n_windows,), int32
        Center word of each window, in stream order.
    contexts : ndarray of shape (n_contexts.sum(),), int32
        Context words inside each center's span and document.
    n_contexts : ndarray of shape (n_windows,), int
        Number of contexts of each window.
    """

    centers: np.ndarray
    contexts: np.ndarray
    n_contexts: np.ndarray

    def input_rows(self):
        """Rows of the input vectors that a step reads: the contexts."""
        return self.contexts

    def shifted(self, first_row):
        """The batch with its input rows moved on by ``first_row``."""
        return replace(self, contexts=self.contexts + first_row)


def group_contexts(tokens, docs, spans, window):
    """Lay out a minibatch of consecutive centers for skip-gram.

    Parameters
    ----------
    tokens : ndarray of shape (n_centers + 2 * window,), int32
        Word ids of a stream slice; center ``i`` sits at ``i + window``.
    docs : ndarray of shape (n_centers + 2 * window,), int32
        Document ids of the same slice, ``-1`` on padding.
    spans : ndarray of shape (n_centers,)
        Effective half-width of each center's window, in ``[1, window]``.
    window : int
        Maximum half-width.

    Returns
    -------
    batch : SkipgramBatch
        Centers reordered by span (stable).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.layout import group_contexts
    >>> tokens = np.array([9, 4, 5, 6, 9], dtype=np.int32)
    >>> docs = np.array([-1, 0, 0, 1, -1], dtype=np.int32)
    >>> batch = group_contexts(tokens, docs, np.array([1, 1, 1]), 1)
    >>> batch.centers.tolist(), batch.contexts.tolist()
    ([4, 5, 6], [9, 5, 4, 6, 5, 9])
    >>> batch.valid.astype(int).tolist()
    [0, 1, 1, 0, 0, 0]
    """
    # Sorting the centers by span makes each span group one contiguous block;
    # stable, so that the centers of a group keep their stream order.
    order = np.argsort(spans, kind="stable")
    group_sizes = np.bincount(spans, minlength=window + 1)[1:]
    # Center i sits at i + window of the padded slice.
    centers_at = order + window
    contexts_at, valid = [], []
    for _, width, windows, _ in _span_groups(group_sizes):
        # (n, 1) + (2b,): the 2b positions around each center, row by row.
        group_centers_at = centers_at[windows, None]
        group_contexts_at = group_centers_at + _context_offsets(width // 2)
        contexts_at.append(group_contexts_at.ravel())
        # The padding's document id -1 matches no center's: it is never valid.
        valid.append((docs[group_contexts_at] == docs[group_centers_at]).ravel())
    contexts_at = np.concatenate(contexts_at)
    return SkipgramBatch(
        tokens[centers_at], tokens[contexts_at], np.concatenate(valid), group_sizes
    )


def cbow_windows(tokens, docs, spans, window):
    """Lay out consecutive centers for CBOW: valid contexts only.

    Parameters
    ----------
    tokens : ndarray of shape (n_centers + 2 * window,), int32
        Word ids of a stream slice; center ``i`` sits at ``i + window``.
    docs : ndarray of shape (n_centers + 2 * window,), int32
        Document ids of the same slice, ``-1`` on padding.
    spans : ndarray of shape (n_centers,)
        Effective half-width of each center's window, in ``[1, window]``.
    window : int
        Maximum half-width.

    Returns
    -------
    batch : CbowBatch

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.layout import cbow_windows
    >>> tokens = np.array([9, 4, 5, 6, 9], dtype=np.int32)
    >>> docs = np.array([-1, 0, 0, 1, -1], dtype=np.int32)
    >>> batch = cbow_windows(tokens, docs, np.array([1, 1, 1]), 1)
    >>> batch.centers.tolist(), batch.contexts.tolist(), batch.n_contexts.tolist()
    ([4, 5, 6], [5, 4], [1, 1, 0])
    """
    n_centers = len(spans)
    offsets, distances = _window_offsets(window)
    # Every center's 2 * window positions, one row per center (center i sits
    # at i + window); a position is a context when it is in the center's
    # document (never in the padding, of document -1) and within its span.
    contexts_at = np.arange(window, window + n_centers)[:, None] + offsets
    inside = docs[contexts_at] == docs[window : window + n_centers, None]
    inside &= distances <= spans[:, None]
    n_contexts = np.count_nonzero(inside, axis=1)
    # Boolean indexing reads row by row: window after window, left first.
    return CbowBatch(
        tokens[window : window + n_centers], tokens[contexts_at[inside]], n_contexts
    )


def lay_out_run(tokens, docs, spans, run_starts, *, algorithm, window, batch_size):
    """Lay out a run of consecutive minibatches; yield one batch per start.

    Skip-gram groups the windows of each minibatch by span
    (:func:`group_contexts`), one minibatch at a time. CBOW lays out the
    whole run at once (:func:`cbow_windows`), each minibatch then a slice.

    Parameters
    ----------
    tokens, docs : ndarray of shape (n_centers + 2 * window,), int32
        A segment of the padded stream and its document ids.
    spans : ndarray of shape (n_centers,)
        Span of each center of the segment.
    run_starts : ndarray of shape (n_batches,), int
        First center of each minibatch, ``batch_size`` apart.
    algorithm : {'skipgram', 'cbow'}
    window, batch_size : int

    Yields
    ------
    batch : SkipgramBatch or CbowBatch
        The minibatch of centers ``start : start + batch_size``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.layout import lay_out_run
    >>> tokens = np.array([9, 4, 5, 6, 9], dtype=np.int32)
    >>> docs = np.array([-1, 0, 0, 0, -1], dtype=np.int32)
    >>> for batch in lay_out_run(tokens, docs, np.array([1, 1, 1]), np.array([0, 2]),
    ...                          algorithm="cbow", window=1, batch_size=2):
    ...     print(batch.centers.tolist(), batch.n_contexts.tolist())
    [4, 5] [1, 2]
    [6] [1]
    """
    n_centers = len(spans)
    if algorithm == "skipgram":
        for start in run_starts:
            # The last minibatch of a segment may be short; its slice keeps
            # the 2 * window positions of padding around its centers.
            stop = min(start + batch_size, n_centers)
            yield group_contexts(
                tokens[start : stop + 2 * window],
                docs[start : stop + 2 * window],
                spans[start:stop],
                window,
            )
        return
    first = run_starts[0]
    last = min(run_starts[-1] + batch_size, n_centers)
    run = cbow_windows(
        tokens[first : last + 2 * window],
        docs[first : last + 2 * window],
        spans[first:last],
        window,
    )
    # Window j of the run has contexts indptr[j]:indptr[j + 1]; a minibatch
    # is a slice of windows, so its contexts are one slice too.
    indptr = np.zeros(len(run.n_contexts) + 1, dtype=np.intp)
    np.cumsum(run.n_contexts, out=indptr[1:])
    for start in run_starts:
        # Positions in the run, which begins at the run's first center.
        begin = start - first
        end = min(begin + batch_size, last - first)
        yield CbowBatch(
            run.centers[begin:end],
            run.contexts[indptr[begin] : indptr[end]],
            run.n_contexts[begin:end],
        )


def _span_groups(group_sizes):
    """Walk the span groups of ``group_sizes``; see :meth:`SkipgramBatch.groups`."""
    # Groups follow each other in span order: windows of span b after all
    # windows of smaller spans, and their 2b positions each likewise.
    first_window = first_position = 0
    for span, n_windows in enumerate(group_sizes, start=1):
        n_windows = int(n_windows)
        if n_windows == 0:
            continue
        width = 2 * span
        n_positions = n_windows * width
        yield (
            n_windows,
            width,
            slice(first_window, first_window + n_windows),
            slice(first_position, first_position + n_positions),
        )
        first_window += n_windows
        first_position += n_positions


@functools.cache
def _window_offsets(window):
    """Offsets of the ``2 * window`` positions around a center, and their distances."""
    # Left positions first, then right; the center itself (offset 0) is not one.
    offsets = np.r_[-window:0, 1 : window + 1]
    return offsets, np.abs(offsets)


@functools.cache
def _context_offsets(span):
    """Offsets of the context positions of a window of half-width ``span``."""
    return np.r_[-span:0, 1 : span + 1]
