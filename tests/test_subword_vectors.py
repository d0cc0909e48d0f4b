"""Pooling unseen tokens through their n-grams, weighed by the n-grams known."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_w2v import EmbeddingVectorizer, KeyedVectors
from sklearn_w2v._corpus.subwords import fasttext_hash, word_ngrams
from sklearn_w2v._corpus.text import build_analyzer
from sklearn_w2v._keyedvectors.subwords import Subwords
from sklearn_w2v._pooling import FULL_WEIGHT_NGRAMS, POOLINGS, unseen_token_weights

N_BUCKETS = 64
FIT_DOCUMENTS = ["cat dog the", "truck bus the", "dog and cat"]
# Known words, repeated unseen words, unseen words only, nothing, one word.
DOCUMENTS = ["cat zebra zebra", "zebra unicorn", "", "bus", "dog hippopotamuses"]


@pytest.fixture(scope="module")
def kv():
    """Random word vectors, with rows for half of the 64 buckets."""
    rng = np.random.default_rng(0)
    words = ["cat", "dog", "the", "truck", "bus", "and"]
    buckets = np.arange(0, N_BUCKETS, 2)
    subwords = Subwords(3, 5, N_BUCKETS, buckets, rng.normal(size=(len(buckets), 4)))
    return KeyedVectors(words, rng.normal(size=(len(words), 4)), subwords=subwords)


def _slow_unseen(subwords, word):
    """(vector, n-grams with a row) of an unseen word, one n-gram at a time."""
    rows = {bucket: row for row, bucket in enumerate(subwords.buckets.tolist())}
    ngrams = word_ngrams(word, subwords.min_n, subwords.max_n)
    buckets = [int(fasttext_hash([ngram])[0]) % N_BUCKETS for ngram in ngrams]
    found = [rows[bucket] for bucket in buckets if bucket in rows]
    if not found:
        return np.zeros(subwords.vector_size), 0
    return subwords.vectors[found].astype(np.float64).mean(axis=0), len(found)


def _slow_pool(vectorizer, document):
    """A document's pooled vector, token by token, from the rule's definition."""
    kv, pooling = vectorizer.wv_, vectorizer.pooling
    tokens = build_analyzer(vectorizer.get_params(deep=False))(document)
    vectors, weights = [], []
    probability = vectorizer.word_counts_ / vectorizer.word_counts_.sum()
    n_documents = vectorizer._document_frequency[0]
    for token in tokens:
        if token in kv.key_to_index:
            i = kv.key_to_index[token]
            vector, share = kv.vectors[i].astype(np.float64), 1.0
            idf, p = vectorizer.idf_[i], probability[i]
        else:
            vector, n_known = _slow_unseen(kv.subwords, token)
            if n_known == 0:
                continue
            # Never met in fit: document frequency 0, probability 0.
            share, p = min(1.0, n_known / FULL_WEIGHT_NGRAMS), 0.0
            idf = np.log((1 + n_documents) / 1) + 1
        weight = {
            "mean": share,
            "sum": share,
            "max": 1.0,
            "tfidf": share * idf,
            "sif": share * vectorizer.sif_alpha / (vectorizer.sif_alpha + p),
        }[pooling]
        vectors.append(vector)
        weights.append(weight)
    if not vectors:
        return np.zeros(kv.vector_size)
    vectors, weights = np.array(vectors), np.array(weights)
    if pooling == "max":
        return vectors.max(axis=0)
    pooled = weights @ vectors
    if pooling in ("mean", "tfidf"):
        return pooled / weights.sum()
    if pooling == "sif":
        pooled /= len(vectors)
        component = vectorizer.sif_component_
        return pooled - (pooled @ component) * component
    return pooled


def test_vectors_and_counts_count_the_ngrams_that_have_a_row(kv):
    words = ["zebra", "unicorn", "qq", "hippopotamuses", "cat"]
    vectors, counts = kv.subwords.vectors_and_counts(words)
    for word, vector, count in zip(words, vectors, counts, strict=True):
        expected, n_known = _slow_unseen(kv.subwords, word)
        assert count == n_known
        assert_allclose(vector, expected, rtol=1e-5, atol=1e-6)
    # Half of the buckets have a row: some n-grams of a long word miss.
    n_ngrams = len(word_ngrams("hippopotamuses", 3, 5))
    assert 0 < counts[3] < n_ngrams
    assert_array_equal(kv.subwords.vectors_of(words)[1], counts > 0)


def test_unseen_token_weights_grow_with_the_known_ngrams_up_to_a_word():
    n_known = np.array([0, 1, FULL_WEIGHT_NGRAMS // 2, FULL_WEIGHT_NGRAMS, 1000])
    weights = unseen_token_weights(n_known)
    assert_allclose(weights, [0.0, 1 / FULL_WEIGHT_NGRAMS, 0.5, 1.0, 1.0])


@pytest.mark.parametrize("pooling", POOLINGS)
def test_unseen_tokens_weigh_by_their_known_ngrams(kv, pooling):
    vectorizer = EmbeddingVectorizer(kv, pooling=pooling).fit(FIT_DOCUMENTS)
    X = vectorizer.transform(DOCUMENTS)
    expected = np.array([_slow_pool(vectorizer, document) for document in DOCUMENTS])
    assert_allclose(X, expected, rtol=1e-5, atol=1e-6)
    assert X[1].any() and not X[2].any()


def test_a_short_unseen_token_weighs_less_than_a_word(kv):
    # "zebra" has 12 n-grams of 3 to 5 characters, fewer of them with a row:
    # the mean leans towards "cat" more than an even mix of the two.
    vectorizer = EmbeddingVectorizer(kv, pooling="mean").fit(FIT_DOCUMENTS)
    zebra, n_known = _slow_unseen(kv.subwords, "zebra")
    assert 0 < n_known < FULL_WEIGHT_NGRAMS
    share = n_known / FULL_WEIGHT_NGRAMS
    assert_allclose(
        vectorizer.transform(["cat zebra"])[0],
        (kv["cat"] + share * zebra) / (1 + share),
        rtol=1e-5,
    )


@pytest.mark.parametrize("pooling", POOLINGS)
def test_documents_of_known_words_pool_as_without_subwords(kv, pooling):
    plain = KeyedVectors(kv.index_to_key, kv.vectors)
    documents = ["cat dog cat", "the truck and the bus", "", "bus"]
    with_subwords = EmbeddingVectorizer(kv, pooling=pooling).fit(FIT_DOCUMENTS)
    without = EmbeddingVectorizer(plain, pooling=pooling).fit(FIT_DOCUMENTS)
    assert_array_equal(with_subwords.transform(documents), without.transform(documents))
