"""Skip-gram kernel: gradient checks, equality with the slow reference, repeats."""

import _reference as ref
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_w2v._sampling import draw_negatives, group_contexts, subsample_stream
from sklearn_w2v._sgns import label_gradients, sgns_update, sigmoid
from sklearn_w2v._vocabulary import noise_table

SEEDS = [0, 1, 2]


def _step(W, contexts, valid, targets, group_sizes, learning_rate):
    """Run the kernel on a copy; return the new weights and the loss."""
    W = W.copy()
    loss = sgns_update(W, contexts, valid, targets, group_sizes, learning_rate)
    return W, loss


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
    factors = logits.copy()
    loss, curvature = label_gradients(factors, weight, 0.1)
    assert loss == pytest.approx(expected_loss, rel=1e-6)
    assert_allclose(factors, expected, rtol=1e-5, atol=1e-7)
    assert_allclose(curvature, 0.1 * weight * sig * (1 - sig), rtol=1e-5, atol=1e-8)


def test_reference_gradient_matches_finite_differences():
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
def test_update_is_a_gradient_step_by_finite_differences(seed):
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
def test_update_equals_reference(seed, group_sizes):
    W, contexts, valid, targets, sizes = ref.random_batch(
        np.random.default_rng(seed), group_sizes=group_sizes, word_range=6
    )
    new, loss = _step(W, contexts, valid, targets, sizes, 0.05)
    expected, expected_loss = ref.sgns_step(W, contexts, valid, targets, sizes, 0.05)
    assert_allclose(new, expected, rtol=1e-5, atol=1e-6)
    assert loss == pytest.approx(expected_loss, rel=1e-5)


@pytest.mark.parametrize("seed", SEEDS)
def test_update_equals_reference_on_a_batch_laid_out_by_group_contexts(seed):
    rng = np.random.default_rng(seed)
    n_words, window = 10, 3
    ids = rng.integers(0, n_words, 40).astype(np.int32)
    doc_ids = np.repeat(np.arange(6), [3, 9, 1, 12, 7, 8]).astype(np.int32)
    tokens, docs = subsample_stream(
        ids, doc_ids, np.ones(n_words), window, n_words, rng
    )
    spans = rng.integers(1, window + 1, len(ids))
    centers, contexts, valid, sizes = group_contexts(tokens, docs, spans, window)
    targets = np.empty((len(centers), 4), dtype=np.int32)
    targets[:, 0] = centers
    targets[:, 1:] = draw_negatives(noise_table(np.arange(1, 11), 0.75), (40, 3), rng)
    W = (0.3 * rng.standard_normal((2, n_words + 1, 8))).astype(np.float32)
    W[:, n_words] = 0.0
    new, loss = _step(W, contexts, valid, targets, sizes, 0.05)
    expected, expected_loss = ref.sgns_step(W, contexts, valid, targets, sizes, 0.05)
    assert_allclose(new, expected, rtol=1e-5, atol=1e-6)
    assert loss == pytest.approx(expected_loss, rel=1e-5)
    assert_array_equal(new[:, n_words], 0.0)


@pytest.mark.parametrize("n_windows", [1, 7, 64])
def test_repeated_words_accumulate(n_windows):
    # Every window is the same: centre 2, contexts all word 1 (and 2 itself,
    # so one word is both centre and context), noise words 3 twice and 2.
    # The summed update is n_windows times the update of a single window:
    # ``W[rows] += G`` with repeated rows would keep only one of them.
    rng = np.random.default_rng(0)
    W, *_ = ref.random_batch(rng, n_words=5, n_components=4)
    one_window = (
        np.array([1, 1, 2, 1], dtype=np.int32),
        np.array([True, True, True, True]),
        np.array([[2, 3, 3, 2]], dtype=np.int32),
        np.array([0, 1]),
    )
    contexts = np.tile(one_window[0], n_windows)
    valid = np.tile(one_window[1], n_windows)
    targets = np.tile(one_window[2], (n_windows, 1))
    sizes = np.array([0, n_windows])
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


def test_invalid_slots_contribute_nothing():
    rng = np.random.default_rng(3)
    W, contexts, valid, targets, sizes = ref.random_batch(rng, n_words=12)
    # Word 11 only ever sits in invalid slots (a neighbour from another document).
    contexts[contexts == 11] = 0
    targets[targets == 11] = 0
    contexts[~valid] = 11
    new, loss = _step(W, contexts, valid, targets, sizes, 0.1)
    assert_array_equal(new[:, 11], W[:, 11])
    # Dropping the invalid slots altogether changes neither loss nor update.
    without, without_loss = _step(
        W, np.where(valid, contexts, 12), valid, targets, sizes, 0.1
    )
    assert loss == pytest.approx(without_loss, rel=1e-6)
    assert_allclose(new, without, rtol=1e-6, atol=1e-7)


def test_all_slots_invalid_is_a_no_op_with_zero_loss():
    W, contexts, _, targets, sizes = ref.random_batch(np.random.default_rng(0))
    new, loss = _step(W, contexts, np.zeros(len(contexts), bool), targets, sizes, 0.5)
    assert loss == 0.0
    assert_array_equal(new, W)


@pytest.mark.parametrize("seed", SEEDS)
def test_loss_decreases_and_padding_stays_zero(seed):
    W, contexts, valid, targets, sizes = ref.random_batch(
        np.random.default_rng(seed), word_range=8
    )
    W = W.copy()
    losses = [sgns_update(W, contexts, valid, targets, sizes, 0.05) for _ in range(30)]
    assert np.all(np.diff(losses) < 0)
    assert losses[-1] < 0.5 * losses[0]
    assert_array_equal(W[:, -1], 0.0)
    assert W.dtype == np.float32


def test_zero_output_vectors_give_log2_loss_per_pair():
    # At initialisation (W_out = 0) every logit is 0: loss = (K + 1) log 2 per
    # valid slot, and only the output vectors move.
    W, contexts, valid, targets, sizes = ref.random_batch(np.random.default_rng(0))
    W[1] = 0.0
    new, loss = _step(W, contexts, valid, targets, sizes, 0.1)
    # Noise words equal to their centre word are skipped.
    kept = [
        sum(not ref.skipped(targets[j], k) for k in range(targets.shape[1]))
        for j in range(len(targets))
    ]
    n_pairs = sum(
        kept[j] * int(valid[slots].sum())
        for j, slots in enumerate(ref.window_slots(sizes))
    )
    assert loss == pytest.approx(n_pairs * np.log(2), rel=1e-6)
    assert_array_equal(new[0], W[0])
    assert np.any(new[1] != 0)
