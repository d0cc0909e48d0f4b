"""Character n-grams and fastText's hashing of them (_corpus.subwords)."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_w2v._corpus.subwords import (
    BATCH_WORDS,
    fasttext_hash,
    ngram_buckets,
    word_ngrams,
)

# ASCII, accented Latin, Greek, CJK, emoji (4 UTF-8 bytes), a lone boundary
# mark inside a word, one-character and empty words.
WORDS = ["cat", "naïve", "été", "λόγος", "東京都", "🙂ok🙃", "a<b>", "x", "", "<"]


def _gensim_fasttext():
    return pytest.importorskip("gensim.models.fasttext")


def _reference_hash(data):
    """fastText's hash, one byte at a time in Python integers."""
    h = 2166136261
    for byte in data:
        h ^= byte - 256 if byte >= 128 else byte
        h = (h * 16777619) % 2**32
    return h


def test_fasttext_hash_equals_gensims_on_every_script():
    ft = pytest.importorskip("gensim.models.fasttext_inner")
    strings = [*WORDS, "<é", "ï>", "東京", "🙂" * 7]
    expected = [ft.ft_hash_bytes(s.encode("utf-8")) for s in strings]
    assert fasttext_hash(strings).tolist() == expected
    assert fasttext_hash(strings).dtype == np.uint32


def test_fasttext_hash_sign_extends_bytes_above_127():
    strings = ["é", "ÿ", "\x7f", "東"]
    expected = [_reference_hash(s.encode("utf-8")) for s in strings]
    assert fasttext_hash(strings).tolist() == expected
    # Unsigned bytes would give another hash: the sign extension matters.
    h = (2166136261 ^ 0xC3) * 16777619 % 2**32
    h = (h ^ 0xA9) * 16777619 % 2**32
    assert fasttext_hash(["é"])[0] != h


def test_fasttext_hash_of_nothing():
    assert fasttext_hash([]).shape == (0,)


@pytest.mark.parametrize("min_n, max_n", [(3, 6), (1, 3), (2, 2), (5, 5)])
def test_word_ngrams_equal_fasttexts_order(min_n, max_n):
    inner = pytest.importorskip("gensim.models.fasttext_inner")
    for word in WORDS:
        expected = [
            b.decode("utf-8") for b in inner.compute_ngrams_bytes(word, min_n, max_n)
        ]
        assert word_ngrams(word, min_n, max_n) == expected, word


def test_word_ngrams_are_gensims_compute_ngrams_reordered():
    inner = pytest.importorskip("gensim.models.fasttext_inner")
    for word in WORDS:
        assert sorted(word_ngrams(word, 3, 6)) == sorted(
            inner.compute_ngrams(word, 3, 6)
        )


def test_word_ngrams_never_hold_a_lone_boundary_mark():
    assert word_ngrams("ab", 1, 1) == ["a", "b"]
    assert word_ngrams("<", 1, 2) == ["<<", "<", "<>"]


@pytest.mark.parametrize("min_n, max_n, n_buckets", [(3, 6, 2_000_000), (1, 4, 97)])
def test_ngram_buckets_equal_gensims_hashes(min_n, max_n, n_buckets):
    ft = _gensim_fasttext()
    indptr, buckets = ngram_buckets(WORDS, min_n, max_n, n_buckets)
    assert indptr.dtype == buckets.dtype == np.int64
    assert indptr[0] == 0 and len(indptr) == len(WORDS) + 1
    for i, word in enumerate(WORDS):
        expected = ft.ft_ngram_hashes(word, min_n, max_n, n_buckets)
        assert buckets[indptr[i] : indptr[i + 1]].tolist() == expected, word


def test_ngram_buckets_keep_repeats():
    # "<aaaa>" has "aaa" twice: a mean over the buckets counts it twice.
    indptr, buckets = ngram_buckets(["aaaa"], 3, 3, 1000)
    ngrams = word_ngrams("aaaa", 3, 3)
    assert ngrams.count("aaa") == 2
    assert_array_equal(buckets, fasttext_hash(ngrams) % 1000)


def test_ngram_buckets_across_batches_equal_one_word_at_a_time():
    rng = np.random.default_rng(0)
    alphabet = list("abcdeéü東🙂")
    words = [
        "".join(rng.choice(alphabet, rng.integers(0, 9)))
        for _ in range(BATCH_WORDS + 50)
    ]
    indptr, buckets = ngram_buckets(words, 3, 6, 5000)
    for i in [0, 1, BATCH_WORDS - 1, BATCH_WORDS, len(words) - 1]:
        expected = fasttext_hash(word_ngrams(words[i], 3, 6)) % 5000
        assert_array_equal(buckets[indptr[i] : indptr[i + 1]], expected)


def test_ngram_buckets_without_ngrams():
    for min_n, max_n in [(3, 0), (4, 3)]:
        indptr, buckets = ngram_buckets(["cat", "dog"], min_n, max_n, 10)
        assert indptr.tolist() == [0, 0, 0] and buckets.shape == (0,)
    indptr, buckets = ngram_buckets([], 3, 6, 10)
    assert indptr.tolist() == [0] and buckets.shape == (0,)
