"""Composed input vectors: a word's vector built from several parameter rows.

The input of subword models (fastText, Bojanowski et al., 2017): a word's
input vector is the mean of its own row and the rows of its character
n-grams. Over a vocabulary this is a sparse matrix product ``W_in = S @ P``,
``S`` of shape (words x parameter rows) holding ``1 / n`` at the ``n`` rows of
each word, ``P`` the parameters. The losses need not know of it
(:meth:`ComposedInput.around_step`): before a minibatch step, the input rows
that the minibatch reads are composed into ``W[0]``; the step updates them as
any word vectors; then their change goes back to ``P``: each row of a word
receives the word's whole step, as fastText (``Model::update``, which divides
by the number of rows for its supervised model only) and gensim do for
skip-gram and CBOW. The composed vector then moves by the step a word2vec
vector would take; the gradient of the mean (``S.T`` times the step) would
move it ``n`` times less, and a fit so trained scored far below gensim's
FastText (WordSim-353 0.14 against 0.38 on the SOTU corpus).

The step damps each composed row by its summed curvature, as it damps a
word row; the rows of ``P`` are not damped again, though a frequent n-gram's
row takes the summed steps of many words of a minibatch. Measured on the
SOTU corpus with the default minibatches, a cap on a row's curvature
through the mean (its words' ``min(H, 1) / n``) never bound, and a cap on
their whole ``min(H, 1)`` lowered syntactic analogy accuracy and WordSim-353
(``docs/benchmarks.rst``, "Subword training").

Parallel jobs share ``P`` as they share ``W`` (:meth:`ComposedInput.shared`),
and add their pushes to it as Hogwild does. Each composes in input rows of
its own (:func:`job_input_blocks`): in shared input rows, another job's
step landing between a job's composition and its push-back would be pushed
back twice. On a 2-core machine loaded by other work, two jobs were
measured slower than one, without subwords as with them (same page).
"""

from dataclasses import dataclass, replace

import numpy as np

from .hooks import timed
from .jobs import shared_copy
from .scatter import scatter_add, segment_sums


@dataclass(frozen=True, eq=False)
class ComposedInput:
    """Input vectors ``W_in = S @ P``: a CSR matrix ``S`` and parameters ``P``.

    Parameters
    ----------
    indptr : ndarray of shape (n_words + 1,), int32
        Row boundaries of ``S``: word ``i`` is composed of the entries
        ``indptr[i]:indptr[i + 1]``.
    columns : ndarray of shape (n_entries,), int32
        Parameter row of each entry.
    weights : ndarray of shape (n_entries,), float32
        Factor of each entry: ``1 / n`` for the mean of ``n`` rows.
    parameters : ndarray of shape (n_parameters, n_components), float32
        ``P``, C-contiguous; updated in place by training.
    first_row : int, default=0
        Row of the input vectors that holds word 0's composed vector: a
        parallel job's block (:func:`job_input_blocks`).

    Examples
    --------
    Two words of two rows each, sharing row 2:

    >>> import numpy as np
    >>> from sklearn_w2v._engine.composition import ComposedInput
    >>> composed = ComposedInput(
    ...     np.array([0, 2, 4], dtype=np.int32),
    ...     np.array([0, 2, 1, 2], dtype=np.int32),
    ...     np.full(4, 0.5, dtype=np.float32),
    ...     np.array([[2.0], [4.0], [6.0]], dtype=np.float32),
    ... )
    >>> W_in = np.zeros((3, 1), dtype=np.float32)  # the last row is padding
    >>> composed.compose(W_in)
    >>> W_in.ravel().tolist()
    [4.0, 5.0, 0.0]
    """

    indptr: np.ndarray
    columns: np.ndarray
    weights: np.ndarray
    parameters: np.ndarray
    first_row: int = 0

    @property
    def n_words(self):
        """Rows of ``S``: the words."""
        return len(self.indptr) - 1

    def compose(self, W_in):
        """Write in place the composed vector of every word into ``W_in``.

        Parameters
        ----------
        W_in : ndarray of shape (n_words + 1, n_components), float32
            Input vectors; the rows past ``n_words`` (padding) are left alone.
        """
        segment_sums(
            self.indptr,
            self.columns,
            self.weights,
            self.parameters,
            out=W_in[: self.n_words],
        )

    def around_step(self, W_in, rows, step):
        """Run ``step()`` on freshly composed ``rows``; add their change to their rows.

        Each row of ``P`` takes the change of every word it composes, once
        per entry of the word (not weighted: see the module's description).

        Parameters
        ----------
        W_in : ndarray of shape (n_words + 1, n_components), float32
            The input vectors that ``step`` reads and updates in place.
        rows : ndarray of int
            The rows of ``W_in`` that ``step`` reads, from ``first_row`` on
            (repeats and padding rows allowed).
        step : callable
            ``step()`` trains a minibatch, updating ``W_in[rows]``.

        Returns
        -------
        result
            What ``step()`` returned.
        """
        with timed("compose"):
            # The distinct words without sorting: a mark per row.
            mark = np.zeros(len(W_in), dtype=bool)
            mark[rows] = True
            first = self.first_row
            words = np.flatnonzero(mark[first : first + self.n_words])
            indptr, columns, weights = self._rows_of(words)
            before = segment_sums(indptr, columns, weights, self.parameters)
            W_in[first + words] = before
        result = step()
        with timed("compose"):
            change = W_in[first + words]
            change -= before
        scatter_add(self.parameters, columns, change, counts=np.diff(indptr))
        return result

    def _rows_of(self, words):
        """CSR arrays ``(indptr, columns, weights)`` of the rows ``words`` of ``S``."""
        starts = self.indptr[words]
        lengths = self.indptr[words + 1] - starts
        indptr = np.zeros(len(words) + 1, dtype=np.int32)
        np.cumsum(lengths, out=indptr[1:])
        # Entry k of the selection is entry k + starts[j] - indptr[j] of S.
        entries = np.arange(indptr[-1]) + np.repeat(starts - indptr[:-1], lengths)
        return indptr, self.columns[entries], self.weights[entries]

    def shared(self):
        """A copy whose parameters live in memory that forked jobs share."""
        return replace(self, parameters=shared_copy(self.parameters))


def job_input_blocks(W, n_jobs):
    """Weights with a block of input rows per job, the output rows of ``W``.

    Job ``j`` composes its minibatches' input vectors in rows
    ``j * n_rows : (j + 1) * n_rows`` of the input vectors (its batches'
    input rows shifted by ``j * n_rows``, the padding row included), so that
    the change it pushes back is its own step only. The output vectors keep
    their rows; the rows past them are never read (but by the full softmax,
    which scores every row: it refuses parallel jobs with subwords).

    Parameters
    ----------
    W : ndarray of shape (2, n_rows, n_components), float32
    n_jobs : int

    Returns
    -------
    W_jobs : ndarray of shape (2, n_jobs * n_rows, n_components), float32
        ``W`` in the first rows, zeros after.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.composition import job_input_blocks
    >>> job_input_blocks(np.ones((2, 3, 4), dtype=np.float32), 2).shape
    (2, 6, 4)
    """
    n_rows = W.shape[1]
    W_jobs = np.zeros((2, n_jobs * n_rows, W.shape[2]), dtype=W.dtype)
    W_jobs[:, :n_rows] = W
    return W_jobs
