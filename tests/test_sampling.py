"""Sampling invariants over several seeds: stream, spans, windows, negatives."""

import _reference as ref
import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_w2v._engine.sampling import draw_negatives, draw_spans, subsample_stream
from sklearn_w2v._engine.tables import keep_probabilities, noise_table

SEEDS = [0, 1, 2, 3]


def _random_corpus(rng, n_words=8, n_documents=12):
    lengths = rng.integers(0, 9, n_documents)
    ids = rng.integers(0, n_words, lengths.sum()).astype(np.int32)
    doc_ids = np.repeat(np.arange(n_documents), lengths).astype(np.int32)
    return ids, doc_ids


# subsample_stream


@pytest.mark.parametrize("seed", SEEDS)
def test_subsample_stream_keeps_an_ordered_subsequence(seed):
    rng = np.random.default_rng(seed)
    n_words = 6
    ids = rng.integers(0, n_words, 300).astype(np.int32)
    # Every token its own document: the kept doc ids say which tokens survived.
    doc_ids = np.arange(300, dtype=np.int32)
    keep_prob = np.linspace(0.2, 1.0, n_words)
    tokens, docs = subsample_stream(ids, doc_ids, keep_prob, rng)
    assert tokens.dtype == np.int32 and docs.dtype == np.int32
    assert len(tokens) == len(docs)
    kept = docs
    assert np.all(np.diff(kept) > 0)
    assert_array_equal(tokens, ids[kept])
    # Words of keep probability 1 are never dropped.
    always = np.flatnonzero(ids == n_words - 1)
    assert np.isin(always, kept).all()


def test_subsample_stream_keeps_everything_or_nothing():
    rng = np.random.default_rng(0)
    ids, doc_ids = _random_corpus(rng)
    tokens, docs = subsample_stream(ids, doc_ids, np.ones(8), rng)
    assert_array_equal(tokens, ids)
    assert_array_equal(docs, doc_ids)
    tokens, docs = subsample_stream(ids, doc_ids, np.zeros(8), rng)
    assert len(tokens) == len(docs) == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_subsample_stream_keeps_each_word_at_its_keep_probability(seed):
    rng = np.random.default_rng(seed)
    counts = np.array([40_000, 15_000, 4_000, 1_000])
    ids = np.repeat(np.arange(4), counts).astype(np.int32)
    rng.shuffle(ids)
    keep_prob = keep_probabilities(counts, 1e-2)
    assert keep_prob.min() < 0.5  # a real test of the draw, not all ones
    tokens, _ = subsample_stream(ids, np.zeros_like(ids), keep_prob, rng)
    kept = np.bincount(tokens, minlength=4)
    std = np.sqrt(counts * keep_prob * (1 - keep_prob))
    assert np.all(np.abs(kept - counts * keep_prob) <= 5 * std + 1)


# draw_spans


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("window", [1, 2, 5, 10])
def test_draw_spans_are_uniform_on_one_to_window(seed, window):
    n = 20_000
    spans = draw_spans(n, window, True, np.random.default_rng(seed))
    assert spans.shape == (n,)
    assert np.issubdtype(spans.dtype, np.integer)
    assert spans.min() == 1 and spans.max() == window
    frequencies = np.bincount(spans, minlength=window + 1)[1:]
    assert np.all(frequencies > 0)
    p = 1 / window
    assert np.all(np.abs(frequencies - n * p) <= 5 * np.sqrt(n * p * (1 - p)) + 1)


@pytest.mark.parametrize("window", [1, 4, 127])
def test_draw_spans_without_shrinking_is_the_full_window(window):
    spans = draw_spans(100, window, False, np.random.default_rng(0))
    assert_array_equal(spans, window)


@pytest.mark.parametrize("shrink_windows", [True, False])
def test_draw_spans_accept_windows_beyond_int8(shrink_windows):
    spans = draw_spans(1000, 200, shrink_windows, np.random.default_rng(0))
    assert spans.min() >= 1 and spans.max() == 200


def test_draw_spans_are_reproducible():
    a = draw_spans(50, 5, True, np.random.default_rng(7))
    b = draw_spans(50, 5, True, np.random.default_rng(7))
    assert_array_equal(a, b)


# draw_negatives


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ns_exponent", [0.75, 0.0])
def test_negative_frequencies_follow_the_noise_law(seed, ns_exponent):
    counts = np.array([3000, 800, 200, 50, 10, 1])
    table = noise_table(counts, ns_exponent, table_size=1 << 16)
    negatives = draw_negatives(table, (40_000, 5), np.random.default_rng(seed))
    assert negatives.shape == (40_000, 5)
    assert negatives.dtype == table.dtype
    n = negatives.size
    observed = np.bincount(negatives.ravel(), minlength=len(counts))
    p = ref.noise_probabilities(counts, ns_exponent)
    std = np.sqrt(n * p * (1 - p))
    # Table rounding shifts each share by at most 1 / table_size.
    assert np.all(np.abs(observed - n * p) <= 5 * std + n / (1 << 16) + 1)


def test_draw_negatives_are_reproducible_and_stay_in_the_table():
    table = np.array([0, 0, 2, 5, 5, 5], dtype=np.int32)
    a = draw_negatives(table, (30, 4), np.random.default_rng(3))
    b = draw_negatives(table, (30, 4), np.random.default_rng(3))
    assert_array_equal(a, b)
    assert set(np.unique(a).tolist()) == {0, 2, 5}
