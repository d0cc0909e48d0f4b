"""The full softmax: kernels against the reference, estimator."""

import functools

import _reference as ref
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v._engine.layout import CbowBatch, SkipgramBatch
from sklearn_w2v._engine.losses.base import Damping
from sklearn_w2v._engine.losses.softmax import Softmax

SEEDS = [0, 1, 2]
LOSS = Softmax()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
@pytest.mark.parametrize("cbow_mean", [True, False])
def test_softmax_equals_reference(seed, algorithm, cbow_mean):
    W, contexts, valid, targets, sizes = ref.random_batch(np.random.default_rng(seed))
    centers = targets[:, 0]
    expected, expected_loss = ref.softmax_step(
        W, contexts, valid, centers, sizes, algorithm, 0.5, cbow_mean
    )
    new = W.copy()
    if algorithm == "skipgram":
        batch = SkipgramBatch(centers, contexts, valid, sizes)
        loss = LOSS.skipgram_step(new, batch, None, 0.5)
    else:
        batch = CbowBatch(centers, *ref.cbow_layout(contexts, valid, sizes))
        loss = LOSS.cbow_step(new, batch, None, 0.5, cbow_mean=cbow_mean)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    assert_allclose(new, expected, rtol=1e-4, atol=1e-5)


def test_softmax_gradient_matches_finite_differences():
    W, contexts, valid, targets, sizes = ref.random_batch(np.random.default_rng(4))
    centers = targets[:, 0]

    def loss(V):
        return ref.softmax_step(V, contexts, valid, centers, sizes, "skipgram", 0.0)[1]

    numerical = ref.numerical_gradient(loss, W.astype(np.float64))
    new = W.copy()
    batch = SkipgramBatch(centers, contexts, valid, sizes)
    LOSS.skipgram_step(new, batch, None, 1e-3)
    step = (new.astype(np.float64) - W) / 1e-3
    assert np.abs(numerical).max() > 0.1
    assert_allclose(step, -numerical, rtol=1e-3, atol=2e-3)


def assert_repeated_windows_accumulate(loss, algorithm):
    """Identical windows (center 2, contexts 1, 1, 2, 1): the step of 16 of
    them is 16 times the step of one. ``W[rows] += G`` would keep one.
    ``loss`` draws nothing."""
    W, *_ = ref.random_batch(np.random.default_rng(0), n_words=5, n_components=4)
    contexts = np.array([1, 1, 2, 1], dtype=np.int32)

    def step(n_windows):
        new = W.copy()
        centers = np.full(n_windows, 2)
        if algorithm == "skipgram":
            valid = np.ones(4 * n_windows, dtype=bool)
            sizes = np.array([0, n_windows])
            batch = SkipgramBatch(centers, np.tile(contexts, n_windows), valid, sizes)
            return new, loss.skipgram_step(new, batch, None, 1e-3)
        batch = CbowBatch(centers, np.tile(contexts, n_windows), np.full(n_windows, 4))
        return new, loss.cbow_step(new, batch, None, 1e-3, cbow_mean=True)

    single, single_loss = step(1)
    many, many_loss = step(16)
    assert many_loss == pytest.approx(16 * single_loss, rel=1e-5)
    ulp = float(np.spacing(np.abs(W).max()))
    assert_allclose(many - W, 16 * (single - W), rtol=1e-4, atol=34 * ulp)
    assert not np.allclose(many[0, 1], W[0, 1])


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_repeated_windows_accumulate(algorithm):
    assert_repeated_windows_accumulate(LOSS, algorithm)


def assert_loss_decreases(loss, algorithm, W, centers, contexts, valid, sizes):
    """Thirty steps on one batch: the loss falls at every step, by 30% or more.

    ``loss`` draws nothing."""
    if algorithm == "skipgram":
        batch = SkipgramBatch(centers, contexts, valid, sizes)
        losses = [loss.skipgram_step(W, batch, None, 0.05) for _ in range(30)]
    else:
        batch = CbowBatch(centers, *ref.cbow_layout(contexts, valid, sizes))
        losses = [
            loss.cbow_step(W, batch, None, 0.05, cbow_mean=True) for _ in range(30)
        ]
    assert np.all(np.diff(losses) < 0)
    assert losses[-1] < 0.7 * losses[0]


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_loss_decreases(algorithm):
    W, contexts, valid, targets, sizes = ref.random_batch(np.random.default_rng(5))
    assert_loss_decreases(LOSS, algorithm, W, targets[:, 0], contexts, valid, sizes)


TOPICS = [
    ["cat", "dog", "horse", "cow", "sheep", "goat"],
    ["car", "truck", "bus", "train", "plane", "boat"],
]


def topic_documents(n_documents=200, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.choice(TOPICS[i % 2], 12).tolist() for i in range(n_documents)]


def assert_learns_topics(loss, algorithm):
    """Fit on two topics; words of a topic must end up closer to each other."""
    documents = topic_documents()
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


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_estimator_learns_topics(algorithm):
    assert_learns_topics("softmax", algorithm)


def test_softmax_refuses_a_large_vocabulary():
    documents = [[f"w{i}" for i in range(6000)]]
    with pytest.raises(ValueError, match="loss='softmax'.*max_features"):
        Word2VecVectorizer(loss="softmax", min_count=1).fit(documents)
    fitted = Word2VecVectorizer(
        loss="softmax", min_count=1, max_features=50, n_components=4, epochs=1
    ).fit(documents)
    assert len(fitted.wv_) == 50


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_recorded_row_curvature_is_the_references_and_changes_no_step(seed, algorithm):
    W, contexts, valid, targets, sizes = ref.random_batch(np.random.default_rng(seed))
    centers = targets[:, 0]
    record = []
    ref.softmax_step(W, contexts, valid, centers, sizes, algorithm, 0.5, True, record)
    if algorithm == "skipgram":
        batch = SkipgramBatch(centers, contexts, valid, sizes)
        update = LOSS.skipgram_step
    else:
        batch = CbowBatch(centers, *ref.cbow_layout(contexts, valid, sizes))
        update = functools.partial(LOSS.cbow_step, cbow_mean=True)
    plain, recorded = W.copy(), W.copy()
    update(plain, batch, None, 0.5)
    row_curvature = np.zeros(W.shape[0] * W.shape[1])
    update(recorded, batch, None, 0.5, Damping(row_curvature=row_curvature))
    assert_array_equal(recorded, plain)
    assert row_curvature.max() > 0.01  # the check is not vacuous
    assert_allclose(row_curvature, record[0].ravel(), rtol=1e-4, atol=1e-6)
