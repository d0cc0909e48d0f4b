"""Shared pieces of the output layers: sigmoid, label gradients, damping."""

import _reference as ref
import numpy as np
import pytest
from numpy.testing import assert_allclose

from sklearn_w2v._engine.layout import SkipgramBatch
from sklearn_w2v._engine.losses.base import Damping, damped_weights, window_hidden
from sklearn_w2v._engine.losses.logistic import (
    label_gradients,
    sigmoid,
    skipgram_logistic_update,
)


def test_sigmoid_matches_definition_and_saturates_without_overflow():
    x = np.linspace(-40, 40, 81).astype(np.float32)
    with np.errstate(over="raise"):
        got = sigmoid(x.copy())
    assert got.dtype == np.float32
    # Logits are clipped at +-30, far below float32 resolution of 1.
    assert_allclose(got, 1 / (1 + np.exp(-x.astype(np.float64))), rtol=1e-6, atol=1e-12)
    assert np.all((got >= 0) & (got <= 1))


def test_label_gradients_loss_and_factors():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((5, 4)).astype(np.float32)
    weight = rng.integers(0, 3, size=(5, 4)).astype(np.float32)
    expected_loss = sum(
        weight[r, k] * -ref.log_sigmoid(logits[r, k] if k == 0 else -logits[r, k])
        for r in range(5)
        for k in range(4)
    )
    labels = np.array([1.0, 0, 0, 0])
    sig = 1 / (1 + np.exp(-logits.astype(np.float64)))
    expected = 0.1 * weight * (labels - sig)
    buffer = logits.copy()
    loss, factors, curvature = label_gradients(buffer, weight, 0.1)
    assert factors is buffer  # computed in place
    assert loss == pytest.approx(expected_loss, rel=1e-6)
    assert_allclose(factors, expected, rtol=1e-5, atol=1e-7)
    assert_allclose(curvature, 0.1 * weight * sig * (1 - sig), rtol=1e-5, atol=1e-8)


def test_label_gradients_with_explicit_signs_equal_the_implicit_labels():
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((6, 3)).astype(np.float32)
    weight = np.ones((6, 3), dtype=np.float32)
    signs = np.array([[1.0, -1.0, -1.0]], dtype=np.float32)
    implicit, explicit = logits.copy(), logits.copy()
    loss, implicit, curvature = label_gradients(implicit, weight, 0.2)
    loss_signs, explicit, curvature_signs = label_gradients(
        explicit, weight, 0.2, signs
    )
    assert loss_signs == pytest.approx(loss, rel=1e-6)
    assert_allclose(explicit, implicit, rtol=1e-6)
    assert_allclose(curvature_signs, curvature, rtol=1e-6)


def test_damped_weights_divide_each_row_by_its_summed_curvature_above_one():
    rows = np.array([0, 1, 0, 2, 2])
    curvature = np.array([1.5, 0.2, 2.5, 0.5, 0.25], dtype=np.float32)
    weights = damped_weights(rows, curvature)
    # Row 0 sums to 4 (damped 4x), row 1 to 0.2 and row 2 to 0.75 (undamped).
    assert_allclose(weights, [0.25, 1.0, 0.25, 1.0, 1.0])
    assert weights.dtype == np.float32


def test_damping_counts_shared_rows_n_jobs_times_and_records_them_once():
    rows = np.array([0, 0, 1, 2])
    curvature = np.array([0.4, 0.4, 0.6, 2.0], dtype=np.float32)
    row_curvature = np.zeros(4)
    damping = Damping(n_jobs=2, row_curvature=row_curvature, first_shared=1)
    weights = damped_weights(rows, curvature, damping)
    # Row 0 is not shared: 0.8, undamped. Rows 1 and 2 count twice: 1.2 and 4.
    assert_allclose(weights, [1.0, 1.0, 1 / 1.2, 0.25], rtol=1e-6)
    # The record is this job's own curvature, whatever the other jobs add.
    assert_allclose(row_curvature, [0.8, 0.6, 2.0, 0.0], rtol=1e-6)


@pytest.mark.parametrize("cbow_mean", [True, False])
def test_window_hidden_is_the_mean_or_sum_of_the_contexts(cbow_mean):
    rng = np.random.default_rng(2)
    W_in = rng.standard_normal((6, 3)).astype(np.float32)
    n_contexts = np.array([2, 0, 3, 1])
    contexts = rng.integers(0, 6, n_contexts.sum())
    h = window_hidden(W_in, contexts, n_contexts, cbow_mean)
    start = 0
    for j, n in enumerate(n_contexts):
        rows = W_in[contexts[start : start + n]].astype(np.float64)
        expected = rows.sum(axis=0) / (max(n, 1) if cbow_mean else 1)
        assert_allclose(h[j], expected, rtol=1e-6, atol=1e-7)
        start += n


def test_skipgram_step_with_explicit_labels_follows_finite_differences():
    # Per-window labels and zero weights, as hierarchical softmax uses them.
    rng = np.random.default_rng(3)
    W, contexts, valid, targets, sizes = ref.random_batch(rng)
    signs = rng.choice([-1.0, 1.0], targets.shape).astype(np.float32)
    weights = (rng.random(targets.shape) < 0.8).astype(np.float32)
    numerical = ref.numerical_gradient(
        lambda V: ref.logistic_loss(
            V, contexts, valid, targets, signs, weights, sizes, "skipgram"
        ),
        W.astype(np.float64),
    )
    learning_rate = 1e-3  # small enough that no row is damped
    new = W.copy()
    batch = SkipgramBatch(None, contexts, valid, sizes)
    skipgram_logistic_update(
        new,
        batch,
        targets=targets,
        signs=signs,
        target_weight=weights,
        learning_rate=learning_rate,
    )
    step = (new.astype(np.float64) - W) / learning_rate
    assert np.abs(numerical).max() > 0.1  # the check is not vacuous
    assert_allclose(step, -numerical, rtol=1e-3, atol=2e-3)
