"""Vocabulary: encoding, pruning and ordering, subsampling and noise laws."""

import _reference as ref
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_w2v._corpus.vocabulary import WordCounter, select_vocabulary
from sklearn_w2v._engine.tables import keep_probabilities, noise_table

SEEDS = [0, 1, 2]


# WordCounter


def _count(counter, tokens):
    counter.add(np.fromiter(map(counter.slots.__getitem__, tokens), dtype=np.int32))


def test_word_counter_numbers_words_first_seen_and_counts_them():
    rng = np.random.default_rng(0)
    documents = [
        [f"w{i}" for i in rng.zipf(1.5, rng.integers(0, 40)) % 200] for _ in range(60)
    ]
    words, ids, _ = ref.encode_documents(documents)
    counter = WordCounter()
    for document in documents:
        _count(counter, document)
    assert list(counter.slots) == words
    assert_array_equal(counter.counts, np.bincount(ids, minlength=len(words)))
    assert counter.counts.dtype == np.int64


def test_word_counter_prunes_rare_words_and_renumbers_the_survivors():
    counter = WordCounter()
    _count(counter, ["a", "b", "a", "c", "d", "d", "a", "e", "d"] + ["x"] * 2000)
    keep = counter.prune(1)
    assert keep.tolist() == [True, False, False, True, False, True]
    assert counter.slots == {"a": 0, "d": 1, "x": 2}
    assert counter.counts.tolist() == [3, 3, 2000]
    # A pruned word that comes back is counted afresh, after the survivors.
    _count(counter, ["b", "a"])
    assert list(counter.slots) == ["a", "d", "x", "b"]
    assert counter.counts.tolist() == [4, 3, 2000, 1]


# select_vocabulary


def _brute_force_selection(counts, min_count, max_features):
    order = sorted(range(len(counts)), key=lambda i: (-counts[i], i))
    order = [i for i in order if counts[i] >= min_count]
    return order if max_features is None else order[:max_features]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "min_count, max_features", [(1, None), (3, None), (2, 5), (1, 1000), (4, 1)]
)
def test_select_vocabulary_matches_brute_force(seed, min_count, max_features):
    # Few distinct counts: many ties, which keep first-seen order.
    counts = np.random.default_rng(seed).integers(0, 6, 40).astype(np.int64)
    kept = select_vocabulary(counts, min_count=min_count, max_features=max_features)
    assert kept.tolist() == _brute_force_selection(counts, min_count, max_features)


def test_select_vocabulary_ties_keep_first_seen_order():
    counts = np.array([3, 7, 3, 7, 1, 3], dtype=np.int64)
    kept = select_vocabulary(counts, min_count=1, max_features=None)
    assert kept.tolist() == [1, 3, 0, 2, 5, 4]


def test_select_vocabulary_min_count_is_inclusive_and_applies_before_max_features():
    counts = np.array([2, 1, 5, 2, 1], dtype=np.int64)
    assert select_vocabulary(counts, min_count=2, max_features=None).tolist() == [
        2,
        0,
        3,
    ]
    assert select_vocabulary(counts, min_count=2, max_features=2).tolist() == [2, 0]


def test_select_vocabulary_can_be_empty():
    kept = select_vocabulary(np.array([1, 2, 1]), min_count=3, max_features=None)
    assert kept.shape == (0,)


# keep_probabilities


def test_keep_probabilities_hand_computed():
    # total 1000, t = 0.01: f = 0.9, 0.09, 0.01.
    # 0.9:  (sqrt(90) + 1) / 90 = 0.116524...
    # 0.09: (sqrt(9) + 1) / 9   = 0.444444...
    # 0.01: (sqrt(1) + 1) / 1   = 2 -> capped at 1.
    keep = keep_probabilities(np.array([900, 90, 10]), 0.01)
    assert keep.dtype == np.float64
    assert_allclose(keep, [(np.sqrt(90) + 1) / 90, 4 / 9, 1.0], rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("subsample", [1e-3, 1e-2, 0.1])
def test_keep_probabilities_match_formula_fall_with_frequency_capped_at_one(
    seed, subsample
):
    counts = np.random.default_rng(seed).integers(1, 10_000, 50)
    keep = keep_probabilities(counts, subsample)
    expected = [ref.keep_probability(c, counts.sum(), subsample) for c in counts]
    assert_allclose(keep, expected, rtol=1e-12)
    assert np.all((keep > 0) & (keep <= 1))
    order = np.argsort(counts)
    assert np.all(np.diff(keep[order]) <= 0)


def test_keep_probabilities_zero_subsample_keeps_everything():
    assert_array_equal(keep_probabilities(np.array([1000, 3, 1]), 0.0), 1.0)


def test_keep_probability_is_one_exactly_for_rare_words():
    # keep < 1 iff sqrt(f / t) + 1 < f / t, i.e. f / t > golden ratio squared.
    counts = np.array([1, 2, 3, 4, 5, 6, 1000])
    t = 1.0 / counts.sum()  # f / t = count
    keep = keep_probabilities(counts, t)
    assert_array_equal(keep[:2] == 1.0, True)
    assert np.all(keep[2:] < 1.0)


# noise_table


@pytest.mark.parametrize("ns_exponent", [0.75, 0.0, 1.0, -0.5])
@pytest.mark.parametrize("table_size", [1000, 1 << 16])
def test_noise_table_follows_the_count_power_law(ns_exponent, table_size):
    counts = np.array([5000, 1200, 300, 80, 20, 7, 3, 1, 1])
    table = noise_table(counts, ns_exponent, table_size=table_size)
    # The smallest unsigned type holding every word id.
    assert table.dtype == np.uint8
    assert table.shape == (table_size,)
    # Each word gets its share of entries up to rounding (<= 1 entry off).
    entries = np.bincount(table, minlength=len(counts))
    expected = ref.noise_probabilities(counts, ns_exponent) * table_size
    assert np.all(np.abs(entries - expected) <= 1.0)
    # Words are laid out in id order: the table is sorted.
    assert np.all(np.diff(table) >= 0)


def test_noise_table_default_size_and_unigram_law():
    counts = np.array([9, 3, 1])
    table = noise_table(counts, 0.75)
    assert len(table) == 1 << 22
    frequencies = np.bincount(table) / len(table)
    assert_allclose(frequencies, ref.noise_probabilities(counts, 0.75), atol=1e-6)


def test_noise_table_gives_rare_words_more_than_their_unigram_share():
    counts = np.array([1000, 10])
    frequencies = np.bincount(noise_table(counts, 0.75, table_size=1 << 16))
    frequencies = frequencies / frequencies.sum()
    assert frequencies[1] > 10 / 1010
    assert frequencies[1] == pytest.approx(10**0.75 / (1000**0.75 + 10**0.75), 1e-3)


def test_noise_table_type_holds_every_word_id():
    counts = np.ones(70_000, dtype=np.int64)
    table = noise_table(counts, 0.75, table_size=1 << 18)
    assert table.dtype == np.uint32
    assert table.max() == 69_999
    assert noise_table(counts[:300], 0.75, table_size=1024).dtype == np.uint16
