"""scikit-learn API conformance of the vectorizers.

``parametrize_with_checks`` skips text estimators almost entirely, so the
data-free checks of :mod:`sklearn.utils.estimator_checks` run one by one on
both vectorizers, and the checks that need data are rewritten below with lists
of documents for Word2VecVectorizer (tests/test_embedding.py has
EmbeddingVectorizer's).
"""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks, get_tags
from sklearn.utils.validation import check_is_fitted

from sklearn_w2v import (
    EmbeddingVectorizer,
    KeyedVectors,
    PhraseTransformer,
    Word2VecVectorizer,
)
from sklearn_w2v._pooling import POOLINGS

NAME = "Word2VecVectorizer"

# Checks that never call fit with data, or only with data that parameter
# validation or check_is_fitted rejects first (check_param_validation and
# check_transformers_unfitted pass a numeric 2-D X, which is fine because the
# error under test is raised before the documents are looked at).
DATA_FREE_CHECKS = [
    estimator_checks.check_param_validation,
    estimator_checks.check_parameters_default_constructible,
    estimator_checks.check_no_attributes_set_in_init,
    estimator_checks.check_get_params_invariance,
    estimator_checks.check_set_params,
    estimator_checks.check_estimator_repr,
    estimator_checks.check_estimator_cloneable,
    estimator_checks.check_do_not_raise_errors_in_init_or_set_params,
    # Vacuous for a transformer (it only looks at predict & co.), kept so that
    # adding such a method is covered; check_transformers_unfitted is the
    # transformer counterpart.
    estimator_checks.check_estimators_unfitted,
    estimator_checks.check_transformers_unfitted,
    estimator_checks.check_mixin_order,
    estimator_checks.check_valid_tag_types,
    estimator_checks.check_estimator_tags_renamed,
    estimator_checks.check_get_feature_names_out_error,
]


def _embedding_vectorizer():
    return EmbeddingVectorizer(KeyedVectors(["cat", "dog"], [[1.0, 0.0], [0.0, 1.0]]))


# A fresh instance per check: the checks call set_params.
ESTIMATORS = {NAME: Word2VecVectorizer, "EmbeddingVectorizer": _embedding_vectorizer}


# PhraseTransformer outputs tokens: the same checks but the feature names, and
# not the vectorizers' tags.
DATA_FREE_ESTIMATORS = {**ESTIMATORS, "PhraseTransformer": PhraseTransformer}
DATA_FREE_CASES = [
    pytest.param(check, name, id=f"{check.__name__}-{name}")
    for name in DATA_FREE_ESTIMATORS
    for check in DATA_FREE_CHECKS
    if (name, check)
    != (
        "PhraseTransformer",
        estimator_checks.check_get_feature_names_out_error,
    )
]


@pytest.mark.parametrize("check, name", DATA_FREE_CASES)
def test_sklearn_data_free_check(check, name):
    check(name, DATA_FREE_ESTIMATORS[name]())


@pytest.mark.parametrize("name", ESTIMATORS)
def test_tags_declare_text_input(name):
    tags = get_tags(ESTIMATORS[name]())
    assert tags.input_tags.string is True
    assert tags.input_tags.two_d_array is False
    assert tags.transformer_tags is not None
    assert tags.requires_fit is True


# Text-input versions of the checks that need data.


def test_fit_returns_self(topic_corpus, fast_params):
    documents, labels = topic_corpus
    vectorizer = Word2VecVectorizer(**fast_params)
    assert vectorizer.fit(documents) is vectorizer
    assert vectorizer.fit(documents, labels) is vectorizer


def test_fit_ignores_y(topic_corpus, fast_params):
    documents, labels = topic_corpus
    without_y = Word2VecVectorizer(**fast_params).fit_transform(documents)
    with_y = Word2VecVectorizer(**fast_params).fit_transform(documents, labels)
    assert_array_equal(with_y, without_y)


def test_not_fitted_before_fit(topic_corpus, fast_params):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**fast_params)
    with pytest.raises(NotFittedError):
        check_is_fitted(vectorizer)
    with pytest.raises(NotFittedError):
        vectorizer.transform(documents)
    vectorizer.fit(documents)
    check_is_fitted(vectorizer)


@pytest.mark.parametrize("pooling", POOLINGS)
def test_fit_is_idempotent(topic_corpus, fast_params, pooling):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**fast_params, pooling=pooling)
    first = vectorizer.fit(documents).transform(documents)
    first_vectors = vectorizer.wv_.vectors.copy()
    first_loss = vectorizer.loss_curve_.copy()
    second = vectorizer.fit(documents).transform(documents)
    assert_array_equal(second, first)
    assert_array_equal(vectorizer.wv_.vectors, first_vectors)
    assert_array_equal(vectorizer.loss_curve_, first_loss)


def test_fit_does_not_overwrite_parameters(topic_corpus, fast_params):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(
        **fast_params, stop_words=["the", "and"], tokenizer=str.split
    )
    params_hash = joblib.hash(vectorizer.get_params())
    public_before = {k for k in vars(vectorizer) if not k.startswith("_")}
    vectorizer.fit(documents)
    assert joblib.hash(vectorizer.get_params()) == params_hash
    added = {k for k in vars(vectorizer) if not k.startswith("_")} - public_before
    assert added and all(name.endswith("_") for name in added), added


@pytest.mark.parametrize("pooling", POOLINGS)
def test_transform_does_not_change_state(topic_corpus, fast_params, pooling):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**fast_params, pooling=pooling).fit(documents)
    state_hash = joblib.hash(vars(vectorizer))
    vectorizer.transform(documents)
    assert joblib.hash(vars(vectorizer)) == state_hash


@pytest.mark.parametrize("pooling", POOLINGS)
def test_pickle_round_trip(topic_corpus, fast_params, pooling):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**fast_params, pooling=pooling).fit(documents)
    expected = vectorizer.transform(documents)
    restored = pickle.loads(pickle.dumps(vectorizer))
    assert_array_equal(restored.transform(documents), expected)
    assert_array_equal(restored.wv_.vectors, vectorizer.wv_.vectors)
    assert restored.vocabulary_ == vectorizer.vocabulary_
    assert restored.get_params() == vectorizer.get_params()


def test_clone_of_fitted_is_unfitted_with_same_params(fitted_vectorizer):
    cloned = clone(fitted_vectorizer)
    assert cloned is not fitted_vectorizer
    assert cloned.get_params() == fitted_vectorizer.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(cloned)
    assert not hasattr(cloned, "wv_")


def test_clone_refits_identically(topic_corpus, fitted_vectorizer):
    documents, _ = topic_corpus
    refitted = clone(fitted_vectorizer).fit(documents)
    assert_array_equal(refitted.wv_.vectors, fitted_vectorizer.wv_.vectors)


def test_get_feature_names_out(fitted_vectorizer):
    names = fitted_vectorizer.get_feature_names_out()
    n_components = fitted_vectorizer.n_components
    assert names.dtype == object
    assert names.tolist() == [f"word2vecvectorizer{i}" for i in range(n_components)]


def test_set_output_pandas(topic_corpus, fast_params):
    documents, _ = topic_corpus
    expected = Word2VecVectorizer(**fast_params).fit_transform(documents)
    vectorizer = Word2VecVectorizer(**fast_params).set_output(transform="pandas")
    frame = vectorizer.fit_transform(documents)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(vectorizer.get_feature_names_out())
    assert list(frame.columns) == [f"word2vecvectorizer{i}" for i in range(8)]
    assert frame.shape == (len(documents), 8)
    assert_array_equal(frame.to_numpy(), expected)
    assert_array_equal(vectorizer.transform(documents).to_numpy(), expected)


def test_global_transform_output_pandas(topic_corpus, fast_params):
    documents, _ = topic_corpus
    with sklearn.config_context(transform_output="pandas"):
        frame = Word2VecVectorizer(**fast_params).fit_transform(documents)
    assert isinstance(frame, pd.DataFrame)
    assert frame.columns[0] == "word2vecvectorizer0"


@pytest.mark.parametrize("pooling", POOLINGS)
def test_fit_transform_equals_fit_then_transform(topic_corpus, fast_params, pooling):
    documents, _ = topic_corpus
    params = dict(fast_params, pooling=pooling)
    fit_transformed = Word2VecVectorizer(**params).fit_transform(documents)
    transformed = Word2VecVectorizer(**params).fit(documents).transform(documents)
    # Pooling blocks differ in size between the two calls, and BLAS may sum a
    # row differently in another block shape: equal to float32 rounding.
    assert_allclose(fit_transformed, transformed, rtol=1e-5, atol=1e-6)


def test_every_training_method_takes_a_generator(topic_corpus, fast_params):
    # X is read once (the epochs and fit_transform's pooling read the encoded
    # copy), so a one-shot iterator is as good as a list.
    documents, _ = topic_corpus
    for method in ("fit", "fit_transform", "partial_fit"):
        from_list = getattr(Word2VecVectorizer(**fast_params), method)(documents)
        from_generator = getattr(Word2VecVectorizer(**fast_params), method)(
            document for document in documents
        )
        if method == "fit_transform":
            assert_array_equal(from_generator, from_list)
        else:
            assert_array_equal(from_generator.wv_.vectors, from_list.wv_.vectors)


@pytest.mark.parametrize("pooling", POOLINGS)
def test_transform_subset_and_order_invariance(topic_corpus, fast_params, pooling):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**fast_params, pooling=pooling).fit(documents)
    full = vectorizer.transform(documents)
    # Other batch shapes may make BLAS sum in another order (SIF's projection).
    subset = vectorizer.transform(documents[5:12])
    assert_allclose(subset, full[5:12], rtol=1e-5, atol=1e-6)
    order = np.random.default_rng(0).permutation(len(documents))
    shuffled = vectorizer.transform([documents[i] for i in order])
    assert_allclose(shuffled, full[order], rtol=1e-5, atol=1e-6)
