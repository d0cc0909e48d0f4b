"""Behaviour of Word2VecVectorizer: input handling, attributes, pooling, training."""

import io
import re
import tracemalloc
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError  # not public

from sklearn_w2v import KeyedVectors, Word2VecVectorizer
from sklearn_w2v._pooling import POOLINGS

# A handful of documents to pool by hand: repeated words, an unknown word,
# a document of unknown words only and an empty one.
QUERY_DOCUMENTS = [
    "cat dog cat",
    "the truck and the zebra",
    "zebra unicorn",
    "",
    "bus",
]


def _tokens(documents):
    """The default analysis of CountVectorizer, the reference tokenisation."""
    analyzer = CountVectorizer().build_analyzer()
    return [analyzer(document) for document in documents]


def _known_rows(vectorizer, document):
    """Rows of ``wv_.vectors`` of the in-vocabulary tokens of a raw document."""
    vocabulary = vectorizer.vocabulary_
    return [vocabulary[t] for t in _tokens([document])[0] if t in vocabulary]


# Pipeline and model selection


@pytest.mark.slow
def test_pipeline_grid_search(topic_corpus):
    documents, labels = topic_corpus
    pipeline = Pipeline(
        [
            (
                "w2v",
                Word2VecVectorizer(
                    min_count=1, epochs=2, batch_size=32, subsample=0, random_state=0
                ),
            ),
            ("clf", LogisticRegression()),
        ]
    )
    # Two sub-grids of 4 keep the search at 16 fits while covering 4 parameters.
    param_grid = [
        {"w2v__algorithm": ["skipgram", "cbow"], "w2v__n_components": [4, 8]},
        {"w2v__window": [2, 4], "w2v__pooling": ["max", "tfidf"]},
    ]
    search = GridSearchCV(pipeline, param_grid, cv=2, n_jobs=2).fit(documents, labels)
    assert len(search.cv_results_["params"]) == 8
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    # The two topics share no content word: embeddings separate them.
    assert search.best_score_ >= 0.9
    best = search.best_estimator_.named_steps["w2v"]
    for name, value in search.best_params_.items():
        assert best.get_params()[name.removeprefix("w2v__")] == value
    assert best.wv_.vector_size == best.n_components
    # The refitted pipeline ranks an animal phrase above a vehicle phrase.
    proba = search.predict_proba(["cat dog horse cow", "car bus truck train"])
    assert proba[0, 0] > proba[1, 0]


# Input validation


@pytest.mark.parametrize("X", ["the cat sat on the mat", b"the cat sat"])
@pytest.mark.parametrize("method", ["fit", "fit_transform"])
def test_bare_string_raises(X, method):
    message = "Iterable over raw text documents expected, string object received."
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(Word2VecVectorizer(min_count=1), method)(X)
    if isinstance(X, str):
        # CountVectorizer's own message, word for word.
        with pytest.raises(ValueError, match=re.escape(message)):
            CountVectorizer().fit(X)


def test_bare_string_raises_in_transform(fitted_vectorizer):
    message = "Iterable over raw text documents expected, string object received."
    with pytest.raises(ValueError, match=re.escape(message)):
        fitted_vectorizer.transform("cat dog")


def test_non_iterable_raises_type_error():
    with pytest.raises(TypeError, match="Iterable over raw text documents expected"):
        Word2VecVectorizer(min_count=1).fit(42)


BAD_DOCUMENTS = [
    pytest.param(None, "NoneType", id="None"),
    pytest.param(7, "int", id="int"),
    pytest.param(float("nan"), "float", id="nan"),
    pytest.param([["nested"]], "list", id="nested-list"),
    pytest.param(("ok", 3), "int", id="tuple-with-int"),
    pytest.param({"cat": 1}, "dict", id="dict"),
]


@pytest.mark.parametrize("bad, type_name", BAD_DOCUMENTS)
def test_bad_document_raises_type_error_naming_index(bad, type_name):
    X = ["cat dog", "dog cat", ["cat"], bad, "cat"]
    with pytest.raises(TypeError, match=rf"^Document 3 .*\b{type_name}\b"):
        Word2VecVectorizer(min_count=1, n_components=4, epochs=1).fit(X)


@pytest.mark.parametrize("bad, type_name", BAD_DOCUMENTS)
def test_bad_document_in_transform_raises(fitted_vectorizer, bad, type_name):
    with pytest.raises(TypeError, match=rf"^Document 1 .*\b{type_name}\b"):
        fitted_vectorizer.transform(["cat", bad])


@pytest.mark.parametrize("X", [[], (), np.array([], dtype=str)])
def test_empty_corpus_raises(X):
    with pytest.raises(ValueError, match="at least one document; X is empty"):
        Word2VecVectorizer(min_count=1).fit(X)


def test_min_count_too_high_raises(topic_corpus):
    documents, _ = topic_corpus
    message = (
        "min_count=1000 leaves an empty vocabulary: no token occurs 1000 times or more."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        Word2VecVectorizer(min_count=1000).fit(documents)


def test_documents_without_tokens_leave_empty_vocabulary():
    with pytest.raises(ValueError, match="min_count=1 leaves an empty vocabulary"):
        Word2VecVectorizer(min_count=1).fit(["", "a b c", []])


@pytest.mark.parametrize(
    "param, value",
    [
        ("algorithm", "sg"),
        ("n_components", 0),
        ("window", 0),
        ("min_count", 0),
        ("max_features", 0),
        ("subsample", -0.1),
        ("learning_rate", 0.0),
        ("epochs", 1.5),
        ("pooling", "median"),
        ("sif_alpha", 0),
        ("word_vectors", "both"),
        ("input", "url"),
        ("stop_words", "french"),
        ("analyzer", "char"),
        ("cbow_mean", 1),
        ("init_vectors", np.ones((3, 8))),
    ],
)
def test_invalid_parameter_raises(topic_corpus, param, value):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**{param: value})
    match = rf"The '{param}' parameter of Word2VecVectorizer must be"
    with pytest.raises(InvalidParameterError, match=match):
        vectorizer.fit(documents)


# Out-of-vocabulary documents


@pytest.mark.parametrize("pooling", POOLINGS)
def test_unknown_documents_transform_to_zero_rows(topic_corpus, fast_params, pooling):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**fast_params, pooling=pooling).fit(documents)
    X = vectorizer.transform(["zebra unicorn", "", [], ("qq",), "cat dog"])
    assert X.shape == (5, 8)
    assert np.all(np.isfinite(X))
    assert_array_equal(X[:4], 0.0)
    assert np.any(X[4] != 0)


def test_transform_of_no_documents(fitted_vectorizer):
    assert fitted_vectorizer.transform([]).shape == (0, 8)


# Pre-tokenised documents and raw-text analysis


def test_pre_tokenised_lists_and_tuples_match_raw_strings(topic_corpus, fast_params):
    documents, _ = topic_corpus
    from_strings = Word2VecVectorizer(**fast_params).fit(documents)
    from_lists = Word2VecVectorizer(**fast_params).fit([d.split() for d in documents])
    mixed = [tuple(d.split()) if i % 2 else d for i, d in enumerate(documents)]
    from_mixed = Word2VecVectorizer(**fast_params).fit(mixed)
    assert_array_equal(from_lists.wv_.vectors, from_strings.wv_.vectors)
    assert_array_equal(from_mixed.wv_.vectors, from_strings.wv_.vectors)
    expected = from_strings.transform(documents)
    assert_array_equal(from_strings.transform([d.split() for d in documents]), expected)
    assert_array_equal(from_strings.transform(mixed), expected)


def test_pre_tokenised_tokens_are_used_as_is(fast_params):
    # Not lowercased, not filtered by token_pattern: lists bypass the analyser.
    X = [["Hello", "a", "World!"], ("a", "Hello")]
    vectorizer = Word2VecVectorizer(**fast_params).fit(X)
    assert set(vectorizer.vocabulary_) == {"Hello", "a", "World!"}


def test_numpy_and_pandas_inputs(topic_corpus, fast_params):
    documents, _ = topic_corpus
    expected = Word2VecVectorizer(**fast_params).fit_transform(documents)
    from_array = Word2VecVectorizer(**fast_params).fit_transform(np.array(documents))
    from_series = Word2VecVectorizer(**fast_params).fit_transform(pd.Series(documents))
    assert_array_equal(from_array, expected)
    assert_array_equal(from_series, expected)


ANALYSIS_DOCUMENTS = [
    "Café naïve Über the THE cat's whiskers",
    "The cat and THE dog; a b c dd",
    "über café, x-ray and the cat",
]


def _first_word(document):
    return document.split()[:1]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lowercase": False},
        {"token_pattern": r"\S+"},
        {"stop_words": "english"},
        {"stop_words": ["cat", "the"]},
        {"strip_accents": "ascii"},
        {"strip_accents": "unicode"},
        {"strip_accents": str.upper, "lowercase": False},
        {"preprocessor": str.upper},
        {"tokenizer": str.split, "token_pattern": None},
        {"analyzer": str.split},
        {"analyzer": _first_word},
    ],
    ids=lambda params: (
        "-".join(f"{k}={getattr(v, '__name__', v)}" for k, v in params.items())
        or "default"
    ),
)
def test_raw_text_analysed_like_count_vectorizer(params):
    count_vectorizer = CountVectorizer(**params)
    counts = np.asarray(count_vectorizer.fit_transform(ANALYSIS_DOCUMENTS).sum(axis=0))
    expected = {
        word: int(counts[0, column])
        for word, column in count_vectorizer.vocabulary_.items()
    }
    vectorizer = Word2VecVectorizer(
        n_components=4, min_count=1, epochs=1, random_state=0, **params
    ).fit(ANALYSIS_DOCUMENTS)
    got = {
        word: int(vectorizer.word_counts_[row])
        for word, row in vectorizer.vocabulary_.items()
    }
    assert got == expected


def test_bytes_documents_are_decoded_with_encoding(fast_params):
    raw = [document.encode("latin-1") for document in ANALYSIS_DOCUMENTS]
    from_bytes = Word2VecVectorizer(**fast_params, encoding="latin-1").fit(raw)
    from_text = Word2VecVectorizer(**fast_params).fit(ANALYSIS_DOCUMENTS)
    assert from_bytes.vocabulary_ == from_text.vocabulary_
    assert_array_equal(from_bytes.wv_.vectors, from_text.wv_.vectors)
    assert_array_equal(
        from_bytes.transform(raw), from_text.transform(ANALYSIS_DOCUMENTS)
    )
    with pytest.raises(UnicodeDecodeError):
        Word2VecVectorizer(**fast_params).fit(raw)
    replaced = Word2VecVectorizer(**fast_params, decode_error="ignore").fit(raw)
    assert "caf" in replaced.vocabulary_


def test_input_filename(tmp_path, fast_params):
    paths = []
    for i, document in enumerate(ANALYSIS_DOCUMENTS):
        path = tmp_path / f"doc{i}.txt"
        path.write_text(document, encoding="utf-8")
        paths.append(str(path))
    from_files = Word2VecVectorizer(**fast_params, input="filename").fit(paths)
    from_text = Word2VecVectorizer(**fast_params).fit(ANALYSIS_DOCUMENTS)
    assert from_files.vocabulary_ == from_text.vocabulary_
    assert_array_equal(from_files.wv_.vectors, from_text.wv_.vectors)
    assert_array_equal(
        from_files.transform(paths[::-1]),
        from_text.transform(ANALYSIS_DOCUMENTS[::-1]),
    )


def test_input_filename_accepts_paths(tmp_path, fast_params):
    paths = []
    for i, document in enumerate(ANALYSIS_DOCUMENTS):
        path = tmp_path / f"doc{i}.txt"
        path.write_text(document, encoding="utf-8")
        paths.append(path)
    assert isinstance(paths[0], Path)
    assert CountVectorizer(input="filename").fit(paths).vocabulary_
    vectorizer = Word2VecVectorizer(**fast_params, input="filename").fit(paths)
    assert "café" in vectorizer.vocabulary_


def test_input_file(tmp_path, fast_params):
    for i, document in enumerate(ANALYSIS_DOCUMENTS):
        (tmp_path / f"doc{i}.txt").write_text(document, encoding="utf-8")
    names = [tmp_path / f"doc{i}.txt" for i in range(len(ANALYSIS_DOCUMENTS))]
    from_text = Word2VecVectorizer(**fast_params).fit(ANALYSIS_DOCUMENTS)
    vectorizer = Word2VecVectorizer(**fast_params, input="file")
    handles = [open(names[0], encoding="utf-8")] + [open(n, "rb") for n in names[1:]]
    try:
        vectorizer.fit(handles)
    finally:
        for handle in handles:
            handle.close()
    assert vectorizer.vocabulary_ == from_text.vocabulary_
    assert_array_equal(vectorizer.wv_.vectors, from_text.wv_.vectors)
    in_memory = [io.StringIO(document) for document in ANALYSIS_DOCUMENTS]
    assert_array_equal(
        vectorizer.transform(in_memory), from_text.transform(ANALYSIS_DOCUMENTS)
    )


def test_file_objects_need_input_file(fitted_vectorizer):
    with pytest.raises(TypeError, match="Document 0 is StringIO"):
        fitted_vectorizer.transform([io.StringIO("cat dog")])


# Fitted attributes


def test_vocabulary_matches_keyed_vectors(fitted_vectorizer):
    vectorizer = fitted_vectorizer
    wv = vectorizer.wv_
    assert isinstance(wv, KeyedVectors)
    assert vectorizer.vocabulary_ == wv.key_to_index
    assert sorted(vectorizer.vocabulary_.values()) == list(range(len(wv)))
    assert wv.vectors.shape == (len(vectorizer.vocabulary_), 8)
    assert wv.vectors.dtype == np.float32
    for word, row in vectorizer.vocabulary_.items():
        assert wv.index_to_key[row] == word
        assert_array_equal(wv[word], wv.vectors[row])
    assert vectorizer.input_vectors_.shape == vectorizer.output_vectors_.shape
    assert vectorizer.input_vectors_.dtype == np.float32


def test_word_counts_are_true_counts_most_frequent_first(topic_corpus):
    documents, _ = topic_corpus
    # Two rare words, pruned by min_count=2.
    documents = documents + ["zebra unicorn cat"]
    vectorizer = Word2VecVectorizer(n_components=4, min_count=2, epochs=1).fit(
        documents
    )
    expected = Counter(token for tokens in _tokens(documents) for token in tokens)
    got = {w: vectorizer.word_counts_[i] for w, i in vectorizer.vocabulary_.items()}
    assert got == {w: c for w, c in expected.items() if c >= 2}
    assert "zebra" not in vectorizer.vocabulary_
    assert vectorizer.word_counts_.dtype == np.int64
    assert np.all(np.diff(vectorizer.word_counts_) <= 0)


def test_max_features_keeps_most_frequent_words():
    # Word wK occurs 8 - K times: no ties at any cut.
    documents = [" ".join(f"w{k}" for k in range(8 - n)) for n in range(8)]
    vectorizer = Word2VecVectorizer(
        n_components=4, min_count=1, max_features=3, epochs=1, random_state=0
    ).fit(documents)
    assert vectorizer.wv_.index_to_key == ["w0", "w1", "w2"]
    assert vectorizer.word_counts_.tolist() == [8, 7, 6]
    both = Word2VecVectorizer(
        n_components=4, min_count=7, max_features=5, epochs=1, random_state=0
    ).fit(documents)
    assert both.wv_.index_to_key == ["w0", "w1"]


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_loss_curve_decreases_on_structured_corpus(topic_corpus, algorithm):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(
        algorithm=algorithm,
        n_components=8,
        min_count=1,
        epochs=3,
        batch_size=32,
        subsample=0,
        random_state=0,
    ).fit(documents)
    loss = vectorizer.loss_curve_
    assert loss.shape == (3,)
    assert loss.dtype == np.float64
    assert np.all(np.isfinite(loss)) and np.all(loss > 0)
    assert np.all(np.diff(loss) < 0), loss


def test_n_words_trained(topic_corpus, fast_params):
    documents, _ = topic_corpus
    n_tokens = sum(len(tokens) for tokens in _tokens(documents))
    exact = Word2VecVectorizer(**fast_params, subsample=0).fit(documents)
    assert exact.n_words_trained_ == n_tokens * fast_params["epochs"]
    subsampled = Word2VecVectorizer(**fast_params, subsample=1e-2).fit(documents)
    assert isinstance(subsampled.n_words_trained_, int)
    assert 0 < subsampled.n_words_trained_ < n_tokens * fast_params["epochs"]


def test_word_vectors_selects_matrix(topic_corpus, fast_params):
    documents, _ = topic_corpus
    fits = {
        which: Word2VecVectorizer(**fast_params, word_vectors=which).fit(documents)
        for which in ("input", "output", "sum")
    }
    W_in, W_out = fits["input"].input_vectors_, fits["input"].output_vectors_
    # Training does not depend on word_vectors.
    for vectorizer in fits.values():
        assert_array_equal(vectorizer.input_vectors_, W_in)
        assert_array_equal(vectorizer.output_vectors_, W_out)
    assert not np.array_equal(W_in, W_out)
    assert_array_equal(fits["input"].wv_.vectors, W_in)
    assert_array_equal(fits["output"].wv_.vectors, W_out)
    assert_allclose(fits["sum"].wv_.vectors, W_in + W_out, rtol=1e-6)
    rows = _known_rows(fits["sum"], "cat dog cat")
    assert_allclose(
        fits["sum"].transform(["cat dog cat"])[0],
        (W_in + W_out)[rows].mean(axis=0),
        rtol=1e-5,
        atol=1e-7,
    )


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_both_algorithms_train(topic_corpus, fast_params, algorithm):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**fast_params, algorithm=algorithm)
    X = vectorizer.fit_transform(documents)
    assert X.shape == (len(documents), 8)
    assert X.dtype == np.float32
    assert np.all(np.isfinite(vectorizer.wv_.vectors))
    # Output vectors start at zero: any change means training happened.
    assert np.any(vectorizer.output_vectors_ != 0)


def test_algorithms_and_cbow_mean_differ(topic_corpus, fast_params):
    documents, _ = topic_corpus
    vectors = [
        Word2VecVectorizer(**fast_params, **params).fit(documents).wv_.vectors
        for params in (
            {"algorithm": "skipgram"},
            {"algorithm": "cbow", "cbow_mean": True},
            {"algorithm": "cbow", "cbow_mean": False},
        )
    ]
    assert not np.array_equal(vectors[0], vectors[1])
    assert not np.array_equal(vectors[1], vectors[2])


@pytest.mark.parametrize("shrink_windows", [True, False])
def test_large_window(topic_corpus, fast_params, shrink_windows):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(
        **fast_params, window=200, shrink_windows=shrink_windows
    ).fit(documents[:10])
    assert np.all(np.isfinite(vectorizer.wv_.vectors))


# Pooling


@pytest.mark.parametrize("pooling", POOLINGS)
def test_pooling_shape(topic_corpus, fast_params, pooling):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**fast_params, pooling=pooling).fit(documents)
    X = vectorizer.transform(QUERY_DOCUMENTS)
    assert X.shape == (len(QUERY_DOCUMENTS), 8)
    assert X.dtype == np.float32
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize(
    "pooling, reduce",
    [
        ("mean", lambda rows: rows.mean(axis=0)),
        ("sum", lambda rows: rows.sum(axis=0)),
        ("max", lambda rows: rows.max(axis=0)),
    ],
)
def test_simple_pooling_equals_numpy(topic_corpus, fast_params, pooling, reduce):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**fast_params, pooling=pooling).fit(documents)
    vectors = vectorizer.wv_.vectors.astype(np.float64)
    expected = np.array(
        [
            reduce(vectors[rows])
            if (rows := _known_rows(vectorizer, doc))
            else np.zeros(8)
            for doc in QUERY_DOCUMENTS
        ]
    )
    assert_allclose(vectorizer.transform(QUERY_DOCUMENTS), expected, atol=1e-6)


def test_tfidf_idf_matches_tfidf_vectorizer(topic_corpus, fast_params):
    documents, _ = topic_corpus
    # Rare words pruned by min_count=2, and a document with no known word.
    documents = documents + ["zebra unicorn cat", "okapi"]
    vectorizer = Word2VecVectorizer(
        **dict(fast_params, min_count=2), pooling="tfidf"
    ).fit(documents)
    tfidf = TfidfVectorizer(smooth_idf=True).fit(documents)
    expected = np.array(
        [tfidf.idf_[tfidf.vocabulary_[word]] for word in vectorizer.wv_.index_to_key]
    )
    assert vectorizer.idf_.shape == (len(vectorizer.vocabulary_),)
    assert vectorizer.idf_.dtype == np.float64
    assert_allclose(vectorizer.idf_, expected, rtol=1e-12)


def test_tfidf_pooling_is_idf_weighted_mean(topic_corpus, fast_params):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**fast_params, pooling="tfidf").fit(documents)
    vectors = vectorizer.wv_.vectors.astype(np.float64)
    expected = []
    for document in QUERY_DOCUMENTS:
        rows = _known_rows(vectorizer, document)
        weights = vectorizer.idf_[rows]
        expected.append(
            weights @ vectors[rows] / weights.sum() if rows else np.zeros(8)
        )
    assert_allclose(vectorizer.transform(QUERY_DOCUMENTS), expected, atol=1e-6)


def test_sif_pooling(topic_corpus, fast_params):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**fast_params, pooling="sif", sif_alpha=1e-2).fit(
        documents
    )
    component = vectorizer.sif_component_
    assert component.shape == (8,)
    assert_allclose(np.linalg.norm(component), 1.0, rtol=1e-10)

    counts = vectorizer.word_counts_
    weights = 1e-2 / (1e-2 + counts / counts.sum())
    vectors = vectorizer.wv_.vectors.astype(np.float64)

    def weighted_mean(document):
        rows = _known_rows(vectorizer, document)
        return weights[rows] @ vectors[rows] / len(rows) if rows else np.zeros(8)

    # The component is the top right singular vector of the fit documents.
    fit_pooled = np.array([weighted_mean(document) for document in documents])
    top = np.linalg.svd(fit_pooled, full_matrices=False)[2][0]
    assert_allclose(abs(top @ component), 1.0, rtol=1e-5)

    pooled = np.array([weighted_mean(document) for document in QUERY_DOCUMENTS])
    expected = pooled - np.outer(pooled @ component, component)
    X = vectorizer.transform(QUERY_DOCUMENTS)
    assert_allclose(X, expected, atol=1e-6)
    assert_allclose(X @ component, 0.0, atol=1e-6)
    assert_allclose(vectorizer.transform(documents) @ component, 0.0, atol=1e-6)


def test_sif_without_component_removal_is_the_weighted_mean(topic_corpus, fast_params):
    documents, _ = topic_corpus
    params = dict(fast_params, pooling="sif", sif_alpha=1e-2)
    kept = Word2VecVectorizer(**params, sif_remove_component=False).fit(documents)
    removed = Word2VecVectorizer(**params).fit(documents)
    counts = kept.word_counts_
    weights = 1e-2 / (1e-2 + counts / counts.sum())
    vectors = kept.wv_.vectors.astype(np.float64)
    expected = [
        weights[rows] @ vectors[rows] / len(rows) if rows else np.zeros(8)
        for rows in (_known_rows(kept, document) for document in QUERY_DOCUMENTS)
    ]
    X = kept.transform(QUERY_DOCUMENTS)
    assert_allclose(X, expected, atol=1e-6)
    # Same vectors (same seed), so removing the component is the only change.
    component = removed.sif_component_
    assert_allclose(
        removed.transform(QUERY_DOCUMENTS),
        X - np.outer(X @ component, component),
        atol=1e-6,
    )


def test_pooling_statistics_of_every_pooling(fitted_vectorizer):
    assert fitted_vectorizer.pooling == "mean"
    assert fitted_vectorizer.idf_.shape == (len(fitted_vectorizer.wv_),)
    assert fitted_vectorizer.sif_component_.shape == (8,)


# Randomness and threads


def test_same_seed_is_bit_identical_different_seeds_differ(topic_corpus, fast_params):
    documents, _ = topic_corpus
    first = Word2VecVectorizer(**fast_params).fit(documents)
    second = Word2VecVectorizer(**fast_params).fit(documents)
    other = Word2VecVectorizer(**dict(fast_params, random_state=1)).fit(documents)
    assert_array_equal(first.wv_.vectors, second.wv_.vectors)
    assert_array_equal(first.output_vectors_, second.output_vectors_)
    assert_array_equal(first.loss_curve_, second.loss_curve_)
    assert not np.array_equal(first.wv_.vectors, other.wv_.vectors)
    assert first.vocabulary_ == other.vocabulary_


def test_random_state_instance(topic_corpus, fast_params):
    documents, _ = topic_corpus
    params = dict(fast_params, random_state=np.random.RandomState(3))
    first = Word2VecVectorizer(**params).fit(documents)
    params["random_state"] = np.random.RandomState(3)
    second = Word2VecVectorizer(**params).fit(documents)
    assert_array_equal(first.wv_.vectors, second.wv_.vectors)


def test_n_jobs_two(topic_corpus, fast_params):
    documents, _ = topic_corpus
    n_tokens = sum(len(tokens) for tokens in _tokens(documents))
    vectorizer = Word2VecVectorizer(
        **fast_params, n_jobs=2, subsample=0, batch_size=64
    ).fit(documents)
    X = vectorizer.transform(documents)
    assert X.shape == (len(documents), 8)
    assert np.all(np.isfinite(X))
    assert np.all(np.isfinite(vectorizer.loss_curve_))
    assert vectorizer.n_words_trained_ == n_tokens * fast_params["epochs"]
    assert np.any(vectorizer.output_vectors_ != 0)


def test_verbose_prints_one_line_per_epoch(topic_corpus, fast_params, capsys):
    documents, _ = topic_corpus
    Word2VecVectorizer(**fast_params, verbose=1).fit(documents)
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == fast_params["epochs"]
    assert lines[0].startswith("epoch 1/2: loss ")
    Word2VecVectorizer(**fast_params).fit(documents)
    assert capsys.readouterr().err == ""


# Warm start from pretrained vectors


def _pretrained(words, n_components=8, seed=1):
    """Unit-scale vectors, far from the +-1/n_components random initialisation."""
    rng = np.random.default_rng(seed)
    return KeyedVectors(words, rng.normal(size=(len(words), n_components)))


def test_init_vectors_start_known_words_from_pretrained(topic_corpus, fast_params):
    documents, _ = topic_corpus
    # "zebra" is not in the corpus; "cat" and "bus" are.
    pretrained = _pretrained(["bus", "zebra", "cat"])
    # A learning rate so small that the vectors barely move from their start.
    params = dict(fast_params, learning_rate=1e-7, min_learning_rate=0.0, epochs=1)
    warm = Word2VecVectorizer(**params, init_vectors=pretrained).fit(documents)
    cold = Word2VecVectorizer(**params).fit(documents)
    assert warm.vocabulary_ == cold.vocabulary_
    assert "zebra" not in warm.vocabulary_
    for word in ("cat", "bus"):
        assert_allclose(warm.wv_[word], pretrained[word], atol=1e-4)
    # Other words keep the random initialisation of the same random_state.
    others = [w for w in warm.vocabulary_ if w not in ("cat", "bus")]
    assert_allclose(warm.wv_[others], cold.wv_[others], atol=1e-4)
    assert np.abs(warm.wv_[others]).max() <= 1 / 8 + 1e-4
    assert np.abs(cold.wv_[["cat", "bus"]]).max() <= 1 / 8 + 1e-4


def test_init_vectors_train_on(topic_corpus, fast_params):
    documents, _ = topic_corpus
    pretrained = _pretrained(["cat", "bus"])
    warm = Word2VecVectorizer(**fast_params, init_vectors=pretrained).fit(documents)
    assert not np.allclose(warm.wv_["cat"], pretrained["cat"], atol=1e-3)
    assert np.all(np.isfinite(warm.wv_.vectors))
    # The given vectors are read, not modified, and clones share them.
    assert_array_equal(pretrained.vectors, _pretrained(["cat", "bus"]).vectors)
    assert clone(warm).init_vectors is pretrained


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_init_vectors_raise_naming_the_word(topic_corpus, value):
    documents, _ = topic_corpus
    pretrained = _pretrained(["zebra", "bus", "cat"])
    pretrained.vectors[2, 3] = value
    vectorizer = Word2VecVectorizer(
        n_components=8, min_count=1, init_vectors=pretrained
    )
    with pytest.raises(ValueError, match=r"init_vectors holds NaN .* 'cat' \(row 2\)"):
        vectorizer.fit(documents)
    assert not hasattr(vectorizer, "wv_")
    # A non-finite vector of a word outside the vocabulary is never read.
    pretrained.vectors[2, 3] = 0.0
    pretrained.vectors[0, 3] = value
    assert np.isfinite(vectorizer.fit(documents).wv_.vectors).all()


def test_init_vectors_dimension_mismatch_raises(topic_corpus):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(
        n_components=8, min_count=1, init_vectors=_pretrained(["cat"], n_components=3)
    )
    with pytest.raises(ValueError, match=r"vector_size=3 but n_components=8"):
        vectorizer.fit(documents)


def test_fit_memory_follows_the_data_not_n_components():
    # A (n_components, n_components) Gram matrix would take 800 MB here, and
    # its eigendecomposition minutes.
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        Word2VecVectorizer(n_components=10_000, min_count=1, random_state=0).fit(
            ["the cat sat on the mat with a dog and a bird"]
        )
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        if started:
            tracemalloc.stop()
    # The weights, 2 x 10 rows of 10,000 float32, take 0.8 MB.
    assert peak < 32 * 2**20


def _tables(documents):
    """Tables of two columns of text, in each form a user may pass."""
    pl = pytest.importorskip("polars")
    columns = {"text": documents, "title": documents}
    return [
        pd.DataFrame(columns),
        pl.DataFrame(columns),
        np.array([documents, documents]).T,
    ]


def test_tables_of_several_columns_raise(topic_corpus, fast_params):
    documents, _ = topic_corpus
    fitted = Word2VecVectorizer(**fast_params).fit(documents)
    match = r'of shape \(60, 2\); expected one column .*df\["text"\]'
    for table in _tables(documents):
        vectorizer = Word2VecVectorizer(**fast_params)
        for method in (vectorizer.fit, vectorizer.fit_transform, fitted.partial_fit):
            with pytest.raises(ValueError, match=match):
                method(table)
        with pytest.raises(ValueError, match=match):
            fitted.transform(table)
        assert not hasattr(vectorizer, "wv_")
    assert fitted.loss_curve_.shape == (fast_params["epochs"],)


def test_a_one_column_table_is_read_as_its_column(topic_corpus, fast_params):
    pl = pytest.importorskip("polars")
    documents, _ = topic_corpus
    expected = Word2VecVectorizer(**fast_params).fit_transform(documents)
    frame = pd.DataFrame({"text": documents})
    tables = (frame, pl.DataFrame({"text": documents}), np.array(documents)[:, None])
    for table in tables:
        vectorizer = Word2VecVectorizer(**fast_params)
        assert_array_equal(vectorizer.fit_transform(table), expected)
        assert_array_equal(vectorizer.transform(table), expected)
