"""Pretrained word vectors in pipelines: frozen vectors, unions with TF-IDF, pooling.

The workflow of classifying with few labels: word vectors learned once on
unlabelled text, then frozen in a pipeline, alone or beside TF-IDF.
"""

import copy
from contextlib import ExitStack
from unittest import mock

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import FAST_PARAMS, make_topic_corpus
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from sklearn.preprocessing import Normalizer, StandardScaler

from sklearn_w2v import EmbeddingVectorizer, Word2VecVectorizer
from sklearn_w2v._pooling import POOLINGS

QUERY_DOCUMENTS = ["cat dog cat", "the truck and the zebra", "zebra unicorn", "", "bus"]


@pytest.fixture(scope="module")
def pretrained():
    """Vectors fitted on unlabelled documents; shared read-only."""
    documents, _ = make_topic_corpus(n_documents=200, seed=1)
    return Word2VecVectorizer(**FAST_PARAMS).fit(documents)


@pytest.fixture(scope="module")
def labelled():
    return make_topic_corpus(n_documents=40, seed=2)


def _fail_fit(*args, **kwargs):
    raise AssertionError("the frozen vectors were fitted again")


def no_training():
    """Make any training of a Word2VecVectorizer fail, within a ``with``."""
    patches = [
        mock.patch.object(Word2VecVectorizer, name, _fail_fit)
        for name in ("fit", "fit_transform", "partial_fit")
    ]
    stack = ExitStack()
    for patch in patches:
        stack.enter_context(patch)
    return stack


# Frozen pretrained vectors in pipelines


def test_frozen_vectorizer_in_pipeline_does_not_refit(pretrained, labelled):
    documents, labels = labelled
    wv, vectors = pretrained.wv_, pretrained.wv_.vectors.copy()
    pipeline = make_pipeline(
        FrozenEstimator(pretrained), StandardScaler(), LogisticRegression()
    )
    with no_training():
        pipeline.fit(documents, labels)
        assert pipeline.score(documents, labels) > 0.9
    assert pretrained.wv_ is wv
    assert_array_equal(pretrained.wv_.vectors, vectors)
    assert_array_equal(
        pipeline[0].transform(QUERY_DOCUMENTS), pretrained.transform(QUERY_DOCUMENTS)
    )


def test_frozen_vectorizer_in_cross_validate(pretrained, labelled):
    documents, labels = labelled
    wv = pretrained.wv_
    pipeline = make_pipeline(
        FrozenEstimator(pretrained), StandardScaler(), LogisticRegression()
    )
    with no_training():
        scores = cross_validate(
            pipeline, documents, labels, cv=3, return_estimator=True
        )
    assert scores["test_score"].shape == (3,)
    assert scores["test_score"].mean() > 0.8
    for estimator in scores["estimator"]:
        assert estimator[0].estimator is pretrained
        assert estimator[0].wv_ is wv


def test_grid_search_of_frozen_poolings_does_not_retrain(pretrained, labelled):
    documents, labels = labelled
    wv = pretrained.wv_
    candidates = [
        FrozenEstimator(copy.copy(pretrained).set_params(pooling=pooling))
        for pooling in POOLINGS
    ]
    pipeline = Pipeline(
        [("vectors", candidates[0]), ("classifier", LogisticRegression())]
    )
    search = GridSearchCV(pipeline, {"vectors": candidates}, cv=2)
    with no_training():
        search.fit(documents, labels)
    assert len(search.cv_results_["params"]) == len(POOLINGS)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    best = search.best_estimator_["vectors"]
    assert any(best is candidate for candidate in candidates)
    assert best.wv_ is wv
    assert pretrained.pooling == "mean"
    X = search.best_estimator_[:-1].transform(QUERY_DOCUMENTS)
    refit = Word2VecVectorizer(**FAST_PARAMS, pooling=best.pooling).fit(
        make_topic_corpus(n_documents=200, seed=1)[0]
    )
    assert_allclose(X, refit.transform(QUERY_DOCUMENTS), rtol=1e-5, atol=1e-6)


def test_grid_search_embedding_vectorizer_pooling_keeps_vectors(pretrained, labelled):
    documents, labels = labelled
    wv = pretrained.wv_
    vectors = wv.vectors.copy()
    pipeline = make_pipeline(EmbeddingVectorizer(wv), LogisticRegression())
    search = GridSearchCV(
        pipeline, {"embeddingvectorizer__pooling": list(POOLINGS)}, cv=2
    )
    search.fit(documents, labels)
    assert search.best_estimator_[0].wv_ is wv
    assert_array_equal(wv.vectors, vectors)


# Changing the pooling after fit


@pytest.mark.parametrize("pooling", POOLINGS)
@pytest.mark.parametrize("first", ["mean", "sif"])
def test_set_params_pooling_after_fit_equals_fitting_with_it(pooling, first):
    documents, _ = make_topic_corpus(n_documents=60, seed=3)
    changed = Word2VecVectorizer(**FAST_PARAMS, pooling=first).fit(documents)
    changed.set_params(pooling=pooling)
    direct = Word2VecVectorizer(**FAST_PARAMS, pooling=pooling).fit(documents)
    assert_allclose(
        changed.transform(QUERY_DOCUMENTS),
        direct.transform(QUERY_DOCUMENTS),
        rtol=1e-5,
        atol=1e-6,
    )


@pytest.mark.parametrize("pooling", POOLINGS)
def test_embedding_set_params_pooling_after_fit(pretrained, pooling):
    documents, _ = make_topic_corpus(n_documents=60, seed=3)
    changed = EmbeddingVectorizer(pretrained.wv_).fit(documents)
    changed.set_params(pooling=pooling)
    direct = EmbeddingVectorizer(pretrained.wv_, pooling=pooling).fit(documents)
    assert_allclose(
        changed.transform(QUERY_DOCUMENTS),
        direct.transform(QUERY_DOCUMENTS),
        rtol=1e-5,
        atol=1e-6,
    )


def test_sif_remove_component_switched_on_after_fit(pretrained):
    documents, _ = make_topic_corpus(n_documents=60, seed=3)
    params = dict(pooling="sif", sif_alpha=1e-2)
    changed = EmbeddingVectorizer(
        pretrained.wv_, **params, sif_remove_component=False
    ).fit(documents)
    changed.set_params(sif_remove_component=True)
    direct = EmbeddingVectorizer(pretrained.wv_, **params).fit(documents)
    assert_allclose(
        changed.transform(QUERY_DOCUMENTS), direct.transform(QUERY_DOCUMENTS), atol=1e-6
    )


def test_sif_alpha_changed_after_fit_asks_to_refit(pretrained):
    documents, _ = make_topic_corpus(n_documents=60, seed=3)
    vectorizer = EmbeddingVectorizer(pretrained.wv_, pooling="sif").fit(documents)
    vectorizer.set_params(sif_alpha=0.1)
    with pytest.raises(NotFittedError, match=r"sif_alpha=0\.001.*call fit again"):
        vectorizer.transform(QUERY_DOCUMENTS)
    # Without the component, the new alpha needs nothing learned in fit.
    vectorizer.set_params(sif_remove_component=False)
    assert vectorizer.transform(QUERY_DOCUMENTS).shape == (5, 8)
    vectorizer.set_params(sif_remove_component=True).fit(documents)
    assert vectorizer.transform(QUERY_DOCUMENTS).shape == (5, 8)


# Joining TF-IDF


def _union(pretrained):
    return make_union(
        TfidfVectorizer(),
        make_pipeline(FrozenEstimator(pretrained), StandardScaler(), Normalizer()),
    )


def test_union_with_tfidf_shapes_sparsity_and_feature_names(pretrained, labelled):
    documents, labels = labelled
    union = _union(pretrained)
    X = union.fit_transform(documents, labels)
    n_words = len(union.transformer_list[0][1].vocabulary_)
    assert sp.issparse(X)
    assert X.shape == (len(documents), n_words + 8)
    X_query = union.transform(QUERY_DOCUMENTS)
    assert sp.issparse(X_query) and X_query.shape == (5, n_words + 8)
    names = union.get_feature_names_out()
    assert len(names) == X.shape[1]
    assert names[0].startswith("tfidfvectorizer__")
    assert names[-8:].tolist() == [f"pipeline__word2vecvectorizer{k}" for k in range(8)]
    # Both blocks have unit row norms, so neither dominates the other.
    X = X.toarray()
    assert_allclose(np.linalg.norm(X[:, :n_words], axis=1), 1.0, rtol=1e-6)
    assert_allclose(np.linalg.norm(X[:, n_words:], axis=1), 1.0, rtol=1e-5)
    # The word-vector block is the frozen vectors' output, standardised.
    dense = pretrained.transform(documents)
    scaled = (dense - dense.mean(0)) / dense.std(0)
    expected = scaled / np.linalg.norm(scaled, axis=1, keepdims=True)
    assert_allclose(X[:, n_words:], expected, rtol=1e-4, atol=1e-5)


def test_union_with_tfidf_in_a_classifier_pipeline(pretrained, labelled):
    documents, labels = labelled
    wv = pretrained.wv_
    pipeline = make_pipeline(_union(pretrained), LogisticRegression())
    with no_training():
        scores = cross_validate(pipeline, documents, labels, cv=2)
    assert scores["test_score"].mean() > 0.8
    assert pretrained.wv_ is wv
