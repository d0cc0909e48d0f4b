"""Hierarchical softmax: Huffman tree, kernels against the reference, estimator."""

import functools
import heapq

import _reference as ref
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from test_softmax import (
    assert_learns_topics,
    assert_loss_decreases,
    assert_repeated_windows_accumulate,
    topic_documents,
)

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v._engine.layout import CbowBatch, SkipgramBatch
from sklearn_w2v._engine.losses.base import Damping
from sklearn_w2v._engine.losses.hierarchical_softmax import HierarchicalSoftmax
from sklearn_w2v._engine.tables import huffman_tree

SEEDS = [0, 1, 2]


def _optimal_cost(counts):
    heap = [float(c) for c in counts]
    heapq.heapify(heap)
    total = 0.0
    while len(heap) > 1:
        merged = heapq.heappop(heap) + heapq.heappop(heap)
        total += merged
        heapq.heappush(heap, merged)
    return total


@pytest.mark.parametrize("seed", SEEDS)
def test_huffman_codes_are_an_optimal_prefix_code(seed):
    rng = np.random.default_rng(seed)
    counts = np.sort(rng.integers(1, 1000, 300))[::-1]
    points, codes, lengths = huffman_tree(counts)
    words = [tuple(codes[i, : lengths[i]]) for i in range(len(counts))]
    assert len(set(words)) == len(counts)
    for a in words:  # prefix-free
        assert not any(b != a and b[: len(a)] == a for b in words)
    assert (2.0 ** -lengths.astype(float)).sum() == pytest.approx(1.0)
    assert (lengths * counts).sum() == _optimal_cost(counts)
    # Frequent words never have longer codes than rarer ones.
    assert np.all(np.diff(lengths) >= 0)


def test_huffman_paths_start_at_the_root_and_are_padded():
    counts = np.array([50, 20, 10, 10, 5, 5])
    points, codes, lengths = huffman_tree(counts)
    n_words = len(counts)
    assert np.all(points[:, 0] == n_words - 2)  # the root, last inner node
    for i, length in enumerate(lengths):
        assert np.all(points[i, :length] < n_words - 1)
        assert np.all(points[i, length:] == n_words)
        assert np.all(codes[i, length:] == 0)
    # A word's path is consistent with its siblings': the same prefix of
    # codes goes through the same inner nodes.
    for i in range(n_words):
        for j in range(n_words):
            common = 0
            while (
                common < min(lengths[i], lengths[j])
                and codes[i, common] == codes[j, common]
            ):
                common += 1
            assert np.array_equal(points[i, : common + 1], points[j, : common + 1])


def _hs_batch(rng, counts=None):
    """A random batch, the Huffman tree of its words and their padded paths."""
    W, contexts, valid, targets, sizes = ref.random_batch(rng, word_range=6)
    if counts is None:
        counts = np.sort(rng.integers(1, 100, 12))[::-1]
    tree = huffman_tree(counts)
    points, codes, lengths = tree
    centers = targets[:, 0]
    paths = (
        points[centers],
        (1.0 - 2.0 * codes[centers]).astype(np.float32),
        (np.arange(points.shape[1]) < lengths[centers, None]).astype(np.float32),
    )
    return W, contexts, valid, centers, sizes, tree, paths


def _reference_skipgram_step(
    W, contexts, valid, sizes, paths, learning_rate, record=None
):
    """The reference step of the windows with paths up to the median length,
    then of the others from the weights it leaves: the kernel's two parts."""
    path_lengths = paths[2].sum(axis=1)
    layout = ref.window_positions(sizes)
    spans = np.repeat(np.arange(1, len(sizes) + 1), sizes)
    loss = 0.0
    split = np.median(path_lengths)
    for part in (path_lengths <= split, path_lengths > split):
        if not part.any():
            continue
        kept = [p for j, positions in enumerate(layout) if part[j] for p in positions]
        part_sizes = np.bincount(spans[part], minlength=len(sizes) + 1)[1:]
        W, part_loss = ref.logistic_step(
            W,
            contexts[kept],
            valid[kept],
            *(array[part] for array in paths),
            part_sizes,
            "skipgram",
            learning_rate,
            record=record,
        )
        loss += part_loss
    return W, loss


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("learning_rate", [0.05, 2.0])
@pytest.mark.parametrize("comb", [False, True])
def test_skipgram_equals_reference(seed, learning_rate, comb):
    # Halving counts make a comb-shaped tree: paths of lengths 1 to 11.
    counts = 2 ** np.arange(12)[::-1] if comb else None
    W, contexts, valid, centers, sizes, tree, paths = _hs_batch(
        np.random.default_rng(seed), counts
    )
    if comb:  # both parts of the median split are trained
        lengths = paths[2].sum(axis=1)
        assert np.any(lengths > np.median(lengths))
    expected, expected_loss = _reference_skipgram_step(
        W, contexts, valid, sizes, paths, learning_rate
    )
    new = W.copy()
    batch = SkipgramBatch(centers, contexts, valid, sizes)
    loss = HierarchicalSoftmax(tree).skipgram_step(new, batch, None, learning_rate)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    assert_allclose(new, expected, rtol=1e-4, atol=1e-5)


def test_skipgram_with_paths_of_one_length_is_one_gradient_step():
    # Every path has the same length: no second part, one step of the loss.
    W, contexts, valid, centers, sizes, tree, paths = _hs_batch(
        np.random.default_rng(3), counts=np.ones(8, dtype=np.int64)
    )
    assert len(set(paths[2].sum(axis=1).tolist())) == 1
    numerical = ref.numerical_gradient(
        lambda V: ref.logistic_loss(V, contexts, valid, *paths, sizes, "skipgram"),
        W.astype(np.float64),
    )
    learning_rate = 1e-3  # small enough that no row is damped
    new = W.copy()
    batch = SkipgramBatch(centers, contexts, valid, sizes)
    HierarchicalSoftmax(tree).skipgram_step(new, batch, None, learning_rate)
    step = (new.astype(np.float64) - W) / learning_rate
    assert np.abs(numerical).max() > 0.1
    assert_allclose(step, -numerical, rtol=1e-3, atol=2e-3)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("cbow_mean", [True, False])
@pytest.mark.parametrize("comb", [False, True])
def test_cbow_equals_reference(seed, cbow_mean, comb):
    # CBOW takes the paths unpadded; the reference pads them.
    counts = 2 ** np.arange(12)[::-1] if comb else None
    W, contexts, valid, centers, sizes, tree, paths = _hs_batch(
        np.random.default_rng(seed), counts
    )
    assert len(set(paths[2].sum(axis=1).tolist())) > comb
    expected, expected_loss = ref.logistic_step(
        W, contexts, valid, *paths, sizes, "cbow", 0.3, cbow_mean
    )
    new = W.copy()
    batch = CbowBatch(centers, *ref.cbow_layout(contexts, valid, sizes))
    loss = HierarchicalSoftmax(tree).cbow_step(
        new, batch, None, 0.3, cbow_mean=cbow_mean
    )
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    assert_allclose(new, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_repeated_windows_accumulate(algorithm):
    tree = huffman_tree(np.array([40, 30, 20, 10, 5]))
    assert_repeated_windows_accumulate(HierarchicalSoftmax(tree), algorithm)


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_loss_decreases_and_padding_stays_zero(algorithm):
    W, contexts, valid, centers, sizes, tree, _ = _hs_batch(np.random.default_rng(5))
    loss = HierarchicalSoftmax(tree)
    assert_loss_decreases(loss, algorithm, W, centers, contexts, valid, sizes)
    assert_array_equal(W[0, -1], 0.0)


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_estimator_learns_topics(algorithm):
    assert_learns_topics("hierarchical_softmax", algorithm)


def test_hierarchical_softmax_output_vectors_are_inner_nodes():
    vectorizer = Word2VecVectorizer(
        loss="hierarchical_softmax", n_components=4, min_count=1, epochs=1
    ).fit(topic_documents(20))
    assert vectorizer.output_vectors_.shape == (len(vectorizer.wv_) - 1, 4)
    with pytest.raises(ValueError, match="word_vectors='output'.*inner nodes"):
        Word2VecVectorizer(
            loss="hierarchical_softmax", word_vectors="output", min_count=1
        ).fit(topic_documents(20))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_recorded_row_curvature_is_the_references_and_changes_no_step(seed, algorithm):
    # A comb-shaped tree: skip-gram trains two parts, whose curvatures add up.
    W, contexts, valid, centers, sizes, tree, paths = _hs_batch(
        np.random.default_rng(seed), 2 ** np.arange(12)[::-1]
    )
    record = []
    if algorithm == "skipgram":
        batch = SkipgramBatch(centers, contexts, valid, sizes)
        update = HierarchicalSoftmax(tree).skipgram_step
        _reference_skipgram_step(W, contexts, valid, sizes, paths, 0.05, record)
    else:
        batch = CbowBatch(centers, *ref.cbow_layout(contexts, valid, sizes))
        update = functools.partial(HierarchicalSoftmax(tree).cbow_step, cbow_mean=True)
        ref.logistic_step(W, contexts, valid, *paths, sizes, "cbow", 0.05, True, record)
    plain, recorded = W.copy(), W.copy()
    update(plain, batch, None, 0.05)
    row_curvature = np.zeros(W.shape[0] * W.shape[1])
    update(recorded, batch, None, 0.05, Damping(row_curvature=row_curvature))
    assert_array_equal(recorded, plain)
    assert row_curvature.max() > 0.01  # the check is not vacuous
    assert_allclose(row_curvature, sum(record).ravel(), rtol=1e-4, atol=1e-6)
