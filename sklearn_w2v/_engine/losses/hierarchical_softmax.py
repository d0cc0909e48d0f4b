"""Hierarchical softmax: the center word's Huffman path of binary decisions.

As in the word2vec C tool and gensim, the probability of a word is the
product of the logistic decisions along its path in a Huffman tree of the
vocabulary (:func:`~sklearn_w2v._engine.tables.huffman_tree`); the output matrix
holds one row per inner node. A window meets the inner nodes of its center
word's path, each a binary logistic output of label 1 for code 0 and label 0
for code 1.

Paths differ in length: frequent words have short ones. Skip-gram, whose
windows of equal span share a matrix product, pads the paths of a minibatch
to the longest, and trains the windows with paths up to the median length
apart from the others so that few padded entries are computed. CBOW takes
the paths unpadded, one after the other.
"""

import numpy as np

from ..scatter import segment_sums
from .logistic import (
    cbow_logistic_step,
    label_gradients,
    row_dots,
    skipgram_logistic_update,
    window_hidden,
)


def _paths(tree, centers):
    """The Huffman paths of ``centers``, padded to the longest of them.

    Returns the inner nodes, shape (n_windows, depth), their signs
    ``1 - 2 * code`` (float32), and the mask of the entries on a path.
    """
    points, codes, lengths = tree
    path_lengths = lengths[centers]
    depth = path_lengths.max(initial=0)
    signs = (1.0 - 2.0 * codes[centers, :depth]).astype(np.float32)
    on_path = np.arange(depth) < path_lengths[:, None]
    return points[centers, :depth], signs, on_path


def _flat_paths(tree, centers):
    """The Huffman paths of ``centers``, one after the other, unpadded.

    Returns the inner nodes, their signs ``1 - 2 * code`` (float32) and the
    path lengths.
    """
    points, codes, lengths = tree
    path_lengths = lengths[centers]
    ends = np.cumsum(path_lengths)
    # Entry k of center i's path is entry i * max_length + k of the tables.
    starts = centers.astype(np.intp) * points.shape[1] - (ends - path_lengths)
    entries = np.repeat(starts, path_lengths)
    entries += np.arange(ends[-1] if len(ends) else 0)
    signs = 1.0 - 2.0 * codes.ravel()[entries].astype(np.float32)
    return points.ravel()[entries], signs, path_lengths


def skipgram_update(W, batch, tree, learning_rate, row_curvature=None, n_jobs=1):
    """Train skip-gram with hierarchical softmax on one minibatch, in place.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` (row ``n_words`` is padding) and inner-node
        vectors ``W[1]`` (rows ``n_words - 1`` on are unused).
    batch : SkipgramBatch
        The windows, grouped by span, as laid out by
        :func:`~sklearn_w2v._engine.layout.group_contexts`.
    tree : tuple of ndarray
        ``(points, codes, lengths)`` of
        :func:`~sklearn_w2v._engine.tables.huffman_tree`.
    learning_rate : float
        Step size.
    row_curvature : ndarray of shape (2 * (n_words + 1),), float64, default=None
        If given, each row's summed curvature in this minibatch is added to
        it, rows of ``W`` seen as one matrix (sharded training reads it).
    n_jobs : int, default=1
        Jobs adding their steps to ``W`` at once: the inner-node rows damp as
        if each job's step came ``n_jobs`` times, the input rows as with one
        job (:func:`~sklearn_w2v._engine.losses.logistic.skipgram_logistic_update`).

    Returns
    -------
    loss : float
        Negative log-likelihood of the minibatch before the update.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.losses.hierarchical_softmax import skipgram_update
    >>> from sklearn_w2v._engine.layout import group_contexts
    >>> from sklearn_w2v._engine.tables import huffman_tree
    >>> batch = group_contexts(np.array([3, 0, 1, 2, 3], dtype=np.int32),
    ...                        np.array([-1, 0, 0, 0, -1], dtype=np.int32),
    ...                        np.array([1, 1, 1]), 1)
    >>> W = np.zeros((2, 4, 2), dtype=np.float32)
    >>> tree = huffman_tree(np.array([5, 3, 2]))  # paths of lengths 1, 2, 2
    >>> loss = skipgram_update(W, batch, tree, 0.1)
    >>> round(float(loss / np.log(2)), 3)  # 1 + 2 + 2 + 2 path nodes over 4 pairs
    7.0
    """
    path_lengths = tree[2][batch.centers]
    loss = 0.0
    split = np.median(path_lengths)
    for part in (path_lengths <= split, path_lengths > split):
        if not part.any():
            continue
        nodes, signs, on_path = _paths(tree, batch.centers[part])
        loss += skipgram_logistic_update(
            W,
            batch.select(part),
            nodes,
            signs,
            on_path.astype(np.float32),
            learning_rate,
            row_curvature,
            n_jobs,
        )
    return loss


def cbow_update(W, batch, tree, learning_rate, cbow_mean, row_curvature=None, n_jobs=1):
    """Train CBOW with hierarchical softmax on one minibatch, in place.

    Each window's hidden vector is scored against the inner nodes of its
    center word's Huffman path, taken unpadded: the paths of all windows one
    after the other.

    Parameters
    ----------
    W : ndarray of shape (2, n_words + 1, n_components), float32, C-contiguous
        Input vectors ``W[0]`` (row ``n_words`` is padding) and inner-node
        vectors ``W[1]``.
    batch : CbowBatch
        The windows, as laid out by :func:`~sklearn_w2v._engine.layout.cbow_windows`.
    tree : tuple of ndarray
        ``(points, codes, lengths)`` of
        :func:`~sklearn_w2v._engine.tables.huffman_tree`.
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
    >>> from sklearn_w2v._engine.losses.hierarchical_softmax import cbow_update
    >>> from sklearn_w2v._engine.layout import CbowBatch
    >>> from sklearn_w2v._engine.tables import huffman_tree
    >>> batch = CbowBatch(np.array([0, 1]), np.array([1, 0, 2]), np.array([1, 2]))
    >>> W = np.zeros((2, 4, 2), dtype=np.float32)
    >>> tree = huffman_tree(np.array([5, 3, 2]))  # paths of lengths 1, 2, 2
    >>> round(float(cbow_update(W, batch, tree, 0.1, True) / np.log(2)), 3)
    3.0
    """
    contexts, n_contexts = batch.contexts, batch.n_contexts
    nodes, signs, path_lengths = _flat_paths(tree, batch.centers)
    n_windows = len(n_contexts)
    n_components = W.shape[2]
    grad = np.empty((2 * n_windows, n_components), dtype=np.float32)
    h, dh = grad[:n_windows], grad[n_windows:]
    window_hidden(W[0], contexts, n_contexts, cbow_mean, out=h)
    window_of_node = np.repeat(np.arange(n_windows), path_lengths)
    Z = np.take(W[1], nodes, axis=0)
    logits = row_dots(Z, np.take(h, window_of_node, axis=0))[None]
    weight = np.repeat((n_contexts > 0).astype(np.float32), path_lengths)[None]
    loss, curvature = label_gradients(logits, weight, learning_rate, signs[None])
    logits, curvature = logits[0], curvature[0]
    # dh of a window: its nodes' rows weighted by their factors.
    indptr = np.zeros(n_windows + 1, dtype=np.int32)
    np.cumsum(path_lengths, out=indptr[1:])
    segment_sums(indptr, np.arange(len(nodes), dtype=np.int32), logits, Z, out=dh)
    window_curvature = np.zeros(n_windows, dtype=np.float32)
    has_nodes = path_lengths > 0
    window_curvature[has_nodes] = np.add.reduceat(
        curvature * row_dots(Z, Z), indptr[:-1][has_nodes]
    )
    cbow_logistic_step(
        W,
        contexts,
        n_contexts,
        grad,
        nodes,
        path_lengths,
        logits,
        curvature * row_dots(h, h)[window_of_node],
        window_curvature,
        cbow_mean,
        row_curvature,
        n_jobs,
    )
    return loss
