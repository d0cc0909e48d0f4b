"""gensim 4.4.0's own KeyedVectors tests, ported.

From ``gensim/test/test_keyedvectors.py``, the query, evaluation and file parts
of ``test_word2vec.py``, ``test_datatype.py`` and ``test_glove2word2vec.py``,
with only the construction and loading lines changed: the same fixture files
(copied into ``tests/data/gensim``, see its README) and the same expected
values, which are gensim's own unless a comment says they were computed by
gensim 4.4.0 once. Where we deliberately differ (ValueError instead of
EOFError, ZeroDivisionError or UnicodeDecodeError), the test says so.
"""

import functools
import struct
from pathlib import Path

import numpy as np
import pytest

import sklearn_w2v._keyedvectors.word2vec_format as word2vec_format
from sklearn_w2v import KeyedVectors

GENSIM_DATA = Path(__file__).parent / "data" / "gensim"
EUCLIDEAN = GENSIM_DATA / "euclidean_vectors.bin"


@pytest.fixture(scope="module")
def shared():
    """The euclidean vectors, read-only: for tests that do not edit them."""
    return KeyedVectors.load_word2vec_format(EUCLIDEAN, binary=True)


@pytest.fixture
def vectors():
    """A fresh copy, for tests that edit it."""
    return KeyedVectors.load_word2vec_format(EUCLIDEAN, binary=True)


def _random_vectors(n, size, seed=0):
    return np.random.default_rng(seed).standard_normal((n, size))


# test_keyedvectors.py: queries


def test_most_similar(shared):
    expected = ["conflict", "administration", "terrorism", "call", "israel"]
    assert [word for word, _ in shared.most_similar("war", topn=5)] == expected


def test_most_similar_vector(shared):
    result = shared.most_similar(positive=shared.vectors[0:5])
    assert len(result) == 10
    # raw vectors enter the query as given and are not excluded from the results
    query = shared.vectors[0:5].astype(np.float64).sum(axis=0)
    sims = shared.get_normed_vectors() @ (query / np.linalg.norm(query))
    assert result[0] == (
        shared.index_to_key[int(np.argmax(sims))],
        pytest.approx(sims.max(), abs=1e-6),
    )


@pytest.mark.parametrize("method", ["most_similar", "most_similar_cosmul"])
def test_most_similar_parameter_types(shared, method):
    partial = functools.partial(getattr(shared, method), topn=5)
    position = partial("war", "peace")
    assert position == partial(["war"], ["peace"])
    assert position == partial(positive="war", negative="peace")
    assert position == partial(positive=["war"], negative=["peace"])


def test_most_similar_topn(shared):
    assert len(shared.most_similar("war", topn=5)) == 5
    assert len(shared.most_similar("war", topn=10)) == 10
    assert len(shared.most_similar("war", topn=None)) == len(shared)
    assert len(shared.most_similar("war", topn=0)) == 0
    assert len(shared.most_similar("war", topn=np.uint8(0))) == 0


def test_relative_cosine_similarity(shared):
    wordnet_syn = [
        "good", "goodness", "commodity", "trade_good", "full", "estimable",
        "honorable", "respectable", "beneficial", "just", "upright", "adept",
        "expert", "practiced", "proficient", "skillful", "skilful", "dear", "near",
        "dependable", "safe", "secure", "right", "ripe", "well", "effective",
        "in_effect", "in_force", "serious", "sound", "salutary", "honest",
        "undecomposed", "unspoiled", "unspoilt", "thoroughly", "soundly",
    ]  # fmt: skip
    cos_sim = sorted(
        (shared.similarity("good", syn) for syn in wordnet_syn if syn in shared),
        reverse=True,
    )
    rcs_wordnet = shared.similarity("good", "nice") / sum(cos_sim[:10])
    rcs = shared.relative_cosine_similarity("good", "nice", 10)
    assert rcs_wordnet >= rcs
    assert np.allclose(rcs_wordnet, rcs, 0, 0.125)
    assert shared.relative_cosine_similarity("good", "worst", 10) < 0.10
    # computed by gensim 4.4.0 once
    assert rcs == pytest.approx(0.07864465686919675, rel=1e-6)


def test_most_similar_raises_keyerror(shared):
    with pytest.raises(KeyError, match="not_in_vocab"):
        shared.most_similar("not_in_vocab")


def test_most_similar_restrict_vocab(shared):
    result = shared.most_similar("war", topn=5, restrict_vocab=5)
    assert {word for word, _ in result} == set(shared.index_to_key[:5])


def test_most_similar_with_vector_input(shared):
    expected = ["war", "conflict", "administration", "terrorism", "call"]
    result = shared.most_similar([shared["war"]], topn=5)
    assert [word for word, _ in result] == expected


def test_most_similar_to_given(shared):
    given = shared.most_similar_to_given("war", ["terrorism", "call", "waging"])
    assert given == "terrorism"


def test_similar_by_word(shared):
    expected = ["conflict", "administration", "terrorism", "call", "israel"]
    assert [word for word, _ in shared.similar_by_word("war", topn=5)] == expected
    assert shared.similar_by_key("war", topn=5) == shared.similar_by_word("war", 5)


def test_similar_by_vector(shared):
    expected = ["war", "conflict", "administration", "terrorism", "call"]
    result = shared.similar_by_vector(shared["war"], topn=5)
    assert [word for word, _ in result] == expected


def test_distance(shared):
    assert np.allclose(shared.distance("war", "conflict"), 0.06694602)
    assert shared.distance("war", "war") == 0


def test_similarity(shared):
    assert shared.similarity("war", "war") == 1.0
    assert np.allclose(shared.similarity("war", "conflict"), 0.93305397)


def test_self_similarity_is_exact_for_every_key(shared):
    # gensim 4.4.0 gets 0 for 414 of the first 500 keys (2266 of all 2747)
    assert all(shared.distance(key, key) == 0.0 for key in shared.index_to_key)
    assert all(shared.similarity(key, key) == 1.0 for key in shared.index_to_key)


def test_closer_than(shared):
    assert shared.closer_than("war", "war") == []
    assert set(shared.closer_than("war", "terrorism")) == {"conflict", "administration"}
    assert shared.words_closer_than("war", "terrorism") == shared.closer_than(
        "war", "terrorism"
    )


def test_rank(shared):
    assert shared.rank("war", "war") == 1
    assert shared.rank("war", "terrorism") == 3


def test_get_mean_vector(shared):
    keys = ["conflict", "administration", "terrorism", "call", "an oov word"]
    weights = [1, 2, 3, 1, 2]
    expected_1 = [
        0.02000151, -0.12685453, 0.09196121, 0.25514853, 0.25740655,
        -0.11134843, -0.0502661, -0.19278568, -0.83346179, -0.12068878,
    ]  # fmt: skip
    expected_2 = [
        -0.0145228, -0.11530358, 0.1169825, 0.22537769, 0.29353586,
        -0.10458107, -0.05272481, -0.17547795, -0.84245106, -0.10356515,
    ]  # fmt: skip
    expected_3 = [
        0.01343237, -0.47651053, 0.45645328, 0.98304356, 1.1840123,
        -0.51647933, -0.25308795, -0.77931081, -3.55954733, -0.55429711,
    ]  # fmt: skip
    assert np.allclose(shared.get_mean_vector(keys), expected_1)
    assert np.allclose(shared.get_mean_vector(keys, weights), expected_2)
    assert np.allclose(shared.get_mean_vector(keys, pre_normalize=False), expected_3)


def test_vectors_for_all_list(shared):
    words = ["conflict", "administration", "terrorism"]
    words += ["an out-of-vocabulary word", "another out-of-vocabulary word"]
    vectors_for_all = shared.vectors_for_all(words)
    assert len(vectors_for_all) == 3
    assert np.allclose(shared["conflict"], vectors_for_all["conflict"])


def test_vectors_for_all_copy_vecattrs(shared):
    # gensim makes up counts for vectors read without a vocabulary; we set them
    counted = KeyedVectors(
        shared.index_to_key, shared.vectors, counts=np.arange(len(shared))[::-1]
    )
    copied = counted.vectors_for_all(["conflict"], copy_vecattrs=True)
    assert copied.get_vecattr("conflict", "count") == counted.get_vecattr(
        "conflict", "count"
    )
    not_copied = counted.vectors_for_all(["conflict"], copy_vecattrs=False)
    with pytest.raises(KeyError, match="No attribute 'count'"):
        not_copied.get_vecattr("conflict", "count")  # gensim: 0


# test_keyedvectors.py: editing


def test_add_single(vectors):
    entities = [f"___some_entity{i}_not_present_in_keyed_vectors___" for i in range(5)]
    new_vectors = _random_vectors(5, vectors.vector_size)
    for entity, vector in zip(entities, new_vectors, strict=True):
        vectors.add_vectors(entity, vector)
    for entity, vector in zip(entities, new_vectors, strict=True):
        assert np.allclose(vectors[entity], vector)
    kv = KeyedVectors([], np.zeros((0, vectors.vector_size)))
    for entity, vector in zip(entities, new_vectors, strict=True):
        kv.add_vectors(entity, vector)
    for entity, vector in zip(entities, new_vectors, strict=True):
        assert np.allclose(kv[entity], vector)


def test_add_multiple(vectors):
    entities = [f"___some_entity{i}_not_present_in_keyed_vectors___" for i in range(5)]
    new_vectors = list(_random_vectors(5, vectors.vector_size))
    vocab_size = len(vectors)
    vectors.add_vectors(entities, new_vectors, replace=False)
    assert len(vectors) == vocab_size + len(entities)
    for entity, vector in zip(entities, new_vectors, strict=True):
        assert np.allclose(vectors[entity], vector)
    kv = KeyedVectors([], np.zeros((0, vectors.vector_size)))
    kv[entities] = new_vectors
    assert len(kv) == len(entities)
    for entity, vector in zip(entities, new_vectors, strict=True):
        assert np.allclose(kv[entity], vector)


def test_add_type():
    kv = KeyedVectors([], np.zeros((0, 2)))
    assert kv.vectors.dtype == np.float32
    kv.add_vectors(["a"], np.array([1.0, 1.0], dtype=np.float64).reshape(1, -1))
    assert kv.vectors.dtype == np.float32


def test_set_item(vectors):
    vocab_size = len(vectors)
    entity = "___some_new_entity___"
    vector = _random_vectors(1, vectors.vector_size, seed=1)[0]
    vectors[entity] = vector
    assert len(vectors) == vocab_size + 1
    assert np.allclose(vectors[entity], vector)
    vector = _random_vectors(1, vectors.vector_size, seed=2)[0]
    vectors["war"] = vector
    assert len(vectors) == vocab_size + 1
    assert np.allclose(vectors["war"], vector)
    entities = ["war", "___new1___", "___new2___", "terrorism", "conflict"]
    new_vectors = list(_random_vectors(5, vectors.vector_size, seed=3))
    vectors[entities] = new_vectors
    assert len(vectors) == vocab_size + 3
    for entity, vector in zip(entities, new_vectors, strict=True):
        assert np.allclose(vectors[entity], vector)


# test_keyedvectors.py: files


def _load_undecodable(unicode_errors):
    return KeyedVectors.load_word2vec_format(
        GENSIM_DATA / "w2v_keyedvectors_load_test.modeldata",
        fvocab=GENSIM_DATA / "w2v_keyedvectors_load_test.vocab",
        binary=False,
        unicode_errors=unicode_errors,
    )


def test_load_model_and_vocab_file_strict():
    # gensim raises UnicodeDecodeError; ours is a ValueError naming the line
    with pytest.raises(ValueError, match="load_test.vocab: line 1: cannot decode"):
        _load_undecodable("strict")


@pytest.mark.parametrize(
    "unicode_errors, suffix", [("replace", "\ufffd"), ("ignore", "")]
)
def test_load_model_and_vocab_file_lenient(unicode_errors, suffix):
    model = _load_undecodable(unicode_errors)
    first, second = "ありがとう" + suffix, "どういたしまして" + suffix
    assert model.get_vecattr(first, "count") == 123
    assert model.get_vecattr(second, "count") == 789
    assert model.key_to_index == {first: 0, second: 1}
    np.testing.assert_array_equal(model.get_vector(first), np.float32([0.6] * 3))
    np.testing.assert_array_equal(model.get_vector(second), np.float32([0.1, 0.2, 0.3]))


@pytest.mark.parametrize("binary", [False, True])
def test_save_reload(tmp_path, binary):
    keys = [str(i) for i in range(20)]
    randkv = KeyedVectors(keys, _random_vectors(20, 100) * 0.01)
    randkv.save_word2vec_format(tmp_path / "tmp_kv", binary=binary)
    reloaded = KeyedVectors.load_word2vec_format(tmp_path / "tmp_kv", binary=binary)
    assert randkv.index_to_key == reloaded.index_to_key
    assert (randkv.vectors == reloaded.vectors).all()


def test_no_header(tmp_path):
    keys = [str(i) for i in range(20)]
    randkv = KeyedVectors(keys, _random_vectors(20, 100) * 0.01)
    randkv.save_word2vec_format(tmp_path / "tmp_kv.txt", write_header=False)
    reloaded = KeyedVectors.load_word2vec_format(
        tmp_path / "tmp_kv.txt", no_header=True
    )
    assert randkv.index_to_key == reloaded.index_to_key
    assert (randkv.vectors == reloaded.vectors).all()


def _save_binary_without_newlines(path, w2v_dict):
    """gensim's save_dict_to_word2vec_formated_file."""
    size = len(next(iter(w2v_dict.values())))
    with open(path, "wb") as f:
        f.write(f"{len(w2v_dict)} {size}\n".encode("ascii"))
        for word, vector in w2v_dict.items():
            f.write(word.encode() + b" " + struct.pack(f"<{size}f", *vector))


W2V_DICTS = [
    {"abc": [1, 2, 3], "cde": [4, 5, 6], "def": [7, 8, 9]},
    {"abc": [1, 2, 3], "cdefg": [4, 5, 6], "d": [7, 8, 9]},
    {"\nabc": [1, 2, 3], "cdefdg": [4, 5, 6], "\n\ndef": [7, 8, 9]},
]


@pytest.mark.parametrize("w2v_dict", W2V_DICTS)
@pytest.mark.parametrize("chunk_size", [5, 16, 1024])
@pytest.mark.parametrize("limit", [None, 1, 2])
def test_load_word2vec_format_binary_chunks(
    tmp_path, monkeypatch, w2v_dict, chunk_size, limit
):
    monkeypatch.setattr(word2vec_format, "_READ_CHUNK", chunk_size)
    _save_binary_without_newlines(tmp_path / "tmp_w2v", w2v_dict)
    model = KeyedVectors.load_word2vec_format(
        tmp_path / "tmp_w2v", binary=True, limit=limit
    )
    expected = {k.lstrip(): v for k, v in list(w2v_dict.items())[:limit]}
    assert len(model) == len(expected)
    for word, vector in expected.items():
        assert list(model[word]) == vector


# test_word2vec.py: persistence in the word2vec format, on a model of ours


def test_persistence_word2vec_format(tmp_path, fitted_vectorizer):
    wv = fitted_vectorizer.wv_
    path = tmp_path / "model.bin"
    wv.save_word2vec_format(path, binary=True)
    binary_kv = KeyedVectors.load_word2vec_format(path, binary=True)
    assert np.allclose(wv["cat"], binary_kv["cat"])
    norm_only = KeyedVectors.load_word2vec_format(path, binary=True)
    norm_only.unit_normalize_all()
    assert not np.allclose(wv["cat"], norm_only["cat"])
    assert np.allclose(wv.get_vector("cat", norm=True), norm_only["cat"])
    limited = KeyedVectors.load_word2vec_format(path, binary=True, limit=3)
    assert len(limited.vectors) == 3
    half = KeyedVectors.load_word2vec_format(path, binary=True, datatype=np.float16)
    assert binary_kv.vectors.nbytes == half.vectors.nbytes * 2


def test_persistence_word2vec_format_non_binary(tmp_path, fitted_vectorizer):
    wv = fitted_vectorizer.wv_
    wv.save_word2vec_format(tmp_path / "model.txt", binary=False)
    text_kv = KeyedVectors.load_word2vec_format(tmp_path / "model.txt", binary=False)
    assert np.allclose(wv["cat"], text_kv["cat"], atol=1e-6)
    text_kv.unit_normalize_all()
    assert not np.allclose(wv["cat"], text_kv["cat"], atol=1e-6)
    assert np.allclose(wv.get_vector("cat", norm=True), text_kv["cat"], atol=1e-4)


def test_persistence_word2vec_format_with_vocab(tmp_path, fitted_vectorizer):
    wv = fitted_vectorizer.wv_
    wv.save_word2vec_format(tmp_path / "model.bin", tmp_path / "vocab", binary=True)
    loaded = KeyedVectors.load_word2vec_format(
        tmp_path / "model.bin", tmp_path / "vocab", binary=True
    )
    assert wv.get_vecattr("cat", "count") == loaded.get_vecattr("cat", "count")


@pytest.mark.parametrize("binary", [False, True])
def test_too_short_word2vec_format(tmp_path, fitted_vectorizer, binary):
    path = tmp_path / "model"
    fitted_vectorizer.wv_.save_word2vec_format(path, binary=binary)
    with open(path, "r+b") as f:
        f.write(b"13")  # a wrong (too large) vector count
    # gensim raises EOFError; ours is a ValueError naming the file
    with pytest.raises(ValueError, match="model: "):
        KeyedVectors.load_word2vec_format(path, binary=binary)


def test_cosmul(fitted_vectorizer):
    wv = fitted_vectorizer.wv_
    sims = wv.most_similar_cosmul("cat", topn=10)
    sims2 = wv.most_similar_cosmul(positive=[wv.get_vector("cat", norm=True)], topn=11)
    sims2 = [(w, sim) for w, sim in sims2 if w != "cat"]
    assert [w for w, _ in sims] == [w for w, _ in sims2]
    np.testing.assert_allclose([s for _, s in sims], [s for _, s in sims2], rtol=1e-6)


def test_similarities(fitted_vectorizer):
    wv = fitted_vectorizer.wv_
    assert wv.n_similarity(["cat", "car"], ["car", "cat"]) == pytest.approx(1.0)
    assert wv.n_similarity(["cat"], ["car"]) == wv.similarity("cat", "car")
    # gensim raises ZeroDivisionError
    for ws1, ws2 in [(["cat", "car"], []), ([], ["cat", "car"]), ([], [])]:
        with pytest.raises(ValueError, match="two non-empty lists"):
            wv.n_similarity(ws1, ws2)


def test_similar_by(fitted_vectorizer):
    wv = fitted_vectorizer.wv_
    assert wv.similar_by_word("cat", topn=10) == wv.most_similar(positive="cat")
    assert wv.similar_by_vector(wv["cat"], topn=10) == wv.most_similar([wv["cat"]])


# test_word2vec.py: TestWMD


def test_wmd_nonzero_and_symmetric(fitted_vectorizer):
    wv = fitted_vectorizer.wv_
    sentence1 = ["cat", "dog", "the"]
    sentence2 = ["car", "bus", "train", "the", "with", "tram"]
    distance = wv.wmdistance(sentence1, sentence2)
    assert distance != 0.0
    assert np.allclose(distance, wv.wmdistance(sentence2, sentence1))


def test_wmd_identical_sentences(fitted_vectorizer):
    sentence = ["car", "bus", "train", "the", "with", "tram"]
    assert fitted_vectorizer.wv_.wmdistance(sentence, sentence) == 0.0


# test_datatype.py


@pytest.mark.parametrize(
    "datatype, value",
    [
        (np.float64, -0.0008546282343595379),
        (np.float32, -0.00085462822),
        (np.float16, -0.00085449),
    ],
)
def test_precision(datatype, value):
    kv = KeyedVectors.load_word2vec_format(
        GENSIM_DATA / "high_precision.kv.txt", binary=False, datatype=datatype
    )
    assert kv["horse.n.01"][0] == pytest.approx(value, abs=1e-7)
    assert kv["horse.n.01"][0].dtype == datatype


def test_type_conversion(tmp_path):
    model1 = KeyedVectors.load_word2vec_format(
        GENSIM_DATA / "high_precision.kv.txt", datatype=np.float16
    )
    model1.save_word2vec_format(tmp_path / "high_precision.kv.bin", binary=True)
    model2 = KeyedVectors.load_word2vec_format(
        tmp_path / "high_precision.kv.bin", datatype=np.float64, binary=True
    )
    assert model1["horse.n.01"][0] == np.float16(model2["horse.n.01"][0])
    assert model1["horse.n.01"][0].dtype == np.float16
    assert model2["horse.n.01"][0].dtype == np.float64


# test_glove2word2vec.py: we read GloVe files directly, no conversion needed


def test_glove_file_loads():
    model = KeyedVectors.load_word2vec_format(GENSIM_DATA / "test_glove.txt")
    assert np.allclose(model.n_similarity(["the", "and"], ["and", "the"]), 1.0)
