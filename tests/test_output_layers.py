"""Hierarchical softmax and full softmax: Huffman tree, kernels, estimator."""

import heapq

import _reference as ref
import numpy as np
import pytest
from numpy.testing import assert_allclose

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v._cbow import cbow_logistic_update, cbow_path_update
from sklearn_w2v._sgns import skipgram_update
from sklearn_w2v._softmax import cbow_softmax_update, skipgram_softmax_update
from sklearn_w2v._vocabulary import huffman_tree

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


def _hs_batch(rng, algorithm_rows=12, counts=None):
    W, contexts, valid, targets, sizes = ref.random_batch(rng, word_range=6)
    if counts is None:
        counts = np.sort(rng.integers(1, 100, algorithm_rows))[::-1]
    points, codes, lengths = huffman_tree(counts)
    centers = targets[:, 0]
    layer_targets = points[centers]
    signs = (1.0 - 2.0 * codes[centers]).astype(np.float32)
    weights = (np.arange(points.shape[1]) < lengths[centers, None]).astype(np.float32)
    return W, contexts, valid, layer_targets, signs, weights, sizes


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("learning_rate", [0.05, 2.0])
def test_skipgram_hierarchical_softmax_equals_reference(seed, learning_rate):
    W, contexts, valid, targets, signs, weights, sizes = _hs_batch(
        np.random.default_rng(seed)
    )
    expected, expected_loss = ref.logistic_step(
        W, contexts, valid, targets, signs, weights, sizes, "skipgram", learning_rate
    )
    new = W.copy()
    loss = skipgram_update(
        new, contexts, valid, targets, signs, weights, sizes, learning_rate
    )
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    assert_allclose(new, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("cbow_mean", [True, False])
def test_cbow_hierarchical_softmax_equals_reference(seed, cbow_mean):
    W, contexts, valid, targets, signs, weights, sizes = _hs_batch(
        np.random.default_rng(seed)
    )
    expected, expected_loss = ref.logistic_step(
        W, contexts, valid, targets, signs, weights, sizes, "cbow", 0.3, cbow_mean
    )
    new = W.copy()
    loss = cbow_logistic_update(
        new,
        *ref.cbow_layout(contexts, valid, sizes),
        targets,
        signs,
        weights,
        0.3,
        cbow_mean,
    )
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    assert_allclose(new, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("cbow_mean", [True, False])
def test_cbow_unpadded_paths_equal_the_padded_reference(seed, cbow_mean):
    rng = np.random.default_rng(seed)
    # Halving counts make a comb-shaped tree: paths of lengths 1 to 11.
    W, contexts, valid, targets, signs, weights, sizes = _hs_batch(
        rng, counts=2 ** np.arange(12)[::-1]
    )
    lengths = weights.sum(axis=1).astype(int)
    assert len(set(lengths.tolist())) > 1
    expected, expected_loss = ref.logistic_step(
        W, contexts, valid, targets, signs, weights, sizes, "cbow", 0.3, cbow_mean
    )
    on_path = weights > 0
    new = W.copy()
    loss = cbow_path_update(
        new,
        *ref.cbow_layout(contexts, valid, sizes),
        targets[on_path],
        signs[on_path],
        lengths,
        0.3,
        cbow_mean,
    )
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    assert_allclose(new, expected, rtol=1e-4, atol=1e-5)


def test_hierarchical_softmax_gradient_matches_finite_differences():
    W, contexts, valid, targets, signs, weights, sizes = _hs_batch(
        np.random.default_rng(3)
    )
    numerical = ref.numerical_gradient(
        lambda V: ref.logistic_loss(
            V, contexts, valid, targets, signs, weights, sizes, "skipgram"
        ),
        W.astype(np.float64),
    )
    learning_rate = 1e-3  # small enough that no row is damped
    new = W.copy()
    skipgram_update(new, contexts, valid, targets, signs, weights, sizes, learning_rate)
    step = (new.astype(np.float64) - W) / learning_rate
    assert_allclose(step, -numerical, rtol=1e-3, atol=2e-3)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_softmax_equals_reference(seed, algorithm):
    W, contexts, valid, targets, sizes = ref.random_batch(np.random.default_rng(seed))
    centers = targets[:, 0]
    expected, expected_loss = ref.softmax_step(
        W, contexts, valid, centers, sizes, algorithm, 0.5
    )
    new = W.copy()
    if algorithm == "skipgram":
        loss = skipgram_softmax_update(new, contexts, valid, centers, sizes, 0.5)
    else:
        layout = ref.cbow_layout(contexts, valid, sizes)
        loss = cbow_softmax_update(new, *layout, centers, 0.5, True)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    assert_allclose(new, expected, rtol=1e-4, atol=1e-5)


def test_softmax_gradient_matches_finite_differences():
    W, contexts, valid, targets, sizes = ref.random_batch(np.random.default_rng(4))
    centers = targets[:, 0]

    def loss(V):
        return ref.softmax_step(V, contexts, valid, centers, sizes, "skipgram", 0.0)[1]

    numerical = ref.numerical_gradient(loss, W.astype(np.float64))
    new = W.copy()
    skipgram_softmax_update(new, contexts, valid, centers, sizes, 1e-3)
    step = (new.astype(np.float64) - W) / 1e-3
    assert_allclose(step, -numerical, rtol=1e-3, atol=2e-3)


TOPICS = [
    ["cat", "dog", "horse", "cow", "sheep", "goat"],
    ["car", "truck", "bus", "train", "plane", "boat"],
]


def _topic_documents(n_documents=200, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.choice(TOPICS[i % 2], 12).tolist() for i in range(n_documents)]


@pytest.mark.parametrize("loss", ["hierarchical_softmax", "softmax"])
@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_estimator_learns_topics_with_each_output_layer(loss, algorithm):
    documents = _topic_documents()
    vectorizer = Word2VecVectorizer(
        loss=loss,
        algorithm=algorithm,
        n_components=10,
        min_count=1,
        subsample=0,
        epochs=5,
        batch_size=64,
        random_state=0,
    ).fit(documents)
    curve = vectorizer.loss_curve_
    assert np.all(np.isfinite(curve)) and curve[-1] < curve[0]
    wv = vectorizer.wv_
    same = np.mean(
        [wv.similarity(a, b) for t in TOPICS for a in t for b in t if a != b]
    )
    across = np.mean([wv.similarity(a, b) for a in TOPICS[0] for b in TOPICS[1]])
    assert same > across + 0.3
    again = Word2VecVectorizer(**vectorizer.get_params()).fit(documents)
    assert np.array_equal(again.wv_.vectors, wv.vectors)


def test_hierarchical_softmax_output_vectors_are_inner_nodes():
    vectorizer = Word2VecVectorizer(
        loss="hierarchical_softmax", n_components=4, min_count=1, epochs=1
    ).fit(_topic_documents(20))
    assert vectorizer.output_vectors_.shape == (len(vectorizer.wv_) - 1, 4)
    with pytest.raises(ValueError, match="word_vectors='output'.*inner nodes"):
        Word2VecVectorizer(
            loss="hierarchical_softmax", word_vectors="output", min_count=1
        ).fit(_topic_documents(20))


def test_softmax_refuses_a_large_vocabulary():
    documents = [[f"w{i}" for i in range(6000)]]
    with pytest.raises(ValueError, match="loss='softmax'.*max_features"):
        Word2VecVectorizer(loss="softmax", min_count=1).fit(documents)
    fitted = Word2VecVectorizer(
        loss="softmax", min_count=1, max_features=50, n_components=4, epochs=1
    ).fit(documents)
    assert len(fitted.wv_) == 50
