"""What every loss shares: the step contract, the damping, CBOW's hidden vectors.

A loss is an object with two minibatch steps, :meth:`Loss.skipgram_step` and
:meth:`Loss.cbow_step`, and what it draws once per run of minibatches
(:meth:`Loss.draw`: negative sampling's noise words; nothing for the others).
As in fastText's ``Loss`` and ``Model``, the two steps differ only in their
input: skip-gram scores each context word's own row, CBOW the mean (or sum)
of a window's context rows (:func:`window_hidden`).

Every step damps each row's summed update by its summed curvature
(:func:`damped_weights`); :class:`Damping` carries what the executor adds to
that rule: the jobs that add their steps at once, and where sharded training
records the curvature.
"""

from dataclasses import dataclass

import numpy as np

from ..hooks import timed
from ..scatter import segment_sums


@dataclass(frozen=True)
class Damping:
    """How an executor's steps are damped, beyond one job's own curvature.

    Parameters
    ----------
    n_jobs : int, default=1
        Jobs adding their steps to the same weights at once. Each damps only
        its own steps, and a row frequent enough to be damped gets about as
        much from every job, so its summed curvature counts ``n_jobs`` times.
    row_curvature : ndarray of shape (2 * (n_words + 1),), float64, default=None
        If given, each row's summed curvature is added to it in place, rows
        of ``W`` seen as one matrix: sharded training combines the shards'
        steps of a row with it.
    first_shared : int, default=0
        Only rows from this one on count ``n_jobs`` times; the others damp as
        with one job (skip-gram's input rows, see
        :func:`~sklearn_w2v._engine.losses.logistic.skipgram_logistic_update`).

    Examples
    --------
    >>> from sklearn_w2v._engine.losses.base import Damping
    >>> Damping(n_jobs=2)
    Damping(n_jobs=2, row_curvature=None, first_shared=0)
    """

    n_jobs: int = 1
    row_curvature: np.ndarray | None = None
    first_shared: int = 0


#: One job, nothing recorded: the damping of a plain fit.
NO_DAMPING = Damping()


def damped_weights(rows, curvature, damping=NO_DAMPING):
    """Per-entry factors that keep each row's summed step below a Newton step.

    A minibatch sums all updates of a row computed from the same weights. For
    a frequent word the sum can overshoot where word-by-word updates would
    have saturated; each row's update is divided by ``max(1, H)``, ``H`` the
    summed curvature of its entries (Newton's step has ``H = 1``). Rows of
    rare words, with ``H`` far below 1, are untouched.

    Parameters
    ----------
    rows : ndarray of shape (n_entries,), int
        Target row of each entry.
    curvature : ndarray of shape (n_entries,), float32
        Curvature of each entry (learning rate included).
    damping : Damping, default=NO_DAMPING
        The jobs that share the rows, and where to record ``H``.

    Returns
    -------
    weights : ndarray of shape (n_entries,), float32

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.losses.base import damped_weights
    >>> damped_weights(np.array([0, 0, 1]), np.array([1.0, 3.0, 0.5])).tolist()
    [0.25, 0.25, 1.0]
    """
    with timed("damping"):
        total = np.bincount(rows, weights=curvature)
        if damping.row_curvature is not None:
            damping.row_curvature[: len(total)] += total
        if damping.n_jobs > 1:
            total[damping.first_shared :] *= damping.n_jobs
        return (1.0 / np.maximum(total[rows], 1.0)).astype(np.float32)


def context_curvature(window_curvature, n_contexts, cbow_mean):
    """Curvature of each context entry of CBOW windows, for :func:`damped_weights`.

    Every context of a window takes the window's error undivided, so the
    window's hidden vector moves by one step of curvature
    ``window_curvature``. One context's own step moves it by that step times
    its share of the hidden vector: ``1 / n_contexts`` for the mean, all of it
    for the sum. A row is damped by the sum of its own shares: a word that is
    a context of several windows of a minibatch (as every word of a stretch of
    text is, for its neighbours' windows) is not damped as if each window's
    whole step were its own.

    Parameters
    ----------
    window_curvature : ndarray of shape (n_windows,), float32
        Curvature of each window's step on its hidden vector (learning rate
        included).
    n_contexts : ndarray of shape (n_windows,), int
        Number of contexts of each window.
    cbow_mean : bool
        Average (True) or sum (False) the context vectors.

    Returns
    -------
    curvature : ndarray of shape (n_contexts.sum(),), float32

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.losses.base import context_curvature
    >>> window_curvature = np.array([0.5, 0.25], dtype=np.float32)
    >>> context_curvature(window_curvature, np.array([2, 1]), True).tolist()
    [0.25, 0.25, 0.25]
    >>> context_curvature(window_curvature, np.array([2, 1]), False).tolist()
    [0.5, 0.5, 0.25]
    """
    if cbow_mean:
        share = np.maximum(n_contexts, 1).astype(np.float32)
        window_curvature = window_curvature / share
    return np.repeat(window_curvature, n_contexts)


def window_hidden(W_in, contexts, n_contexts, cbow_mean, out=None):
    """Hidden vectors of the windows: mean or sum of their contexts' inputs.

    Parameters
    ----------
    W_in : ndarray of shape (n_words + 1, n_components), float32
        Input vectors.
    contexts : ndarray of shape (n_contexts.sum(),), int
        Context words, window after window.
    n_contexts : ndarray of shape (n_windows,), int
        Number of contexts of each window.
    cbow_mean : bool
        Average (True) or sum (False).
    out : ndarray of shape (n_windows, n_components), float32, default=None
        Where to write the hidden vectors.

    Returns
    -------
    h : ndarray of shape (n_windows, n_components), float32
        Zero for a window without contexts.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.losses.base import window_hidden
    >>> W_in = np.arange(6, dtype=np.float32).reshape(3, 2)
    >>> window_hidden(W_in, np.array([0, 1, 2]), np.array([2, 0, 1]), True).tolist()
    [[1.0, 2.0], [0.0, 0.0], [4.0, 5.0]]
    """
    with timed("gather ctx"):
        # Window j's contexts are entries indptr[j]:indptr[j + 1]: one row of
        # a sparse (windows x words) matrix whose product with W_in sums them.
        indptr = np.zeros(len(n_contexts) + 1, dtype=np.int32)
        np.cumsum(n_contexts, out=indptr[1:])
        if cbow_mean:
            context_weight = np.repeat(
                (1.0 / np.maximum(n_contexts, 1)).astype(np.float32), n_contexts
            )
        else:
            context_weight = np.ones(len(contexts), dtype=np.float32)
        return segment_sums(indptr, contexts, context_weight, W_in, out=out)


class Loss:
    """The contract of a loss: what it draws per run, and its two steps.

    Subclasses implement :meth:`skipgram_step` and :meth:`cbow_step`; a loss
    that needs random draws per window (negative sampling) overrides
    :meth:`draw`. The steps share one signature:

    ``step(W, batch, draws, learning_rate, damping=NO_DAMPING)``, CBOW's
    with the keyword ``cbow_mean`` too, where

    - ``W`` : ndarray of shape (2, n_words + 1, n_components), float32,
      C-contiguous: input vectors ``W[0]`` and output vectors ``W[1]``, the
      last row of each padding. Updated in place.
    - ``batch`` : :class:`~sklearn_w2v._engine.layout.SkipgramBatch` or
      :class:`~sklearn_w2v._engine.layout.CbowBatch`.
    - ``draws`` : the rows of :meth:`draw`'s array for the batch's windows,
      or ``None`` for a loss that draws nothing.
    - ``learning_rate`` : float.
    - ``damping`` : :class:`Damping`.

    and which return the loss of the minibatch before the update (a float).
    """

    def draw(self, n_windows, rng):
        """What the loss draws for ``n_windows`` consecutive windows; nothing here.

        Parameters
        ----------
        n_windows : int
        rng : numpy.random.Generator

        Returns
        -------
        draws : ndarray of shape (n_windows, ...) or None
        """
        return None
