"""Negative sampling: the observed word against ``K`` noise words.

As in the word2vec C tool and gensim, the output layer scores the center word
against noise words drawn from the unigram distribution raised to
``ns_exponent``, each a binary logistic output of label 1 (the center) or 0
(noise). The ``K`` noise words of a window are shared by all its context words
(the "HogBatch" scheme of Ji et al., 2016): for skip-gram, a window of ``2b``
contexts is one small dense product ``(2b x d) @ (d x (K + 1))`` and windows
of equal span are stacked into one batched product; for CBOW, the window's
hidden vector meets the same ``K + 1`` rows. In expectation the gradient is the
one of per-pair negatives.
"""

import functools
from dataclasses import dataclass

import numpy as np

from ..hooks import timed
from ..sampling import draw_negatives
from .base import NO_DAMPING, Loss, window_hidden
from .logistic import (
    cbow_logistic_step,
    label_gradients,
    row_dots,
    skipgram_logistic_update,
)


@dataclass(frozen=True, eq=False)
class NegativeSampling(Loss):
    """Negative sampling: ``n_negative`` noise words per window.

    Parameters
    ----------
    noise_table : ndarray of shape (table_size,), unsigned int
        Noise words in proportion to their probability
        (:func:`~sklearn_w2v._engine.tables.noise_table`).
    n_negative : int
        Noise words drawn per window.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.layout import CbowBatch, group_contexts
    >>> from sklearn_w2v._engine.losses.negative_sampling import NegativeSampling
    >>> loss = NegativeSampling(np.array([0, 1, 2, 2], dtype=np.int32), n_negative=1)
    >>> loss.draw(3, np.random.default_rng(0)).shape
    (3, 1)

    Skip-gram: 4 (context, center) pairs, 2 outputs each, all logits 0.

    >>> batch = group_contexts(np.array([3, 0, 1, 2, 3], dtype=np.int32),
    ...                        np.array([-1, 0, 0, 0, -1], dtype=np.int32),
    ...                        np.array([1, 1, 1]), 1)
    >>> W = np.zeros((2, 4, 2), dtype=np.float32)
    >>> W[0, :3] = 0.1
    >>> loss_value = loss.skipgram_step(W, batch, np.array([[2], [0], [1]]), 0.1)
    >>> round(float(loss_value / np.log(2)), 3)
    8.0

    CBOW: 2 windows, 2 outputs each.

    >>> batch = CbowBatch(np.array([0, 1]), np.array([1, 0, 2]), np.array([1, 2]))
    >>> W = np.zeros((2, 4, 2), dtype=np.float32)
    >>> round(float(loss.cbow_step(W, batch, np.array([[2], [2]]), 0.1) / np.log(2)), 3)
    4.0
    """

    noise_table: np.ndarray
    n_negative: int

    def draw(self, n_windows, rng):
        """The noise words of ``n_windows`` windows, shape (n_windows, n_negative).

        One long gather from the noise table costs less than many short ones:
        the training loop draws those of a run of minibatches at once.
        """
        with timed("noise"):
            return draw_negatives(self.noise_table, (n_windows, self.n_negative), rng)

    def skipgram_step(self, W, batch, draws, learning_rate, damping=NO_DAMPING):
        """Train skip-gram on one minibatch, in place; return its loss.

        Parameters
        ----------
        W : ndarray of shape (2, n_words + 1, n_components), float32
            Input vectors ``W[0]`` and output vectors ``W[1]``; row ``n_words``
            of each is padding. C-contiguous.
        batch : SkipgramBatch
            The windows, grouped by span, as laid out by
            :func:`~sklearn_w2v._engine.layout.group_contexts`.
        draws : ndarray of shape (n_windows, n_negative), int
            Noise words of each window, shared by its contexts. A noise word
            equal to the center word is skipped.
        learning_rate : float
            Step size.
        damping : Damping, default=NO_DAMPING
            See :func:`~sklearn_w2v._engine.losses.base.damped_weights`.

        Returns
        -------
        loss : float
            Negative log-likelihood of the minibatch before the update.
        """
        targets = center_and_noise(batch.centers, draws)
        signs, target_weight = negative_sampling_layer(targets)
        return skipgram_logistic_update(
            W,
            batch,
            targets=targets,
            signs=signs,
            target_weight=target_weight,
            learning_rate=learning_rate,
            damping=damping,
        )

    def cbow_step(
        self, W, batch, draws, learning_rate, damping=NO_DAMPING, *, cbow_mean=True
    ):
        """Train CBOW on one minibatch, in place; return its loss.

        The hidden vector of a window is the mean (or sum) of its context
        words' input vectors; it predicts the center word's output vector
        against the noise words. As in the word2vec C tool and gensim, the
        error on the hidden vector is added undivided to every context word's
        input vector, also when the hidden vector is a mean.

        Parameters
        ----------
        W : ndarray of shape (2, n_words + 1, n_components), float32
            Input vectors ``W[0]`` and output vectors ``W[1]``; row ``n_words``
            of each is padding. C-contiguous.
        batch : CbowBatch
            The windows, as laid out by
            :func:`~sklearn_w2v._engine.layout.cbow_windows`.
        draws : ndarray of shape (n_windows, n_negative), int
            Noise words of each window. A noise word equal to the center word
            is skipped.
        learning_rate : float
            Step size.
        damping : Damping, default=NO_DAMPING
            See :func:`~sklearn_w2v._engine.losses.base.damped_weights`.
        cbow_mean : bool, default=True
            Average (True) or sum (False) the context vectors.

        Returns
        -------
        loss : float
            Negative log-likelihood of the minibatch before the update, over
            the windows with at least one context.
        """
        targets = center_and_noise(batch.centers, draws)
        target_weight = negative_sampling_layer(targets)[1]
        contexts, n_contexts = batch.contexts, batch.n_contexts
        n_windows, n_targets = targets.shape
        n_components = W.shape[2]
        # One gradient block for both matrices, so one scatter serves both:
        # output rows take the hidden vectors h, input rows the errors dh.
        grad = np.empty((2 * n_windows, n_components), dtype=np.float32)
        h, dh = grad[:n_windows], grad[n_windows:]
        window_hidden(W[0], contexts, n_contexts, cbow_mean, out=h)
        with timed("gather out"):
            Z = np.take(W[1], targets, axis=0)
        logits = row_dots(Z, h[:, None, :])
        weight = target_weight * (n_contexts > 0)[:, None]
        loss, factors, curvature = label_gradients(
            logits, weight, learning_rate, _label_signs(n_targets)
        )
        np.matmul(factors[:, None, :], Z, out=dh[:, None, :])
        cbow_logistic_step(
            W,
            contexts=contexts,
            n_contexts=n_contexts,
            grad=grad,
            outputs=targets.ravel(),
            n_outputs=np.full(n_windows, n_targets),
            output_factors=factors.ravel(),
            output_curvature=(curvature * row_dots(h, h)[:, None]).ravel(),
            window_curvature=row_dots(curvature, row_dots(Z, Z)),
            cbow_mean=cbow_mean,
            damping=damping,
        )
        return loss


def negative_sampling_layer(targets):
    """Signs and weights of negative-sampling targets.

    Column 0 (the observed word) has label 1, the noise words label 0. A
    noise word equal to its center word gets weight 0: the word2vec C tool
    and gensim skip such draws.

    Parameters
    ----------
    targets : ndarray of shape (n_windows, n_negative + 1), int
        Center word, then noise words, of each window.

    Returns
    -------
    signs : ndarray of shape (1, n_negative + 1), float32
        The same for every window.
    weights : ndarray of shape (n_windows, n_negative + 1), float32

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.losses.negative_sampling import negative_sampling_layer
    >>> signs, weights = negative_sampling_layer(np.array([[3, 3, 4]]))
    >>> signs.tolist(), weights.tolist()
    ([[1.0, -1.0, -1.0]], [[1.0, 0.0, 1.0]])
    """
    signs = np.full((1, targets.shape[1]), -1.0, dtype=np.float32)
    signs[0, 0] = 1.0
    weights = np.ones(targets.shape, dtype=np.float32)
    weights[:, 1:] = targets[:, 1:] != targets[:, :1]
    return signs, weights


def center_and_noise(centers, negatives):
    """The output rows of each window: its center word, then its noise words.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.losses.negative_sampling import center_and_noise
    >>> center_and_noise(np.array([4, 5]), np.array([[1, 2], [3, 1]])).tolist()
    [[4, 1, 2], [5, 3, 1]]
    """
    targets = np.empty((len(centers), negatives.shape[1] + 1), np.int32)
    targets[:, 0] = centers
    targets[:, 1:] = negatives
    return targets


@functools.cache
def _label_signs(n_targets):
    """Signs of negative sampling's labels: the center word, then noise words."""
    return negative_sampling_layer(np.zeros((1, n_targets), dtype=np.int32))[0]
