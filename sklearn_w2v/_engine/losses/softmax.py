"""Full softmax output layer: the textbook word2vec objective, for small vocabularies.

Each context (skip-gram) or hidden vector (CBOW) is scored against every
word's output vector in one dense product, and the loss is the cross-entropy
of the softmax over the whole vocabulary. Every minibatch updates every output
vector, so this is for the small vocabularies of worked examples; the
estimator refuses large ones.
"""

from dataclasses import dataclass, replace

import numpy as np

from ..hooks import timed
from ..scatter import scatter_add
from .base import NO_DAMPING, Loss, context_curvature, damped_weights, window_hidden

#: Largest vocabulary ``loss='softmax'`` accepts.
MAX_SOFTMAX_WORDS = 5000


def _softmax_gradients(logits, observed, weight, learning_rate):
    """Loss, gradient factors and curvatures of softmax outputs.

    The factors ``learning_rate * weight * (onehot - softmax)`` are computed
    in place of ``logits`` and returned as ``factors``; the curvature
    ``learning_rate * weight * p * (1 - p)`` of each logit is for damping.
    """
    logits -= logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    totals = logits.sum(axis=1, keepdims=True)
    logits /= totals
    rows = np.arange(len(observed))
    p_observed = logits[rows, observed]
    loss = -float(np.log(np.maximum(p_observed, np.float32(1e-30))) @ weight)
    scale = (weight * np.float32(learning_rate))[:, None]
    curvature = logits * (1.0 - logits)
    curvature *= scale
    np.negative(logits, out=logits)
    logits[rows, observed] += 1.0
    logits *= scale
    return loss, logits, curvature


@dataclass(frozen=True, eq=False)
class Softmax(Loss):
    """The full softmax: every word's output vector, every minibatch.

    It draws nothing. Each output row's summed step is damped by its own
    curvature, counted ``n_jobs`` times
    (:class:`~sklearn_w2v._engine.losses.base.Damping`).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.layout import CbowBatch
    >>> from sklearn_w2v._engine.losses.softmax import Softmax
    >>> batch = CbowBatch(np.array([0, 1]), np.array([1, 0, 2]), np.array([1, 2]))
    >>> W = np.zeros((2, 4, 2), dtype=np.float32)
    >>> round(float(Softmax().cbow_step(W, batch, None, 0.1) / np.log(3)), 3)
    2.0
    """

    def skipgram_step(self, W, batch, draws, learning_rate, damping=NO_DAMPING):
        """Train skip-gram on one minibatch, in place; return its cross-entropy.

        Parameters
        ----------
        W : ndarray of shape (2, n_words + 1, n_components), float32
            Input vectors ``W[0]`` and output vectors ``W[1]``; row ``n_words``
            of each is padding. C-contiguous.
        batch : SkipgramBatch
            The windows, grouped by span, as laid out by
            :func:`~sklearn_w2v._engine.layout.group_contexts`; each context
            predicts its window's center word.
        draws : None
            The full softmax draws nothing (:meth:`Loss.draw`).
        learning_rate : float
            Step size.
        damping : Damping, default=NO_DAMPING
            See :func:`~sklearn_w2v._engine.losses.base.damped_weights`; as
            for the other losses, the input rows damp as with one job.

        Returns
        -------
        loss : float
            Cross-entropy of the minibatch before the update.
        """
        n_rows = W.shape[1]
        contexts = batch.contexts
        with timed("gather ctx"):
            X = np.take(W[0], contexts, axis=0)
        U = W[1, : n_rows - 1]
        logits = X @ U.T
        observed = batch.centers[batch.window_of_positions()]
        weight = batch.valid.astype(np.float32)
        loss, factors, curvature = _softmax_gradients(
            logits, observed, weight, learning_rate
        )
        dX = factors @ U
        dU = factors.T @ X
        entry_curvature = curvature @ np.einsum("ij,ij->i", U, U)
        output_curvature = curvature.T @ np.einsum("ij,ij->i", X, X)
        input_damping = replace(damping, n_jobs=1)
        weights = damped_weights(contexts, entry_curvature, input_damping)
        scatter_add(W[0], contexts, dX, weights=weights)
        _add_output_step(W, dU, output_curvature, damping)
        return loss

    def cbow_step(
        self, W, batch, draws, learning_rate, damping=NO_DAMPING, *, cbow_mean=True
    ):
        """Train CBOW on one minibatch, in place; return its cross-entropy.

        As with the other losses, every context word of a window takes the
        error on the hidden vector undivided.

        Parameters
        ----------
        W : ndarray of shape (2, n_words + 1, n_components), float32
            Input vectors ``W[0]`` and output vectors ``W[1]``; row ``n_words``
            of each is padding. C-contiguous.
        batch : CbowBatch
            The windows, as laid out by
            :func:`~sklearn_w2v._engine.layout.cbow_windows`.
        draws : None
            The full softmax draws nothing (:meth:`Loss.draw`).
        learning_rate : float
            Step size.
        damping : Damping, default=NO_DAMPING
            See :func:`~sklearn_w2v._engine.losses.base.damped_weights`.
        cbow_mean : bool, default=True
            Average (True) or sum (False) the context vectors.

        Returns
        -------
        loss : float
            Cross-entropy of the minibatch before the update, over the windows
            with at least one context.
        """
        n_rows = W.shape[1]
        contexts, n_contexts = batch.contexts, batch.n_contexts
        h = window_hidden(W[0], contexts, n_contexts, cbow_mean)
        U = W[1, : n_rows - 1]
        logits = h @ U.T
        weight = (n_contexts > 0).astype(np.float32)
        loss, factors, curvature = _softmax_gradients(
            logits, batch.centers, weight, learning_rate
        )
        dh = factors @ U
        dU = factors.T @ h
        window_curvature = curvature @ np.einsum("ij,ij->i", U, U)
        output_curvature = curvature.T @ np.einsum("ij,ij->i", h, h)
        weights = damped_weights(
            contexts,
            context_curvature(window_curvature, n_contexts, cbow_mean),
            damping,
        )
        scatter_add(W[0], contexts, dh, counts=n_contexts, weights=weights)
        _add_output_step(W, dU, output_curvature, damping)
        return loss


def _add_output_step(W, dU, output_curvature, damping):
    """Add in place each output row's step, damped by its own curvature.

    Every output row of ``W[1]`` but the padding takes exactly one step, so
    no scatter is needed; the recorded curvature of output row ``r`` is entry
    ``n_rows + r`` of ``damping.row_curvature``.
    """
    n_rows = W.shape[1]
    cap = np.maximum(damping.n_jobs * output_curvature, 1.0)
    W[1, : n_rows - 1] += dU / cap[:, None]
    if damping.row_curvature is not None:
        damping.row_curvature[n_rows : 2 * n_rows - 1] += output_curvature
