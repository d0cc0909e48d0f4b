"""Unit tests of the text helpers: analyser, document analysis, known-word ids."""

import io
import re

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.feature_extraction.text import CountVectorizer

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v._corpus.text import (
    ANALYZER_PARAMS,
    build_analyzer,
    encode_known,
    iter_analyzed,
)

DOCUMENTS = [
    "The Café; the NAÏVE cat's whiskers.",
    "x y zz 42 and the dog",
    "",
]


def list_analyzed(X, analyzer, input="content"):
    return list(iter_analyzed(X, analyzer, input))


def test_analyzer_params_are_count_vectorizer_defaults():
    defaults = CountVectorizer().get_params()
    assert ANALYZER_PARAMS == {name: defaults[name] for name in ANALYZER_PARAMS}


def test_analyzer_params_are_vectorizer_defaults():
    defaults = Word2VecVectorizer().get_params()
    assert ANALYZER_PARAMS == {name: defaults[name] for name in ANALYZER_PARAMS}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lowercase": False},
        {"strip_accents": "unicode"},
        {"stop_words": "english"},
        {"token_pattern": r"[a-z]+"},
        {"preprocessor": str.strip},
        {"tokenizer": str.split, "token_pattern": None},
        {"analyzer": str.split},
    ],
)
def test_build_analyzer_matches_count_vectorizer(params):
    full = dict(ANALYZER_PARAMS, **params)
    analyzer = build_analyzer(full)
    reference = CountVectorizer(**full).build_analyzer()
    for document in DOCUMENTS:
        assert analyzer(document) == reference(document)


def test_build_analyzer_ignores_other_params():
    params = Word2VecVectorizer(lowercase=False, n_components=3).get_params()
    assert build_analyzer(params)("The CAT") == ["The", "CAT"]


def test_build_analyzer_needs_every_analyzer_param():
    params = dict(ANALYZER_PARAMS)
    del params["token_pattern"]
    with pytest.raises(KeyError, match="token_pattern"):
        build_analyzer(params)


def test_iter_analyzed_raw_and_pre_tokenised():
    analyzer = build_analyzer(ANALYZER_PARAMS)
    X = ["The cat sat", ["As", "is"], ("a", "tuple"), b"bytes too", []]
    assert list_analyzed(X, analyzer) == [
        ["the", "cat", "sat"],
        ["As", "is"],
        ("a", "tuple"),
        ["bytes", "too"],
        [],
    ]


def test_iter_analyzed_accepts_any_iterable():
    expected = [["a", "b"], ["c"]]
    assert list_analyzed(iter(["a b", "c"]), str.split) == expected
    assert list_analyzed(("a b", "c"), str.split) == expected
    assert list_analyzed(np.array(["a b", "c"]), str.split) == expected
    assert list_analyzed([], str.split) == []


@pytest.mark.parametrize("X", ["a string", b"some bytes"])
def test_iter_analyzed_rejects_bare_string(X):
    message = "Iterable over raw text documents expected, string object received."
    with pytest.raises(ValueError, match=re.escape(message)):
        list_analyzed(X, str.split)


@pytest.mark.parametrize("X", [None, 3, 2.5])
def test_iter_analyzed_rejects_non_iterable(X):
    with pytest.raises(TypeError, match=f"got {type(X).__name__} object"):
        list_analyzed(X, str.split)


@pytest.mark.parametrize(
    "bad, message",
    [
        (None, "Document 2 is NoneType None; expected a string or a list"),
        (5, "Document 2 is int 5;"),
        (float("nan"), "Document 2 is float nan;"),
        ({"a": 1}, "Document 2 is dict {'a': 1};"),
        (["a", ["b"]], "Document 2 is a pre-tokenised list holding a list token"),
        (("a", 1), "Document 2 is a pre-tokenised tuple holding a int token 1"),
        (["a", b"b"], "Document 2 is a pre-tokenised list holding a bytes token"),
    ],
)
def test_iter_analyzed_bad_document_names_index(bad, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        list_analyzed(["a", ["b"], bad, "c"], str.split)


def test_iter_analyzed_truncates_long_reprs():
    with pytest.raises(TypeError) as excinfo:
        list_analyzed([["ok", 10**100]], str.split)
    assert "..." in str(excinfo.value)
    assert str(10**100) not in str(excinfo.value)


def test_iter_analyzed_file_objects_only_with_input_file():
    analyzer = build_analyzer(dict(ANALYZER_PARAMS, input="file"))
    files = [io.StringIO("The cat"), io.BytesIO(b"the DOG")]
    assert list_analyzed(files, analyzer, input="file") == [
        ["the", "cat"],
        ["the", "dog"],
    ]
    with pytest.raises(TypeError, match="Document 0 is StringIO"):
        list_analyzed([io.StringIO("The cat")], analyzer)


def test_iter_analyzed_filenames(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("Hello wörld", encoding="utf-8")
    analyzer = build_analyzer(dict(ANALYZER_PARAMS, input="filename"))
    assert list_analyzed([str(path)], analyzer, input="filename") == [
        ["hello", "wörld"]
    ]


def _encode_known_loop(documents, vocabulary):
    ids, offsets = [], [0]
    for tokens in documents:
        ids.extend(vocabulary[t] for t in tokens if t in vocabulary)
        offsets.append(len(ids))
    return ids, offsets


def test_encode_known_matches_loop():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    vocabulary = {w: i for i, w in enumerate(rng.permutation(words)[:20].tolist())}
    documents = [
        rng.choice(words, size=int(rng.integers(0, 8))).tolist() for _ in range(40)
    ]
    documents[0] = []
    documents[-1] = ["not", "known"]
    ids, offsets = encode_known(documents, vocabulary)
    expected_ids, expected_offsets = _encode_known_loop(documents, vocabulary)
    assert ids.dtype == np.int64 and offsets.dtype == np.int64
    assert_array_equal(ids, expected_ids)
    assert_array_equal(offsets, expected_offsets)


def test_encode_known_tuples_and_no_documents():
    ids, offsets = encode_known([("b", "a", "b"), ()], {"a": 0, "b": 1})
    assert ids.tolist() == [1, 0, 1]
    assert offsets.tolist() == [0, 3, 3]
    ids, offsets = encode_known([], {"a": 0})
    assert ids.shape == (0,)
    assert offsets.tolist() == [0]


def test_encode_known_empty_vocabulary():
    ids, offsets = encode_known([["a"], ["b", "c"]], {})
    assert ids.shape == (0,)
    assert offsets.tolist() == [0, 0, 0]
