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

from dataclasses import dataclass

import numpy as np

from ..hooks import timed
from ..scatter import segment_sums
from .base import NO_DAMPING, Loss, window_hidden
from .logistic import (
    cbow_logistic_step,
    label_gradients,
    row_dots,
    skipgram_logistic_update,
)


@dataclass(frozen=True, eq=False)
class HierarchicalSoftmax(Loss):
    """Hierarchical softmax over a Huffman tree of the vocabulary.

    It draws nothing: a window's output rows are its center's path.

    Parameters
    ----------
    tree : tuple of ndarray
        ``(points, codes, lengths)`` of
        :func:`~sklearn_w2v._engine.tables.huffman_tree`. The output matrix
        ``W[1]`` holds one row per inner node (rows ``n_words - 1`` on are
        unused).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.layout import CbowBatch, group_contexts
    >>> from sklearn_w2v._engine.losses.hierarchical_softmax import (
    ...     HierarchicalSoftmax)
    >>> from sklearn_w2v._engine.tables import huffman_tree
    >>> loss = HierarchicalSoftmax(huffman_tree(np.array([5, 3, 2])))  # paths 1, 2, 2

    Skip-gram: 1 + 2 + 2 + 2 path nodes over 4 pairs, all logits 0.

    >>> batch = group_contexts(np.array([3, 0, 1, 2, 3], dtype=np.int32),
    ...                        np.array([-1, 0, 0, 0, -1], dtype=np.int32),
    ...                        np.array([1, 1, 1]), 1)
    >>> W = np.zeros((2, 4, 2), dtype=np.float32)
    >>> round(float(loss.skipgram_step(W, batch, None, 0.1) / np.log(2)), 3)
    7.0

    CBOW: the paths of centers 0 and 1.

    >>> batch = CbowBatch(np.array([0, 1]), np.array([1, 0, 2]), np.array([1, 2]))
    >>> W = np.zeros((2, 4, 2), dtype=np.float32)
    >>> round(float(loss.cbow_step(W, batch, None, 0.1) / np.log(2)), 3)
    3.0
    """

    tree: tuple

    def skipgram_step(self, W, batch, draws, learning_rate, damping=NO_DAMPING):
        """Train skip-gram on one minibatch, in place; return its loss.

        The paths of a minibatch are padded to the longest; the windows with
        paths up to the median length train apart from the others, so that
        few padded entries are computed.

        Parameters
        ----------
        W : ndarray of shape (2, n_words + 1, n_components), float32
            Input vectors ``W[0]`` (row ``n_words`` is padding) and inner-node
            vectors ``W[1]``. C-contiguous.
        batch : SkipgramBatch
            The windows, grouped by span, as laid out by
            :func:`~sklearn_w2v._engine.layout.group_contexts`.
        draws : None
            Hierarchical softmax draws nothing (:meth:`Loss.draw`).
        learning_rate : float
            Step size.
        damping : Damping, default=NO_DAMPING
            The inner-node rows damp as if each job's step came ``n_jobs``
            times, the input rows as with one job
            (:func:`~sklearn_w2v._engine.losses.logistic.skipgram_logistic_update`).

        Returns
        -------
        loss : float
            Negative log-likelihood of the minibatch before the update.
        """
        path_lengths = self.tree[2][batch.centers]
        loss = 0.0
        split = np.median(path_lengths)
        for part in (path_lengths <= split, path_lengths > split):
            if not part.any():
                continue
            nodes, signs, on_path = padded_paths(self.tree, batch.centers[part])
            loss += skipgram_logistic_update(
                W,
                batch.select(part),
                targets=nodes,
                signs=signs,
                target_weight=on_path.astype(np.float32),
                learning_rate=learning_rate,
                damping=damping,
            )
        return loss

    def cbow_step(
        self, W, batch, draws, learning_rate, damping=NO_DAMPING, *, cbow_mean=True
    ):
        """Train CBOW on one minibatch, in place; return its loss.

        Each window's hidden vector is scored against the inner nodes of its
        center word's Huffman path, taken unpadded: the paths of all windows
        one after the other.

        Parameters
        ----------
        W : ndarray of shape (2, n_words + 1, n_components), float32
            Input vectors ``W[0]`` (row ``n_words`` is padding) and inner-node
            vectors ``W[1]``. C-contiguous.
        batch : CbowBatch
            The windows, as laid out by
            :func:`~sklearn_w2v._engine.layout.cbow_windows`.
        draws : None
            Hierarchical softmax draws nothing (:meth:`Loss.draw`).
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
        contexts, n_contexts = batch.contexts, batch.n_contexts
        nodes, signs, path_lengths = flat_paths(self.tree, batch.centers)
        n_windows = len(n_contexts)
        n_components = W.shape[2]
        grad = np.empty((2 * n_windows, n_components), dtype=np.float32)
        h, dh = grad[:n_windows], grad[n_windows:]
        window_hidden(W[0], contexts, n_contexts, cbow_mean, out=h)
        # Node k of the flat paths belongs to window window_of_node[k];
        # windows j's nodes are indptr[j]:indptr[j + 1].
        window_of_node = np.repeat(np.arange(n_windows), path_lengths)
        indptr = np.zeros(n_windows + 1, dtype=np.int32)
        np.cumsum(path_lengths, out=indptr[1:])
        with timed("gather out"):
            Z = np.take(W[1], nodes, axis=0)
            h_of_node = np.take(h, window_of_node, axis=0)
        logits = row_dots(Z, h_of_node)[None]
        weight = np.repeat((n_contexts > 0).astype(np.float32), path_lengths)[None]
        loss, factors, curvature = label_gradients(
            logits, weight, learning_rate, signs[None]
        )
        factors, curvature = factors[0], curvature[0]
        # dh of a window: its nodes' rows weighted by their factors.
        segment_sums(indptr, np.arange(len(nodes), dtype=np.int32), factors, Z, out=dh)
        window_curvature = np.zeros(n_windows, dtype=np.float32)
        has_nodes = path_lengths > 0
        # reduceat sums each window's run of nodes; a window without nodes
        # (an empty run) is skipped, as reduceat would return its next entry.
        window_curvature[has_nodes] = np.add.reduceat(
            curvature * row_dots(Z, Z), indptr[:-1][has_nodes]
        )
        cbow_logistic_step(
            W,
            contexts=contexts,
            n_contexts=n_contexts,
            grad=grad,
            outputs=nodes,
            n_outputs=path_lengths,
            output_factors=factors,
            output_curvature=curvature * row_dots(h, h)[window_of_node],
            window_curvature=window_curvature,
            cbow_mean=cbow_mean,
            damping=damping,
        )
        return loss


def padded_paths(tree, centers):
    """The Huffman paths of ``centers``, padded to the longest of them.

    Returns the inner nodes, shape (n_windows, depth), their signs
    ``1 - 2 * code`` (float32), and the mask of the entries on a path.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.losses.hierarchical_softmax import padded_paths
    >>> from sklearn_w2v._engine.tables import huffman_tree
    >>> tree = huffman_tree(np.array([5, 3, 2]))
    >>> nodes, signs, on_path = padded_paths(tree, np.array([0, 1]))
    >>> nodes.shape, on_path.sum(axis=1).tolist()
    ((2, 2), [1, 2])
    """
    points, codes, lengths = tree
    path_lengths = lengths[centers]
    depth = path_lengths.max(initial=0)
    signs = (1.0 - 2.0 * codes[centers, :depth]).astype(np.float32)
    on_path = np.arange(depth) < path_lengths[:, None]
    return points[centers, :depth], signs, on_path


def flat_paths(tree, centers):
    """The Huffman paths of ``centers``, one after the other, unpadded.

    Returns the inner nodes, their signs ``1 - 2 * code`` (float32) and the
    path lengths.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_w2v._engine.losses.hierarchical_softmax import flat_paths
    >>> from sklearn_w2v._engine.tables import huffman_tree
    >>> nodes, signs, lengths = flat_paths(huffman_tree(np.array([5, 3, 2])),
    ...                                    np.array([0, 1]))
    >>> len(nodes), lengths.tolist()
    (3, [1, 2])
    """
    points, codes, lengths = tree
    path_lengths = lengths[centers]
    ends = np.cumsum(path_lengths)
    # Entry k of center i's path is entry i * max_length + k of the raveled
    # tables, and the k-th entry of that path lands at ends - path_lengths + k
    # of the output. Repeating each path's start minus its output offset and
    # adding the output positions 0, 1, ... gives every entry in one pass.
    starts = centers.astype(np.intp) * points.shape[1] - (ends - path_lengths)
    entries = np.repeat(starts, path_lengths)
    entries += np.arange(ends[-1] if len(ends) else 0)
    signs = 1.0 - 2.0 * codes.ravel()[entries].astype(np.float32)
    return points.ravel()[entries], signs, path_lengths
