"""Weights of a fit: generator, initial and extended weights, divergence guard."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_w2v._engine.weights import check_weights, extend_weights, weight_limit
from sklearn_w2v._fitting import make_generator


def test_make_generator_is_a_function_of_the_seed():
    def draw(state):
        return make_generator(state).random(5)

    assert_array_equal(draw(3), draw(3))
    assert not np.array_equal(draw(3), draw(4))
    assert_array_equal(draw(np.random.RandomState(5)), draw(np.random.RandomState(5)))
    assert isinstance(make_generator(None), np.random.Generator)


def test_initial_weights_follow_gensim():
    # Uniform in [-1/d, 1/d): standard deviation 2 / d / sqrt(12).
    empty = np.zeros((0, 8), dtype=np.float32)
    W = extend_weights(empty, empty, 50, np.random.default_rng(0))
    assert W.shape == (2, 51, 8)
    assert W.dtype == np.float32
    assert np.all(W[0, :50] >= -1 / 8) and np.all(W[0, :50] < 1 / 8)
    assert W[0, :50].std() == pytest.approx(2 / 8 / np.sqrt(12), rel=0.1)
    assert_array_equal(W[1], 0.0)
    assert_array_equal(W[0, 50], 0.0)
    again = extend_weights(empty, empty, 50, np.random.default_rng(0))
    assert_array_equal(W, again)


def test_extended_weights_keep_the_trained_rows():
    rng = np.random.default_rng(1)
    W_in = rng.standard_normal((4, 3)).astype(np.float32)
    W_out = rng.standard_normal((3, 3)).astype(np.float32)  # one row fewer (HS)
    W = extend_weights(W_in, W_out, 2, rng)
    assert W.shape == (2, 7, 3)
    assert_array_equal(W[0, :4], W_in)
    assert_array_equal(W[1, :3], W_out)
    assert_array_equal(W[1, 3:], 0.0)
    assert np.all(np.abs(W[0, 4:6]) < 1 / 3) and np.any(W[0, 4:6] != 0)
    assert_array_equal(W[:, 6], 0.0)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, 2e3, -2e3])
def test_check_weights_names_the_learning_rate(bad):
    W = np.zeros((2, 3, 2), dtype=np.float32)
    limit = weight_limit(W)
    check_weights(W, limit, 0.5)
    W[1, 2, 0] = bad
    with pytest.raises(FloatingPointError, match="learning_rate=0.5"):
        check_weights(W, limit, 0.5)


def test_a_runaway_with_several_jobs_suggests_fewer_jobs():
    W = np.full(3, 5e3, dtype=np.float32)
    with pytest.raises(FloatingPointError, match="smaller learning_rate.$"):
        check_weights(W, 1e3, 0.025)
    with pytest.raises(FloatingPointError, match="or fewer jobs: the 2 jobs update"):
        check_weights(W, 1e3, 0.025, n_jobs=2)
