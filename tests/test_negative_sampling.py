"""Negative sampling: gradient checks, equality with the slow reference, repeats.

Skip-gram and CBOW kernels are checked against the per-pair reference of
``_reference.py`` on the same noise draws; CBOW's input rows follow the
undivided rule of the word2vec C tool (every context takes the whole error of
the hidden vector).
"""

import functools

import _reference as ref
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_w2v._engine.layout import CbowBatch, SkipgramBatch, group_contexts
from sklearn_w2v._engine.losses.base import Damping
from sklearn_w2v._engine.losses.negative_sampling import NegativeSampling
from sklearn_w2v._engine.sampling import draw_negatives
from sklearn_w2v._engine.tables import noise_table

SEEDS = [0, 1, 2]
# The steps read the noise words they are given; the table is for draw().
LOSS = NegativeSampling(noise_table(np.arange(1, 11), 0.75), n_negative=3)


def _skipgram_batch(contexts, valid, targets, group_sizes):
    return SkipgramBatch(targets[:, 0], contexts, valid, np.asarray(group_sizes))


def _cbow_batch(contexts, valid, targets, group_sizes):
    return CbowBatch(targets[:, 0], *ref.cbow_layout(contexts, valid, group_sizes))


def _step(W, contexts, valid, targets, group_sizes, learning_rate):
    """Run the skip-gram kernel on a copy; return the new weights and the loss."""
    W = W.copy()
    batch = _skipgram_batch(contexts, valid, targets, group_sizes)
    loss = LOSS.skipgram_step(W, batch, targets[:, 1:], learning_rate)
    return W, loss


def _cbow_step(W, contexts, valid, targets, group_sizes, learning_rate, cbow_mean):
    """Run the CBOW kernel on a copy; return the new weights and the loss."""
    W = W.copy()
    batch = _cbow_batch(contexts, valid, targets, group_sizes)
    loss = LOSS.cbow_step(W, batch, targets[:, 1:], learning_rate, cbow_mean=cbow_mean)
    return W, loss


def _laid_out_batch(seed):
    """A batch laid out by group_contexts from a stream of documents, with noise."""
    rng = np.random.default_rng(seed)
    n_words, window = 10, 3
    ids = rng.integers(0, n_words, 40).astype(np.int32)
    doc_ids = np.repeat(np.arange(6), [3, 9, 1, 12, 7, 8]).astype(np.int32)
    tokens, docs = ref.padded_stream(ids, doc_ids, window, n_words)
    spans = rng.integers(1, window + 1, len(ids))
    batch = group_contexts(tokens, docs, spans, window)
    targets = np.empty((len(batch.centers), 4), dtype=np.int32)
    targets[:, 0] = batch.centers
    targets[:, 1:] = draw_negatives(noise_table(np.arange(1, 11), 0.75), (40, 3), rng)
    W = (0.3 * rng.standard_normal((2, n_words + 1, 8))).astype(np.float32)
    W[:, n_words] = 0.0
    return W, batch.contexts, batch.valid, targets, batch.group_sizes


def _repeated_windows(n_windows):
    """One window (center 2; contexts 1, 1, 2, 1; noise 3, 3, 2), and
    ``n_windows`` copies of it, as (contexts, valid, targets, group_sizes)."""
    one_window = (
        np.array([1, 1, 2, 1], dtype=np.int32),
        np.array([True, True, True, True]),
        np.array([[2, 3, 3, 2]], dtype=np.int32),
        np.array([0, 1]),
    )
    many = (
        np.tile(one_window[0], n_windows),
        np.tile(one_window[1], n_windows),
        np.tile(one_window[2], (n_windows, 1)),
        np.array([0, n_windows]),
    )
    return one_window, many


# Skip-gram


def test_skipgram_reference_gradient_matches_finite_differences():
    # The oracle checks itself before it checks the kernel.
    W, contexts, valid, targets, sizes = ref.random_batch(np.random.default_rng(0))
    W = W.astype(np.float64)
    loss, grad, _ = ref.sgns_gradient(W, contexts, valid, targets, sizes)
    numerical = ref.numerical_gradient(
        lambda V: ref.sgns_loss(V, contexts, valid, targets, sizes), W
    )
    assert loss == pytest.approx(ref.sgns_loss(W, contexts, valid, targets, sizes))
    assert_allclose(grad, numerical, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("seed", SEEDS)
def test_skipgram_step_is_a_gradient_step_by_finite_differences(seed):
    W, contexts, valid, targets, sizes = ref.random_batch(
        np.random.default_rng(seed), word_range=7
    )
    numerical = ref.numerical_gradient(
        lambda V: ref.sgns_loss(V, contexts, valid, targets, sizes),
        W.astype(np.float64),
    )
    learning_rate = 0.1
    new, _ = _step(W, contexts, valid, targets, sizes, learning_rate)
    step = (new.astype(np.float64) - W) / learning_rate
    assert np.abs(numerical).max() > 0.1  # the check is not vacuous
    assert_allclose(step, -numerical, rtol=1e-4, atol=2e-5)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "group_sizes", [(3,), (2, 3, 2), (0, 4, 0, 1), (1, 0, 0, 0, 2)]
)
def test_skipgram_step_equals_reference(seed, group_sizes):
    W, contexts, valid, targets, sizes = ref.random_batch(
        np.random.default_rng(seed), group_sizes=group_sizes, word_range=6
    )
    new, loss = _step(W, contexts, valid, targets, sizes, 0.05)
    expected, expected_loss = ref.sgns_step(W, contexts, valid, targets, sizes, 0.05)
    assert_allclose(new, expected, rtol=1e-5, atol=1e-6)
    assert loss == pytest.approx(expected_loss, rel=1e-5)


@pytest.mark.parametrize("seed", SEEDS)
def test_skipgram_step_equals_reference_on_a_batch_laid_out_by_group_contexts(seed):
    W, contexts, valid, targets, sizes = _laid_out_batch(seed)
    new, loss = _step(W, contexts, valid, targets, sizes, 0.05)
    expected, expected_loss = ref.sgns_step(W, contexts, valid, targets, sizes, 0.05)
    assert_allclose(new, expected, rtol=1e-5, atol=1e-6)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    assert_array_equal(new[:, -1], 0.0)


@pytest.mark.parametrize("n_windows", [1, 7, 64])
def test_skipgram_repeated_words_accumulate(n_windows):
    # Every window is the same: center 2, contexts all word 1 (and 2 itself,
    # so one word is both center and context), noise words 3 twice and 2.
    # The summed update is n_windows times the update of a single window:
    # ``W[rows] += G`` with repeated rows would keep only one of them.
    rng = np.random.default_rng(0)
    W, *_ = ref.random_batch(rng, n_words=5, n_components=4)
    one_window, (contexts, valid, targets, sizes) = _repeated_windows(n_windows)
    learning_rate = 1e-3
    single, single_loss = _step(W, *one_window, learning_rate)
    many, loss = _step(W, contexts, valid, targets, sizes, learning_rate)
    assert loss == pytest.approx(n_windows * single_loss, rel=1e-5)
    # Each float32 difference of weights is exact only to one ulp of |W|.
    ulp = float(np.spacing(np.abs(W).max()))
    assert_allclose(
        many - W, n_windows * (single - W), rtol=1e-4, atol=2 * (n_windows + 1) * ulp
    )
    expected, _ = ref.sgns_step(W, contexts, valid, targets, sizes, learning_rate)
    assert_allclose(many, expected, rtol=1e-5, atol=1e-7)
    for matrix, word in [(0, 1), (0, 2), (1, 2), (1, 3)]:
        assert not np.allclose(many[matrix, word], W[matrix, word])


def test_skipgram_invalid_positions_contribute_nothing():
    rng = np.random.default_rng(3)
    W, contexts, valid, targets, sizes = ref.random_batch(rng, n_words=12)
    # Word 11 only ever sits in invalid positions (a neighbour from another document).
    contexts[contexts == 11] = 0
    targets[targets == 11] = 0
    contexts[~valid] = 11
    new, loss = _step(W, contexts, valid, targets, sizes, 0.1)
    assert_array_equal(new[:, 11], W[:, 11])
    # Dropping the invalid positions altogether changes neither loss nor update.
    without, without_loss = _step(
        W, np.where(valid, contexts, 12), valid, targets, sizes, 0.1
    )
    assert loss == pytest.approx(without_loss, rel=1e-6)
    assert_allclose(new, without, rtol=1e-6, atol=1e-7)


def test_skipgram_all_positions_invalid_is_a_no_op_with_zero_loss():
    W, contexts, _, targets, sizes = ref.random_batch(np.random.default_rng(0))
    new, loss = _step(W, contexts, np.zeros(len(contexts), bool), targets, sizes, 0.5)
    assert loss == 0.0
    assert_array_equal(new, W)


@pytest.mark.parametrize("seed", SEEDS)
def test_skipgram_loss_decreases_and_padding_stays_zero(seed):
    W, contexts, valid, targets, sizes = ref.random_batch(
        np.random.default_rng(seed), word_range=8
    )
    W = W.copy()
    batch = _skipgram_batch(contexts, valid, targets, sizes)
    losses = [LOSS.skipgram_step(W, batch, targets[:, 1:], 0.05) for _ in range(30)]
    assert np.all(np.diff(losses) < 0)
    assert losses[-1] < 0.5 * losses[0]
    assert_array_equal(W[:, -1], 0.0)
    assert W.dtype == np.float32


def test_skipgram_zero_output_vectors_give_log2_loss_per_pair():
    # At initialisation (W_out = 0) every logit is 0: loss = (K + 1) log 2 per
    # valid position, and only the output vectors move.
    W, contexts, valid, targets, sizes = ref.random_batch(np.random.default_rng(0))
    W[1] = 0.0
    new, loss = _step(W, contexts, valid, targets, sizes, 0.1)
    # Noise words equal to their center word are skipped.
    kept = [
        sum(not ref.skipped(targets[j], k) for k in range(targets.shape[1]))
        for j in range(len(targets))
    ]
    n_pairs = sum(
        kept[j] * int(valid[positions].sum())
        for j, positions in enumerate(ref.window_positions(sizes))
    )
    assert loss == pytest.approx(n_pairs * np.log(2), rel=1e-6)
    assert_array_equal(new[0], W[0])
    assert np.any(new[1] != 0)


# CBOW


def _n_valid(valid, group_sizes):
    return np.array([valid[s].sum() for s in ref.window_positions(group_sizes)])


@pytest.mark.parametrize("cbow_mean", [True, False])
def test_cbow_reference_gradient_matches_finite_differences(cbow_mean):
    W, contexts, valid, targets, sizes = ref.random_batch(np.random.default_rng(0))
    W = W.astype(np.float64)
    loss, grad, _, _ = ref.cbow_gradient(W, contexts, valid, targets, sizes, cbow_mean)
    numerical = ref.numerical_gradient(
        lambda V: ref.cbow_loss(V, contexts, valid, targets, sizes, cbow_mean), W
    )
    assert loss == pytest.approx(
        ref.cbow_loss(W, contexts, valid, targets, sizes, cbow_mean)
    )
    assert_allclose(grad, numerical, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("cbow_mean", [True, False])
def test_cbow_step_follows_the_undivided_rule_by_finite_differences(seed, cbow_mean):
    # Finite differences of each window's loss: the output step is the exact
    # gradient step; the input step is sum_j m_j * (exact gradient of window
    # j's loss), m_j = n_valid_j for the mean (undivided rule) and 1 for the sum.
    W, contexts, valid, targets, sizes = ref.random_batch(
        np.random.default_rng(seed), word_range=7
    )
    jacobian = ref.numerical_gradient(
        lambda V: ref.cbow_window_losses(V, contexts, valid, targets, sizes, cbow_mean),
        W.astype(np.float64),
    )
    n_valid = _n_valid(valid, sizes)
    assert len(set(n_valid.tolist())) > 1  # windows of several context counts
    factor = n_valid if cbow_mean else np.ones(len(n_valid))
    learning_rate = 0.1
    new, _ = _cbow_step(W, contexts, valid, targets, sizes, learning_rate, cbow_mean)
    step = (new.astype(np.float64) - W) / learning_rate
    assert_allclose(step[1], -jacobian[:, 1].sum(axis=0), rtol=1e-4, atol=2e-5)
    expected_input = -np.einsum("j,j...->...", factor, jacobian[:, 0])
    assert_allclose(step[0], expected_input, rtol=1e-4, atol=2e-5)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("cbow_mean", [True, False])
def test_cbow_input_step_is_n_contexts_times_the_exact_cbow_step(seed, cbow_mean):
    # Every window has exactly 2 valid contexts (mixed spans, invalid positions)
    # and one has none: the input step is 2x the gradient step for the mean,
    # 1x for the sum.
    rng = np.random.default_rng(seed)
    sizes = np.array([2, 3, 2])
    W, contexts, _, targets, _ = ref.random_batch(rng, group_sizes=sizes)
    valid = np.zeros(len(contexts), dtype=bool)
    windows = ref.window_positions(sizes)
    for positions in windows[:-1]:
        valid[rng.choice(positions, 2, replace=False)] = True
    numerical = ref.numerical_gradient(
        lambda V: ref.cbow_loss(V, contexts, valid, targets, sizes, cbow_mean),
        W.astype(np.float64),
    )
    learning_rate = 0.1
    new, _ = _cbow_step(W, contexts, valid, targets, sizes, learning_rate, cbow_mean)
    step = (new.astype(np.float64) - W) / learning_rate
    factor = 2.0 if cbow_mean else 1.0
    assert np.abs(numerical[0]).max() > 0.05
    assert_allclose(step[0], -factor * numerical[0], rtol=1e-4, atol=2e-5)
    assert_allclose(step[1], -numerical[1], rtol=1e-4, atol=2e-5)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("cbow_mean", [True, False])
@pytest.mark.parametrize(
    "group_sizes", [(3,), (2, 3, 2), (0, 4, 0, 1), (1, 0, 0, 0, 2)]
)
def test_cbow_step_equals_reference(seed, cbow_mean, group_sizes):
    W, contexts, valid, targets, sizes = ref.random_batch(
        np.random.default_rng(seed), group_sizes=group_sizes, word_range=6
    )
    new, loss = _cbow_step(W, contexts, valid, targets, sizes, 0.05, cbow_mean)
    expected, expected_loss = ref.cbow_step(
        W, contexts, valid, targets, sizes, 0.05, cbow_mean
    )
    assert_allclose(new, expected, rtol=1e-5, atol=1e-6)
    assert loss == pytest.approx(expected_loss, rel=1e-5)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("cbow_mean", [True, False])
def test_cbow_step_equals_reference_on_a_batch_laid_out_by_group_contexts(
    seed, cbow_mean
):
    W, contexts, valid, targets, sizes = _laid_out_batch(seed)
    new, loss = _cbow_step(W, contexts, valid, targets, sizes, 0.05, cbow_mean)
    expected, expected_loss = ref.cbow_step(
        W, contexts, valid, targets, sizes, 0.05, cbow_mean
    )
    assert_allclose(new, expected, rtol=1e-5, atol=1e-6)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    assert_array_equal(new[:, -1], 0.0)


@pytest.mark.parametrize("cbow_mean", [True, False])
@pytest.mark.parametrize("n_windows", [1, 7, 64])
def test_cbow_repeated_words_accumulate(cbow_mean, n_windows):
    # Identical windows: center 2, contexts 1, 1, 2, 1 (word 2 is center and
    # context), noise 3, 3, 2. The update is n_windows times one window's.
    W, *_ = ref.random_batch(np.random.default_rng(0), n_words=5, n_components=4)
    one_window, (contexts, valid, targets, sizes) = _repeated_windows(n_windows)
    learning_rate = 1e-3
    single, single_loss = _cbow_step(W, *one_window, learning_rate, cbow_mean)
    many, loss = _cbow_step(
        W, contexts, valid, targets, sizes, learning_rate, cbow_mean
    )
    assert loss == pytest.approx(n_windows * single_loss, rel=1e-5)
    # Each float32 difference of weights is exact only to one ulp of |W|.
    ulp = float(np.spacing(np.abs(W).max()))
    assert_allclose(
        many - W, n_windows * (single - W), rtol=1e-4, atol=2 * (n_windows + 1) * ulp
    )
    expected, _ = ref.cbow_step(
        W, contexts, valid, targets, sizes, learning_rate, cbow_mean
    )
    assert_allclose(many, expected, rtol=1e-5, atol=1e-7)
    # Word 1 fills three positions of every window: three undivided contributions.
    _, _, grad_h, _ = ref.cbow_gradient(W, *one_window, cbow_mean)
    assert_allclose(
        many[0, 1] - W[0, 1],
        -3 * n_windows * learning_rate * grad_h[0],
        rtol=1e-3,
        atol=1e-7,
    )


@pytest.mark.parametrize("cbow_mean", [True, False])
def test_cbow_windows_without_context_contribute_nothing(cbow_mean):
    rng = np.random.default_rng(4)
    sizes = np.array([1, 2, 1])
    W, contexts, valid, targets, _ = ref.random_batch(rng, group_sizes=sizes)
    windows = ref.window_positions(sizes)
    valid[:] = True
    valid[windows[1]] = False  # window 1 has no valid context
    # Window 1's words appear nowhere else.
    contexts[windows[1]] = 10
    targets[1] = 11
    contexts[contexts == 11] = 0
    targets[[0, 2, 3]] = np.where(targets[[0, 2, 3]] >= 10, 0, targets[[0, 2, 3]])
    new, loss = _cbow_step(W, contexts, valid, targets, sizes, 0.1, cbow_mean)
    assert_array_equal(new[:, 10:], W[:, 10:])
    keep = [0, 2, 3]
    kept_positions = np.concatenate([windows[j] for j in keep])
    expected_loss = ref.cbow_loss(
        W.astype(np.float64),
        contexts[kept_positions],
        valid[kept_positions],
        targets[keep],
        np.array([1, 1, 1]),
        cbow_mean,
    )
    assert loss == pytest.approx(expected_loss, rel=1e-5)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("cbow_mean", [True, False])
def test_cbow_loss_decreases_and_padding_stays_zero(seed, cbow_mean):
    W, contexts, valid, targets, sizes = ref.random_batch(
        np.random.default_rng(seed), word_range=8
    )
    W = W.copy()
    batch = _cbow_batch(contexts, valid, targets, sizes)
    losses = [
        LOSS.cbow_step(W, batch, targets[:, 1:], 0.05, cbow_mean=cbow_mean)
        for _ in range(30)
    ]
    assert np.all(np.diff(losses) < 0)
    assert losses[-1] < 0.7 * losses[0]
    assert_array_equal(W[:, -1], 0.0)
    assert W.dtype == np.float32


def test_cbow_mean_and_sum_agree_with_one_context_per_window():
    rng = np.random.default_rng(5)
    sizes = np.array([3, 2])
    W, contexts, _, targets, _ = ref.random_batch(rng, group_sizes=sizes)
    valid = np.zeros(len(contexts), dtype=bool)
    for positions in ref.window_positions(sizes):
        valid[rng.choice(positions)] = True
    mean, mean_loss = _cbow_step(W, contexts, valid, targets, sizes, 0.1, True)
    total, total_loss = _cbow_step(W, contexts, valid, targets, sizes, 0.1, False)
    assert_array_equal(mean, total)
    assert mean_loss == total_loss


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_recorded_row_curvature_is_the_references_and_changes_no_step(seed, algorithm):
    W, contexts, valid, targets, sizes = _laid_out_batch(seed)
    record = []
    if algorithm == "skipgram":
        batch = _skipgram_batch(contexts, valid, targets, sizes)
        update = LOSS.skipgram_step
        ref.sgns_step(W, contexts, valid, targets, sizes, 0.05, record)
    else:
        batch = _cbow_batch(contexts, valid, targets, sizes)
        update = functools.partial(LOSS.cbow_step, cbow_mean=True)
        ref.cbow_step(W, contexts, valid, targets, sizes, 0.05, True, record)
    plain, recorded = W.copy(), W.copy()
    update(plain, batch, targets[:, 1:], 0.05)
    row_curvature = np.zeros(W.shape[0] * W.shape[1])
    update(recorded, batch, targets[:, 1:], 0.05, Damping(row_curvature=row_curvature))
    assert_array_equal(recorded, plain)
    assert row_curvature.max() > 0.01  # the check is not vacuous
    assert_allclose(row_curvature, record[0].ravel(), rtol=1e-4, atol=1e-7)
