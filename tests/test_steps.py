"""Settings and steps: the loss object of each fit, damping, the stages hooks see."""

import dataclasses
from contextlib import nullcontext

import _reference as ref
import numpy as np
import pytest
from _settings import settings_params
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_w2v._engine import hooks
from sklearn_w2v._engine.layout import CbowBatch, SkipgramBatch
from sklearn_w2v._engine.loop import train
from sklearn_w2v._engine.losses.base import Damping
from sklearn_w2v._engine.losses.hierarchical_softmax import HierarchicalSoftmax
from sklearn_w2v._engine.losses.negative_sampling import NegativeSampling
from sklearn_w2v._engine.losses.softmax import Softmax
from sklearn_w2v._engine.steps import make_settings
from sklearn_w2v._engine.tables import huffman_tree
from sklearn_w2v._engine.weights import extend_weights

LOSSES = ["negative_sampling", "hierarchical_softmax", "softmax"]


def _params(counts, algorithm, **params):
    """Keyword arguments of make_settings()."""
    return settings_params(counts, algorithm, epochs=2, **params)


def _weights(n_words, seed=0):
    empty = np.zeros((0, 8), dtype=np.float32)
    return extend_weights(empty, empty, n_words, np.random.default_rng(seed))


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
@pytest.mark.parametrize(
    "loss, kind",
    [
        ("negative_sampling", NegativeSampling),
        ("hierarchical_softmax", HierarchicalSoftmax),
        ("softmax", Softmax),
    ],
)
def test_settings_hold_the_loss_of_the_fit_with_its_tables(algorithm, loss, kind):
    counts = np.array([5, 3, 2])
    tree = huffman_tree(counts)
    params = _params(counts, algorithm, loss=loss, huffman=tree, cbow_mean=False)
    settings = make_settings(_weights(3), np.random.default_rng(0), **params)
    assert type(settings.loss) is kind
    assert settings.cbow_mean is False
    if loss == "negative_sampling":
        assert settings.loss.noise_table is params["noise_table"]
        assert settings.loss.n_negative == 5
        assert settings.loss.draw(7, np.random.default_rng(0)).shape == (7, 5)
    else:
        assert settings.noise_table is None
        assert settings.loss.draw(7, np.random.default_rng(0)) is None
    if loss == "hierarchical_softmax":
        assert settings.loss.tree is tree
    # A copy with another noise table (as shards receive it) draws from it.
    table = np.full(16, 2, dtype=np.int32)
    copy = dataclasses.replace(settings, noise_table=table)
    if loss == "negative_sampling":
        assert np.all(copy.loss.draw(4, np.random.default_rng(0)) == 2)


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
@pytest.mark.parametrize("loss", LOSSES)
def test_parallel_jobs_damp_each_row_by_n_jobs_times_its_curvature(algorithm, loss):
    # Each job damps only its own steps while the others add theirs to the
    # same rows: a row of summed curvature H takes max(1, H) / max(1, 2 H) of
    # its one-job step with two jobs, and records its own H. Skip-gram's
    # input rows keep the one-job cap.
    rng = np.random.default_rng(0)
    n_words = 16
    W, contexts, valid, targets, sizes = ref.random_batch(
        rng, n_words=n_words, group_sizes=(20, 10, 10), word_range=5
    )
    centers = targets[:, 0]
    if algorithm == "skipgram":
        batch = SkipgramBatch(centers, contexts, valid, sizes)
    else:
        batch = CbowBatch(centers, *ref.cbow_layout(contexts, valid, sizes))
    # Paths of one length: hierarchical softmax's skip-gram takes one step.
    counts = np.full(n_words, 10)
    draws = targets[:, 1:] if loss == "negative_sampling" else None
    params = _params(counts, algorithm, loss=loss, huffman=huffman_tree(counts))
    settings = make_settings(W, rng, **dict(params, n_jobs=2))
    # Shared for CBOW and hierarchical softmax; not for skip-gram's other
    # losses, where it cost quality (see make_settings).
    capped = algorithm == "cbow" or loss == "hierarchical_softmax"
    assert settings.damping == Damping(n_jobs=2 if capped else 1)
    if not capped:
        return

    def step(learning_rate, n_jobs):
        trained = W.copy()
        row_curvature = np.zeros(W.shape[0] * W.shape[1])
        damping = Damping(n_jobs=n_jobs, row_curvature=row_curvature)
        settings.step(trained, batch, draws, learning_rate, damping)
        return trained.astype(np.float64) - W, row_curvature.reshape(W.shape[:2])

    # Curvatures scale with the learning rate: put the median row's at 0.75.
    _, H = step(1.0, 1)
    learning_rate = 0.75 / np.median(H[H > 0])
    steps, recorded = {}, {}
    for n_jobs in (1, 2):
        steps[n_jobs], recorded[n_jobs] = step(learning_rate, n_jobs)
    H = recorded[1]
    assert_array_equal(recorded[2], H)
    assert ((H > 0.5) & (H < 1)).any() and (H > 1).any()  # rows of both kinds
    factor = np.maximum(H, 1.0) / np.maximum(2.0 * H, 1.0)
    if algorithm == "skipgram":
        factor[0] = 1.0
    assert_allclose(steps[2], steps[1] * factor[:, :, None], rtol=1e-4, atol=1e-7)


def _observed_fit(algorithm, loss, observe):
    """Fit on a small random corpus; return W and the stages seen, if observed."""
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 12, 600).astype(np.int32)
    docs = np.repeat(np.arange(30), 20).astype(np.int32)
    counts = np.bincount(ids)
    W = _weights(len(counts))
    params = _params(counts, algorithm, loss=loss, huffman=huffman_tree(counts))
    stages = set()

    def observer(event, fields):
        if event == "stage":
            stages.add(fields["name"])

    with hooks.observing(observer) if observe else nullcontext():
        train(W, [(ids, docs)], make_settings(W, rng, **params), rng)
    return W, stages


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
@pytest.mark.parametrize("loss", LOSSES)
def test_stages_are_timed_and_observing_changes_no_arithmetic(algorithm, loss):
    W, stages = _observed_fit(algorithm, loss, observe=True)
    plain, nothing = _observed_fit(algorithm, loss, observe=False)
    assert_array_equal(W, plain)
    assert not nothing
    expected = {"layout", "arithmetic", "damping", "scatter", "gather ctx"}
    if loss != "softmax":
        expected.add("gather out")
    assert expected <= stages
    assert ("noise" in stages) == (loss == "negative_sampling")
