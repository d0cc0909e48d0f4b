"""scatter_add: repeated rows accumulate, weights and entry counts are honoured."""

import _reference as ref
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_w2v._engine.scatter import scatter_add

SEEDS = [0, 1, 2]


def _counts(sources, G):
    """Entries per row of G, from the non-decreasing source of each entry."""
    return np.bincount(sources, minlength=len(G))


def _problem(rng, dtype, n_rows=20, n_entries=200, n_sources=50, n_components=5):
    W = rng.standard_normal((n_rows, n_components)).astype(dtype)
    # Few distinct rows among many entries: heavy repeats.
    rows = rng.integers(0, n_rows // 2, n_entries)
    G = rng.standard_normal((n_sources, n_components)).astype(dtype)
    # Non-decreasing sources, as the kernels lay them out.
    sources = np.sort(rng.integers(0, n_sources, n_entries))
    weights = rng.standard_normal(n_entries).astype(dtype)
    return W, rows, G, sources, weights


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_matches_add_at_with_sources_and_weights(seed, dtype):
    W, rows, G, sources, weights = _problem(np.random.default_rng(seed), dtype)
    expected = W.copy()
    np.add.at(expected, rows, weights[:, None] * G[sources])
    scatter_add(W, rows, G, counts=_counts(sources, G), weights=weights)
    assert W.dtype == dtype
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert_allclose(W, expected, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("seed", SEEDS)
def test_matches_one_entry_at_a_time_reference(seed):
    W, rows, G, sources, weights = _problem(np.random.default_rng(seed), np.float64)
    expected = W.copy()
    ref.scatter_add(expected, rows, G, sources, weights)
    scatter_add(W, rows, G, counts=_counts(sources, G), weights=weights)
    assert_allclose(W, expected, rtol=1e-12, atol=1e-12)


def test_defaults_are_identity_sources_and_unit_weights():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((6, 3)).astype(np.float32)
    rows = np.array([4, 1, 4, 4, 0])
    G = rng.standard_normal((5, 3)).astype(np.float32)
    expected = W.copy()
    np.add.at(expected, rows, G)
    scatter_add(W, rows, G)
    assert_allclose(W, expected, rtol=1e-6)


def test_one_row_repeated_many_times_sums_all_contributions():
    W = np.zeros((3, 2), dtype=np.float32)
    G = np.ones((1000, 2), dtype=np.float32)
    scatter_add(W, np.full(1000, 1), G)
    assert_array_equal(W, [[0, 0], [1000, 1000], [0, 0]])


def test_one_source_feeds_several_rows_and_a_row_several_times():
    W = np.zeros((4, 2))
    G = np.array([[1.0, 2.0], [10.0, 20.0]])
    scatter_add(
        W,
        np.array([0, 3, 3, 3]),
        G,
        counts=np.array([2, 2]),
        weights=np.array([1.0, 2.0, 0.5, -1.0]),
    )
    assert_array_equal(W, [[1, 2], [0, 0], [0, 0], [2 - 5, 4 - 10]])


def test_untouched_rows_are_bit_identical_and_update_is_in_place():
    rng = np.random.default_rng(1)
    W, rows, G, sources, weights = _problem(rng, np.float32)
    before = W.copy()
    buffer = W
    scatter_add(W, rows, G, counts=_counts(sources, G), weights=weights)
    assert buffer is W
    untouched = np.setdiff1d(np.arange(len(W)), rows)
    assert len(untouched) > 0
    assert_array_equal(W[untouched], before[untouched])


def test_zero_weights_leave_rows_unchanged():
    rng = np.random.default_rng(2)
    W, rows, G, sources, _ = _problem(rng, np.float32)
    before = W.copy()
    scatter_add(
        W, rows, G, counts=_counts(sources, G), weights=np.zeros(len(rows), np.float32)
    )
    assert_array_equal(W, before)


def test_no_entries_is_a_no_op():
    W = np.ones((3, 2), dtype=np.float32)
    scatter_add(W, np.array([], dtype=np.int64), np.ones((0, 2), dtype=np.float32))
    assert_array_equal(W, 1.0)


def test_updates_a_non_contiguous_matrix_in_place():
    # A column slice of a larger array is not C-contiguous.
    rng = np.random.default_rng(3)
    base = np.zeros((10, 8), dtype=np.float32)
    W = base[:, 2:6]
    rows = np.array([1, 1, 7])
    G = rng.standard_normal((3, 4)).astype(np.float32)
    scatter_add(W, rows, G)
    assert_allclose(base[1, 2:6], G[0] + G[1], rtol=1e-6)
    assert_allclose(base[7, 2:6], G[2], rtol=1e-6)
    assert_array_equal(base[:, :2], 0.0)
    assert_array_equal(base[:, 6:], 0.0)


def test_writes_through_a_reshaped_view_of_the_stacked_weights():
    # The kernels scatter into W.reshape(-1, d) of the (2, n + 1, d) stack.
    W = np.zeros((2, 4, 3), dtype=np.float32)
    scatter_add(
        W.reshape(-1, 3),
        np.array([1, 5, 5]),
        np.ones((3, 3), dtype=np.float32),
    )
    assert_array_equal(W[0, 1], 1.0)
    assert_array_equal(W[1, 1], 2.0)
    assert W.sum() == 9.0
