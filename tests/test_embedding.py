"""Behaviour of EmbeddingVectorizer: pooling given vectors, without training."""

import pickle
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ANIMALS, FAST_PARAMS, FUNCTION_WORDS, VEHICLES
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError  # not public

from sklearn_w2v import EmbeddingVectorizer, KeyedVectors, Word2VecVectorizer
from sklearn_w2v._corpus.text import build_analyzer, encode_known
from sklearn_w2v._keyedvectors.subwords import Subwords
from sklearn_w2v._pooling import POOLINGS

DATA = Path(__file__).parent / "data"

# Repeated words, an unknown word, unknown words only, an empty document.
QUERY_DOCUMENTS = ["cat dog cat", "the truck and the zebra", "zebra unicorn", "", "bus"]


@pytest.fixture(scope="module")
def topic_vectors():
    """Hand-made vectors: each topic near its own axis, function words between."""
    rng = np.random.default_rng(0)
    keys = ANIMALS + VEHICLES + FUNCTION_WORDS
    centers = [[1.0, 0.0, 0.0]] * 8 + [[0.0, 1.0, 0.0]] * 8 + [[0.5, 0.5, 1.0]] * 4
    return KeyedVectors(keys, np.array(centers) + 0.1 * rng.normal(size=(20, 3)))


@pytest.fixture(scope="module", params=POOLINGS)
def trained(request, topic_corpus):
    """A Word2VecVectorizer fitted with each pooling."""
    documents, _ = topic_corpus
    return Word2VecVectorizer(**FAST_PARAMS, pooling=request.param).fit(documents)


# Same pooling as Word2VecVectorizer


def test_transform_equals_word2vec_transform(trained, topic_corpus):
    documents, _ = topic_corpus
    embedding = EmbeddingVectorizer(trained.wv_, pooling=trained.pooling)
    embedding.fit(documents)
    for X in (documents, QUERY_DOCUMENTS):
        assert_array_equal(embedding.transform(X), trained.transform(X))
    assert_array_equal(embedding.word_counts_, trained.word_counts_)
    for name in ("idf_", "sif_component_"):
        assert hasattr(embedding, name) == hasattr(trained, name)
        if hasattr(trained, name):
            assert_array_equal(getattr(embedding, name), getattr(trained, name))


@pytest.mark.parametrize("pooling", POOLINGS)
def test_unknown_documents_transform_to_zero_rows(topic_vectors, topic_corpus, pooling):
    documents, _ = topic_corpus
    vectorizer = EmbeddingVectorizer(topic_vectors, pooling=pooling).fit(documents)
    X = vectorizer.transform(QUERY_DOCUMENTS)
    assert X.shape == (5, 3)
    assert X.dtype == np.float32
    assert_array_equal(X[2:4], 0)
    assert np.all(np.any(X[[0, 1, 4]] != 0, axis=1))


def test_mean_pooling_by_hand(topic_vectors):
    X = (
        EmbeddingVectorizer(topic_vectors)
        .fit(QUERY_DOCUMENTS)
        .transform(QUERY_DOCUMENTS)
    )
    kv = topic_vectors
    assert_allclose(X[0], (2 * kv["cat"] + kv["dog"]) / 3, rtol=1e-6)
    assert_allclose(X[1], (2 * kv["the"] + kv["truck"] + kv["and"]) / 4, rtol=1e-6)
    assert_allclose(X[4], kv["bus"], rtol=1e-6)


def test_sif_estimates_word_probabilities_from_fit_documents(
    topic_vectors, topic_corpus
):
    documents, _ = topic_corpus
    alpha = 1e-2
    vectorizer = EmbeddingVectorizer(topic_vectors, pooling="sif", sif_alpha=alpha)
    vectorizer.fit(documents)
    analyzer = CountVectorizer().build_analyzer()
    tokens = [analyzer(document) for document in documents]
    counts = Counter(token for document in tokens for token in document)
    kv = topic_vectors
    expected_counts = [counts[word] for word in kv.index_to_key]
    assert_array_equal(vectorizer.word_counts_, expected_counts)
    assert vectorizer.word_counts_.dtype == np.int64

    probability = np.array(expected_counts) / sum(expected_counts)
    weights = alpha / (alpha + probability)
    pooled = np.array(
        [
            np.mean([weights[kv.key_to_index[t]] * kv[t] for t in doc], axis=0)
            for doc in tokens
        ]
    )
    component = np.linalg.svd(pooled, full_matrices=False)[2][0]
    assert_allclose(abs(vectorizer.sif_component_ @ component), 1, rtol=1e-5)
    expected = pooled - np.outer(pooled @ component, component)
    assert_allclose(vectorizer.transform(documents), expected, atol=1e-5)


def test_sif_words_absent_from_fit_get_weight_one():
    kv = KeyedVectors(["seen", "unseen"], [[1.0, 0.0], [0.0, 1.0]])
    vectorizer = EmbeddingVectorizer(kv, pooling="sif").fit(["seen seen", "seen"])
    assert vectorizer.word_counts_.tolist() == [3, 0]
    # One direction only: the common component is the "seen" axis.
    assert_allclose(abs(vectorizer.sif_component_), [1, 0], atol=1e-12)
    assert_allclose(vectorizer.transform(["unseen"]), [[0.0, 1.0]])


# Reading vectors from files


def test_pool_vectors_loaded_from_word2vec_text_file():
    kv = KeyedVectors.load_word2vec_format(DATA / "tiny.txt")
    documents = ["The café and the", "of OF", "nothing known", "café"]
    X = EmbeddingVectorizer(kv).fit_transform(documents)
    assert X.shape == (4, 3)
    # café + and + 2 * the, over 4 tokens
    expected = [1.0 - 3.5 + 2 * 0.5, 1.0 + 0.125 - 2 * 1.25, 1.0 + 0.0 + 2 * 2.0]
    assert_allclose(X[0], np.array(expected) / 4)
    assert_allclose(X[1], [0.0, 0.25, -0.5])
    assert_array_equal(X[2], 0)
    assert_allclose(X[3], [1.0, 1.0, 1.0])


@pytest.mark.parametrize("pooling", POOLINGS)
def test_text_binary_and_glove_files_pool_alike(pooling):
    documents = ["the café and the", "of and", "café of the"]
    loaded = [
        KeyedVectors.load_word2vec_format(DATA / "tiny.txt"),
        KeyedVectors.load_word2vec_format(DATA / "tiny.bin", binary=True),
        KeyedVectors.load_word2vec_format(DATA / "tiny_glove.txt"),
    ]
    X = [
        EmbeddingVectorizer(kv, pooling=pooling).fit_transform(documents)
        for kv in loaded
    ]
    assert_allclose(X[1], X[0], atol=1e-6)
    assert_allclose(X[2], X[0], atol=1e-6)


# scikit-learn conventions


def test_fit_sets_given_vectors_without_copy(topic_vectors, topic_corpus):
    documents, _ = topic_corpus
    before = topic_vectors.vectors.copy()
    vectorizer = EmbeddingVectorizer(topic_vectors, pooling="sif").fit(documents)
    vectorizer.transform(documents)
    assert vectorizer.wv_ is topic_vectors
    assert vectorizer.vocabulary_ == topic_vectors.key_to_index
    assert_array_equal(topic_vectors.vectors, before)
    assert {k for k in vars(vectorizer) if k.endswith("_")} == {
        "wv_",
        "vocabulary_",
        "word_counts_",
        "idf_",
        "sif_component_",
    }


def test_pipeline_grid_search_over_pooling(topic_vectors, topic_corpus):
    documents, labels = topic_corpus
    pipeline = Pipeline(
        [("embed", EmbeddingVectorizer(topic_vectors)), ("clf", LogisticRegression())]
    )
    search = GridSearchCV(pipeline, {"embed__pooling": list(POOLINGS)}, cv=2)
    search.fit(documents, labels)
    assert len(search.cv_results_["params"]) == len(POOLINGS)
    assert np.all(search.cv_results_["mean_test_score"] >= 0.9)
    best = search.best_estimator_.named_steps["embed"]
    assert best.pooling == search.best_params_["embed__pooling"]
    assert best.wv_ is topic_vectors  # clones share the vectors
    proba = search.predict_proba(["cat dog horse cow", "car bus truck train"])
    assert proba[0, 0] > proba[1, 0]


def test_clone_shares_vectors_and_is_unfitted(topic_vectors, topic_corpus):
    documents, _ = topic_corpus
    fitted = EmbeddingVectorizer(topic_vectors, pooling="tfidf").fit(documents)
    cloned = clone(fitted)
    assert cloned.vectors is topic_vectors
    assert cloned.get_params() == fitted.get_params()
    assert not hasattr(cloned, "wv_")
    with pytest.raises(NotFittedError):
        cloned.transform(documents)
    assert_array_equal(cloned.fit(documents).idf_, fitted.idf_)


@pytest.mark.parametrize("pooling", POOLINGS)
def test_pickle_round_trip(topic_vectors, topic_corpus, pooling):
    documents, _ = topic_corpus
    vectorizer = EmbeddingVectorizer(topic_vectors, pooling=pooling).fit(documents)
    restored = pickle.loads(pickle.dumps(vectorizer))
    assert_array_equal(restored.transform(documents), vectorizer.transform(documents))
    # One copy of the vectors in the pickle, shared as before.
    assert restored.wv_ is restored.vectors
    assert restored.vocabulary_ is restored.wv_.key_to_index
    assert restored.get_params().keys() == vectorizer.get_params().keys()


def test_fit_transform_equals_fit_then_transform_and_takes_a_generator(
    topic_vectors, topic_corpus
):
    documents, _ = topic_corpus
    expected = EmbeddingVectorizer(topic_vectors, pooling="sif").fit(documents)
    result = EmbeddingVectorizer(topic_vectors, pooling="sif").fit_transform(
        document for document in documents
    )
    # Pooled in other block shapes, which BLAS may sum in another order.
    assert_allclose(result, expected.transform(documents), rtol=1e-5, atol=1e-6)


def test_get_feature_names_out_and_pandas_output(topic_vectors, topic_corpus):
    documents, _ = topic_corpus
    vectorizer = EmbeddingVectorizer(topic_vectors).set_output(transform="pandas")
    frame = vectorizer.fit_transform(documents)
    assert isinstance(frame, pd.DataFrame)
    names = [f"embeddingvectorizer{i}" for i in range(3)]
    assert list(frame.columns) == names
    assert vectorizer.get_feature_names_out().tolist() == names


def test_analyser_parameters_are_used(topic_vectors):
    vectorizer = EmbeddingVectorizer(
        topic_vectors, lowercase=False, stop_words=["dog"], tokenizer=str.split
    )
    X = vectorizer.fit_transform(["Cat dog cat", ["Cat", "dog", "cat"]])
    assert_allclose(X[0], topic_vectors["cat"])
    # Pre-tokenised documents are used as is: no stop words, no lowercasing.
    assert_allclose(X[1], (topic_vectors["cat"] + topic_vectors["dog"]) / 2)


# Validation


@pytest.mark.parametrize(
    "param, value",
    [
        ("vectors", np.ones((2, 3))),
        ("vectors", {"cat": [1.0, 0.0]}),
        ("vectors", None),
        ("pooling", "median"),
        ("sif_alpha", 0),
        ("input", "url"),
        ("analyzer", "char"),
    ],
)
def test_invalid_parameter_raises(topic_vectors, param, value):
    vectorizer = EmbeddingVectorizer(topic_vectors).set_params(**{param: value})
    with pytest.raises(InvalidParameterError, match=f"'{param}' parameter"):
        vectorizer.fit(["cat dog"])


@pytest.mark.parametrize("X", [[], iter([])])
def test_empty_corpus_raises(topic_vectors, X):
    with pytest.raises(ValueError, match="EmbeddingVectorizer.fit needs at least"):
        EmbeddingVectorizer(topic_vectors).fit(X)


def test_bare_string_raises(topic_vectors):
    with pytest.raises(ValueError, match="string object received"):
        EmbeddingVectorizer(topic_vectors).fit("cat dog")


def test_empty_vectors_raise():
    empty = KeyedVectors([], np.zeros((0, 3)))
    with pytest.raises(ValueError, match="vectors holds no word"):
        EmbeddingVectorizer(empty).fit(["cat dog"])


@pytest.mark.parametrize("value", [np.nan, -np.inf])
def test_non_finite_vectors_raise_at_fit(value):
    vectors = np.ones((3, 2), dtype=np.float32)
    vectors[1, 0] = value
    kv = KeyedVectors(["cat", "dog", "car"], vectors)
    vectorizer = EmbeddingVectorizer(kv)
    with pytest.raises(ValueError, match=r"vectors holds NaN .* 'dog' \(row 1\)"):
        vectorizer.fit(["cat dog"])
    with pytest.raises(ValueError, match="'dog'"):
        vectorizer.fit_transform(["cat"])
    assert not hasattr(vectorizer, "wv_")


def test_no_known_token_warns_or_raises_for_sif(topic_vectors):
    with pytest.warns(UserWarning, match="None of the 2 tokens of X is in vectors"):
        X = EmbeddingVectorizer(topic_vectors).fit_transform(["zebra unicorn"])
    assert_array_equal(X, 0)
    with pytest.raises(ValueError, match="pooling='sif' needs them"):
        EmbeddingVectorizer(topic_vectors, pooling="sif").fit(["zebra unicorn"])


@pytest.mark.parametrize("pooling", POOLINGS)
def test_fit_reads_batches_with_the_same_result(
    topic_vectors, topic_corpus, pooling, monkeypatch
):
    # fit encodes X a batch at a time, keeping word ids, not documents;
    # the batches do not change what it learns.
    import sklearn_w2v._embedding as embedding

    documents = topic_corpus[0]
    whole = EmbeddingVectorizer(topic_vectors, pooling=pooling)
    X_whole = whole.fit_transform(documents)
    monkeypatch.setattr(embedding, "TRANSFORM_BATCH_TOKENS", 7)
    batched = EmbeddingVectorizer(topic_vectors, pooling=pooling)
    X_batched = batched.fit_transform(iter(documents))
    assert_array_equal(batched.word_counts_, whole.word_counts_)
    assert_allclose(X_batched, X_whole, rtol=1e-5, atol=1e-6)
    for name in ("idf_", "sif_component_"):
        if hasattr(whole, name):
            assert_allclose(getattr(batched, name), getattr(whole, name), rtol=1e-6)


def test_tables_of_several_columns_raise(topic_vectors, topic_corpus):
    pl = pytest.importorskip("polars")
    documents = topic_corpus[0]
    fitted = EmbeddingVectorizer(topic_vectors).fit(documents)
    columns = {"text": documents, "title": documents}
    for table in (pd.DataFrame(columns), pl.DataFrame(columns)):
        for method in (EmbeddingVectorizer(topic_vectors).fit, fitted.transform):
            with pytest.raises(ValueError, match=r'one column .*df\["text"\]'):
                method(table)
    frame = pd.DataFrame({"text": documents})
    assert_array_equal(
        EmbeddingVectorizer(topic_vectors).fit_transform(frame),
        fitted.transform(documents),
    )


# Unseen words pooled through their subwords


def _with_subwords(kv, every=1):
    """`kv` with subwords whose rows are every `every`-th bucket of 64."""
    rng = np.random.default_rng(3)
    buckets = np.arange(0, 64, every)
    subwords = Subwords(3, 5, 64, buckets, rng.standard_normal((len(buckets), 3)))
    return KeyedVectors(kv.index_to_key, kv.vectors, subwords=subwords)


def _old_transform(vectorizer, documents):
    """transform as it was before subwords: the vocabulary's tokens only."""
    analyzer = build_analyzer(vectorizer.get_params(deep=False))
    ids, offsets = encode_known(
        [analyzer(document) for document in documents], vectorizer.vocabulary_
    )
    return vectorizer._pool(ids, offsets)


@pytest.mark.parametrize("pooling", POOLINGS)
def test_without_subwords_transform_is_unchanged(topic_vectors, topic_corpus, pooling):
    documents, _ = topic_corpus
    vectorizer = EmbeddingVectorizer(topic_vectors, pooling=pooling).fit(documents)
    for X in (documents, QUERY_DOCUMENTS):
        assert_array_equal(vectorizer.transform(X), _old_transform(vectorizer, X))


def test_fit_transform_equals_fit_then_transform_with_subwords(topic_vectors):
    kv = _with_subwords(topic_vectors)
    documents = ["cat zebra", "unicorn the", "bus"]
    for pooling in POOLINGS:
        vectorizer = EmbeddingVectorizer(kv, pooling=pooling)
        assert_allclose(
            vectorizer.fit_transform(documents),
            clone(vectorizer).fit(documents).transform(documents),
            rtol=1e-6,
        )
    # The statistics are the vocabulary's: unseen words are not counted.
    assert vectorizer.word_counts_.sum() == 3


def test_unseen_tokens_are_composed_once_per_batch(topic_vectors, monkeypatch):
    kv = _with_subwords(topic_vectors)
    vectorizer = EmbeddingVectorizer(kv).fit(["cat dog"])
    calls = []
    compose = Subwords.vectors_and_counts
    monkeypatch.setattr(
        Subwords,
        "vectors_and_counts",
        lambda self, words: calls.append(words) or compose(self, words),
    )
    vectorizer.transform(["zebra cat zebra", "unicorn zebra", "dog"])
    assert calls == [["unicorn", "zebra"]]


def test_vocabulary_coverage_counts_tokens_and_empty_documents(topic_vectors):
    documents = ["cat zebra zebra", "qq", "", "bus the"]
    plain = EmbeddingVectorizer(topic_vectors).fit(["cat dog"])
    coverage = plain.vocabulary_coverage(documents)
    assert (coverage.n_documents, coverage.n_tokens) == (4, 6)
    assert (coverage.n_in_vocabulary, coverage.n_subword) == (3, 0)
    assert coverage.n_skipped == 3 and coverage.oov_fraction == 0.5
    assert coverage.empty_documents.tolist() == [1, 2]

    subword = EmbeddingVectorizer(_with_subwords(topic_vectors)).fit(["cat dog"])
    coverage = subword.vocabulary_coverage(documents)
    assert (coverage.n_in_vocabulary, coverage.n_subword, coverage.n_skipped) == (
        3,
        3,
        0,
    )
    assert coverage.oov_fraction == 0.5
    assert coverage.empty_documents.tolist() == [2]
    assert_array_equal(
        np.flatnonzero(~subword.transform(documents).any(axis=1)),
        coverage.empty_documents,
    )


def test_words_sharing_no_ngram_with_the_model_are_skipped(topic_vectors):
    kv = _with_subwords(topic_vectors, every=64)  # bucket 0 only
    no_vector = next(w for w in ("zz", "qq", "xy", "jj", "vv") if w not in kv)
    vectorizer = EmbeddingVectorizer(kv).fit(["cat"])
    assert not vectorizer.transform([no_vector]).any()
    assert vectorizer.vocabulary_coverage([f"cat {no_vector}"]).n_skipped == 1


def test_transform_sets_no_attribute(topic_vectors):
    vectorizer = EmbeddingVectorizer(_with_subwords(topic_vectors)).fit(["cat"])
    before = set(vars(vectorizer))
    vectorizer.transform(["zebra"])
    vectorizer.vocabulary_coverage(["zebra"])
    assert set(vars(vectorizer)) == before


def test_fit_warns_when_only_subwords_give_vectors(topic_vectors):
    vectorizer = EmbeddingVectorizer(_with_subwords(topic_vectors))
    with pytest.warns(UserWarning, match="Only the vectors of their subwords"):
        X = vectorizer.fit_transform(["zebra unicorn"])
    assert X.any()
