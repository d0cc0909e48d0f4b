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

import numpy as np

from .logistic import (
    cbow_logistic_step,
    label_gradients,
    row_dots,
    skipgram_logistic_update,
    window_hidden,
)


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


def _targets(centers, negatives):
    """The output rows of each window: its center word, then its noise words."""
    targets = np.empty((len(centers), negatives.shape[1] + 1), np.int32)
    targets[:, 0] = centers
    targets[:, 1:] = negatives
    return targets


def skipgram_update(W, batch, negatives, learning_rate, row_curvature=None):
    """Train skip-gram with negative sampling on one minibatch, in place.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and output vectors ``W[1]``; row ``n_words``
        of each is padding.
    batch : SkipgramBatch
        The windows, grouped by span, as laid out by
        :func:`~sklearn_w2v._engine.layout.group_contexts`.
    negatives : ndarray of shape (n_windows, n_negative), int
        Noise words of each window, shared by its contexts. A noise word
        equal to the center word is skipped.
    learning_rate : float
        Step size.
    row_curvature : ndarray of shape (2 * (n_words + 1),), float64, default=None
        If given, each row's summed curvature in this minibatch is added to
        it, rows of ``W`` seen as one matrix (sharded training reads it).

    Returns
    -------
    loss : float
        Negative log-likelihood of the minibatch before the update.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.layout import group_contexts
    >>> from sklearn_w2v._engine.losses.negative_sampling import skipgram_update
    >>> batch = group_contexts(np.array([3, 0, 1, 2, 3], dtype=np.int32),
    ...                        np.array([-1, 0, 0, 0, -1], dtype=np.int32),
    ...                        np.array([1, 1, 1]), 1)
    >>> W = np.zeros((2, 4, 2), dtype=np.float32)
    >>> W[0, :3] = 0.1
    >>> loss = skipgram_update(W, batch, np.array([[2], [0], [1]]), 0.1)
    >>> round(float(loss / np.log(2)), 3)  # 4 (context, center) pairs, 2 outputs each
    8.0
    """
    targets = _targets(batch.centers, negatives)
    return skipgram_logistic_update(
        W,
        batch,
        targets,
        *negative_sampling_layer(targets),
        learning_rate,
        row_curvature,
    )


@functools.cache
def _label_signs(n_targets):
    """Signs of negative sampling's labels: the center word, then noise words."""
    return negative_sampling_layer(np.zeros((1, n_targets), dtype=np.int32))[0]


def cbow_update(
    W, batch, negatives, learning_rate, cbow_mean, row_curvature=None, n_jobs=1
):
    """Train CBOW with negative sampling on one minibatch, in place.

    The hidden vector of a window is the mean (or sum) of its context words'
    input vectors; it predicts the center word's output vector against the
    noise words. As in the word2vec C tool and gensim, the error on the hidden
    vector is added undivided to every context word's input vector, also when
    the hidden vector is a mean.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` and output vectors ``W[1]``; row ``n_words``
        of each is padding.
    batch : CbowBatch
        The windows, as laid out by :func:`~sklearn_w2v._engine.layout.cbow_windows`.
    negatives : ndarray of shape (n_windows, n_negative), int
        Noise words of each window. A noise word equal to the center word is
        skipped.
    learning_rate : float
        Step size.
    cbow_mean : bool
        Average (True) or sum (False) the context vectors.
    row_curvature : ndarray of shape (2 * (n_words + 1),), float64, default=None
        If given, each row's summed curvature in this minibatch is added to
        it, rows of ``W`` seen as one matrix (sharded training reads it).
    n_jobs : int, default=1
        Jobs adding their steps to ``W`` at once, for the damping
        (:func:`~sklearn_w2v._engine.losses.logistic.damped_weights`).

    Returns
    -------
    loss : float
        Negative log-likelihood of the minibatch before the update, over the
        windows with at least one context.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.layout import CbowBatch
    >>> from sklearn_w2v._engine.losses.negative_sampling import cbow_update
    >>> batch = CbowBatch(np.array([0, 1]), np.array([1, 0, 2]), np.array([1, 2]))
    >>> W = np.zeros((2, 4, 2), dtype=np.float32)
    >>> loss = cbow_update(W, batch, np.array([[2], [2]]), 0.1, True)
    >>> round(float(loss / np.log(2)), 3)  # 2 windows, 2 outputs each
    4.0
    """
    targets = _targets(batch.centers, negatives)
    target_weight = negative_sampling_layer(targets)[1]
    contexts, n_contexts = batch.contexts, batch.n_contexts
    n_windows, n_targets = targets.shape
    n_components = W.shape[2]
    # One gradient block for both matrices, so one scatter serves both:
    # output rows take the hidden vectors h, input rows the errors dh.
    grad = np.empty((2 * n_windows, n_components), dtype=np.float32)
    h, dh = grad[:n_windows], grad[n_windows:]
    window_hidden(W[0], contexts, n_contexts, cbow_mean, out=h)
    Z = np.take(W[1], targets, axis=0)
    logits = row_dots(Z, h[:, None, :])
    weight = target_weight * (n_contexts > 0)[:, None]
    loss, curvature = label_gradients(
        logits, weight, learning_rate, _label_signs(n_targets)
    )
    np.matmul(logits[:, None, :], Z, out=dh[:, None, :])
    cbow_logistic_step(
        W,
        contexts,
        n_contexts,
        grad,
        targets.ravel(),
        np.full(n_windows, n_targets),
        logits.ravel(),
        (curvature * row_dots(h, h)[:, None]).ravel(),
        row_dots(curvature, row_dots(Z, Z)),
        cbow_mean,
        row_curvature,
        n_jobs,
    )
    return loss
