import bz2
import gzip
import lzma
import os
import pickle
import stat
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest

from sklearn_w2v import KeyedVectors
from sklearn_w2v._corpus.subwords import fasttext_hash, word_ngrams
from sklearn_w2v._keyedvectors.subwords import Subwords

DATA = Path(__file__).parent / "data"
TINY_KEYS = ["the", "of", "café", "and"]
TINY_VECTORS = np.array(
    [[0.5, -1.25, 2.0], [0.0, 0.25, -0.5], [1.0, 1.0, 1.0], [-3.5, 0.125, 0.0]],
    dtype=np.float32,
)


@pytest.fixture(scope="module")
def kv():
    rng = np.random.default_rng(0)
    keys = [f"w{i}" for i in range(60)]
    return KeyedVectors(keys, rng.standard_normal((60, 8)))


def _unit(v):
    return v / np.linalg.norm(v)


def _oracle_cosadd(kv, positive, negative, topn, restrict_vocab=None):
    """Slow reference: loops over the vocabulary in float64."""
    vec = {k: kv.vectors[i].astype(np.float64) for i, k in enumerate(kv.index_to_key)}
    query = _unit(
        sum(_unit(vec[w]) for w in positive) - sum(_unit(vec[w]) for w in negative)
    )
    sims = [
        (w, float(_unit(vec[w]) @ query))
        for w in kv.index_to_key[:restrict_vocab]
        if w not in positive and w not in negative
    ]
    return sorted(sims, key=lambda item: -item[1])[:topn]


def _oracle_cosmul(kv, positive, negative, topn):
    vec = {k: kv.vectors[i].astype(np.float64) for i, k in enumerate(kv.index_to_key)}
    scores = []
    for w in kv.index_to_key:
        if w in positive or w in negative:
            continue
        num = np.prod([(1 + _unit(vec[w]) @ _unit(vec[p])) / 2 for p in positive])
        den = np.prod([(1 + _unit(vec[w]) @ _unit(vec[n])) / 2 for n in negative])
        scores.append((w, num / (den + 1e-6)))
    return sorted(scores, key=lambda item: -item[1])[:topn]


def _assert_same_results(result, expected, atol=1e-5):
    assert [w for w, _ in result] == [w for w, _ in expected]
    np.testing.assert_allclose(
        [s for _, s in result], [s for _, s in expected], atol=atol
    )


# construction and lookup


def test_constructor_stores_float32_c_contiguous_vectors():
    vectors = np.asfortranarray(np.arange(6, dtype=np.float64).reshape(3, 2))
    kv = KeyedVectors(("a", "b", "c"), vectors)
    assert kv.vectors.dtype == np.float32
    assert kv.vectors.flags.c_contiguous
    assert kv.index_to_key == ["a", "b", "c"]
    assert kv.key_to_index == {"a": 0, "b": 1, "c": 2}
    assert (len(kv), kv.vector_size) == (3, 2)
    np.testing.assert_array_equal(kv.vectors, vectors)


def test_numpy_str_keys_become_plain_str():
    kv = KeyedVectors(np.array(["a", "b"]), np.eye(2))
    assert all(type(key) is str for key in kv.index_to_key)
    assert "a" in kv


@pytest.mark.parametrize(
    "keys, vectors, error, match",
    [
        (["a", "b"], np.zeros((3, 2)), ValueError, "3 rows but there are 2 keys"),
        (["a", "b", "a"], np.zeros((3, 2)), ValueError, "'a' occurs twice"),
        (["a", "b"], np.zeros(2), ValueError, "2-D array"),
        (["a", "b"], np.zeros((2, 2, 1)), ValueError, "2-D array"),
        (["a", 1], np.zeros((2, 2)), TypeError, "keys must be str"),
    ],
)
def test_constructor_rejects_invalid_input(keys, vectors, error, match):
    with pytest.raises(error, match=match):
        KeyedVectors(keys, vectors)


def test_getitem_returns_one_vector_or_a_matrix(kv):
    np.testing.assert_array_equal(kv["w3"], kv.vectors[3])
    np.testing.assert_array_equal(kv[["w3", "w0", "w3"]], kv.vectors[[3, 0, 3]])
    assert kv[[]].shape == (0, 8)
    assert kv.get_index("w5") == 5
    assert "w5" in kv and "nope" not in kv


@pytest.mark.parametrize(
    "call",
    [
        lambda kv: kv["foo"],
        lambda kv: kv[["w1", "foo"]],
        lambda kv: kv.get_vector("foo"),
        lambda kv: kv.similarity("w1", "foo"),
        lambda kv: kv.most_similar(["w1"], ["foo"]),
        lambda kv: kv.most_similar_cosmul("foo"),
    ],
)
def test_unknown_key_raises_key_error_naming_it(kv, call):
    with pytest.raises(KeyError, match="Key 'foo' not present in vocabulary"):
        call(kv)


def test_returned_vectors_are_read_only(kv):
    with pytest.raises(ValueError, match="read-only"):
        kv.get_vector("w1")[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        kv.get_normed_vectors()[0, 0] = 1.0


def test_normed_vectors_have_unit_length_and_zero_rows_stay_zero():
    kv = KeyedVectors(["a", "zero", "b"], [[3.0, 4.0], [0.0, 0.0], [0.0, -2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        normed = kv.get_normed_vectors()
        sims = kv.most_similar("a", topn=None)
    np.testing.assert_allclose(normed, [[0.6, 0.8], [0.0, 0.0], [0.0, -1.0]])
    np.testing.assert_allclose(sims, [1.0, 0.0, -0.8], rtol=1e-6)
    np.testing.assert_array_equal(kv.get_vector("zero", norm=True), [0.0, 0.0])


def test_assigning_vectors_clears_the_norm_cache():
    kv = KeyedVectors(["a", "b"], [[1.0, 0.0], [0.0, 1.0]])
    assert kv.similarity("a", "b") == pytest.approx(0.0)
    kv.vectors = [[1.0, 0.0], [1.0, 0.0]]
    assert kv.similarity("a", "b") == pytest.approx(1.0)
    with pytest.raises(ValueError, match="3 rows but there are 2 keys"):
        kv.vectors = np.zeros((3, 2))


def test_in_place_edits_need_fill_norms_force():
    kv = KeyedVectors(["a", "b"], [[1.0, 0.0], [0.0, 1.0]])
    assert kv.most_similar("a")[0][1] == pytest.approx(0.0)
    kv.vectors[1] = [1.0, 0.0]
    assert kv.most_similar("a")[0][1] == pytest.approx(0.0)  # stale, as documented
    assert kv.similarity("a", "b") == 1.0  # reads the raw vectors
    kv.fill_norms(force=True)
    assert kv.most_similar("a")[0][1] == pytest.approx(1.0)


def test_pickle_round_trip_drops_the_norm_cache(kv):
    fresh = KeyedVectors(kv.index_to_key, kv.vectors)
    size_without_cache = len(pickle.dumps(fresh))
    fresh.get_normed_vectors()
    data = pickle.dumps(fresh)
    assert len(data) == size_without_cache
    loaded = pickle.loads(data)
    assert loaded.index_to_key == kv.index_to_key
    assert loaded.key_to_index == kv.key_to_index
    np.testing.assert_array_equal(loaded.vectors, kv.vectors)
    assert loaded.most_similar("w1", topn=5) == kv.most_similar("w1", topn=5)


# queries


@pytest.mark.parametrize(
    "positive, negative, restrict_vocab",
    [
        (["w1"], [], None),
        (["w1", "w2"], ["w3"], None),
        (["w4", "w5", "w6"], ["w7", "w8"], None),
        ([], ["w9"], None),
        (["w1", "w2"], ["w3"], 20),
    ],
)
def test_most_similar_matches_brute_force(kv, positive, negative, restrict_vocab):
    result = kv.most_similar(positive, negative, topn=7, restrict_vocab=restrict_vocab)
    expected = _oracle_cosadd(kv, positive, negative, 7, restrict_vocab)
    _assert_same_results(result, expected)
    assert all(type(w) is str and type(s) is float for w, s in result)


def test_most_similar_accepts_single_key_and_vectors(kv):
    assert kv.most_similar("w1", topn=5) == kv.most_similar(["w1"], topn=5)
    by_vector = kv.most_similar(positive=[kv["w1"]], topn=5)
    assert by_vector[0][0] == "w1"  # vectors are not excluded from the results
    assert by_vector[0][1] == pytest.approx(1.0, abs=1e-6)
    _assert_same_results(by_vector[1:], kv.most_similar("w1", topn=4), atol=1e-6)
    assert kv.similar_by_vector(kv["w1"], topn=5) == by_vector
    assert kv.similar_by_word("w1", topn=5) == kv.most_similar("w1", topn=5)


def test_most_similar_mixes_keys_and_raw_vectors_like_gensim(kv):
    # raw vectors enter the sum unnormalised
    vector = 3.0 * kv["w2"]
    result = kv.most_similar(positive=["w1", vector], topn=3)
    query = _unit(_unit(kv["w1"].astype(float)) + vector)
    sims = kv.get_normed_vectors().astype(float) @ query
    sims[1] = -np.inf
    assert [w for w, _ in result] == [kv.index_to_key[i] for i in np.argsort(-sims)[:3]]


def test_most_similar_topn_none_returns_all_similarities(kv):
    sims = kv.most_similar("w1", topn=None)
    assert sims.shape == (60,)
    assert sims[1] == pytest.approx(1.0)
    assert kv.most_similar("w1", topn=None, restrict_vocab=10).shape == (10,)
    assert kv.most_similar("w1", topn=0) == []


def test_most_similar_topn_beyond_vocabulary_returns_all_other_keys(kv):
    result = kv.most_similar(["w1", "w2"], topn=100, restrict_vocab=10)
    assert sorted(w for w, _ in result) == sorted(
        f"w{i}" for i in range(10) if i not in (1, 2)
    )
    sims = [s for _, s in result]
    assert sims == sorted(sims, reverse=True)


def test_most_similar_rejects_bad_arguments(kv):
    with pytest.raises(ValueError, match="no input"):
        kv.most_similar()
    with pytest.raises(ValueError, match="restrict_vocab must be a positive int"):
        kv.most_similar("w1", restrict_vocab=0)
    with pytest.raises(TypeError, match="topn must be an int or None"):
        kv.most_similar("w1", topn=2.5)
    with pytest.raises(ValueError, match=r"shape \(8,\)"):
        kv.similar_by_vector(np.zeros(3))
    with pytest.raises(ValueError, match="one of each per query"):
        kv.most_similar_batch([["w1"], ["w2"]], [["w3"]])


@pytest.mark.parametrize(
    "positive, negative", [(["w1"], []), (["w1", "w2"], ["w3"]), (["w4"], ["w5", "w6"])]
)
def test_most_similar_cosmul_matches_brute_force(kv, positive, negative):
    result = kv.most_similar_cosmul(positive, negative, topn=7)
    _assert_same_results(result, _oracle_cosmul(kv, positive, negative, 7))


def test_most_similar_cosmul_honours_restrict_vocab(kv):
    result = kv.most_similar_cosmul(["w1", "w2"], ["w3"], topn=100, restrict_vocab=10)
    assert {w for w, _ in result} == {"w0", "w4", "w5", "w6", "w7", "w8", "w9"}
    with pytest.raises(ValueError, match="at least one positive"):
        kv.most_similar_cosmul(negative=["w1"])


def test_batch_queries_equal_single_queries(kv):
    positives = [["w1", "w2"], "w3", [kv["w4"]], ["w5"], ["w6", "w7", "w8"]]
    negatives = [["w9"], None, ["w10"], [], ["w11"]]
    batch = kv.most_similar_batch(positives, negatives, topn=6, restrict_vocab=50)
    singles = [
        kv.most_similar(p, n, topn=6, restrict_vocab=50)
        for p, n in zip(positives, negatives, strict=True)
    ]
    assert len(batch) == len(singles)
    for result, single in zip(batch, singles, strict=True):
        _assert_same_results(result, single, atol=1e-6)
    cosmul = kv.most_similar_cosmul_batch(positives, negatives, topn=6)
    for result, p, n in zip(cosmul, positives, negatives, strict=True):
        _assert_same_results(result, kv.most_similar_cosmul(p, n, topn=6), atol=1e-6)
    matrix = kv.most_similar_batch(positives, negatives, topn=None)
    assert matrix.shape == (5, 60)
    np.testing.assert_allclose(matrix[1], kv.most_similar("w3", topn=None), atol=1e-6)


def test_batch_queries_are_answered_in_chunks(kv, monkeypatch):
    import sklearn_w2v._keyedvectors.similarity as module

    positives = [[f"w{i}", f"w{i + 1}"] for i in range(30)]
    expected = kv.most_similar_batch(positives, topn=4)
    monkeypatch.setattr(module, "SCRATCH", 7 * 60 * 2)  # chunks of 7 queries
    _assert_same_results(
        sum(kv.most_similar_batch(positives, topn=4), []), sum(expected, []), 1e-6
    )


def test_similarity_distance_n_similarity_and_doesnt_match():
    kv = KeyedVectors(
        ["a", "b", "c", "d"], [[1.0, 0.0], [0.0, 2.0], [3.0, 3.0], [-1.0, 0.1]]
    )
    assert kv.similarity("a", "c") == pytest.approx(np.sqrt(0.5))
    assert kv.similarity("a", "b") == pytest.approx(0.0)
    assert kv.distance("a", "c") == pytest.approx(1 - np.sqrt(0.5))
    # the raw vectors are averaged: mean(a, b) = (0.5, 1.0), not (0.5, 0.5)
    assert kv.n_similarity(["a", "b"], ["c"]) == pytest.approx(1.5 / np.sqrt(1.25 * 2))
    assert kv.doesnt_match(["a", "b", "c", "d"]) == "d"
    with pytest.raises(ValueError, match="non-empty"):
        kv.n_similarity([], ["a"])


def test_doesnt_match_ignores_unknown_keys_with_a_warning_as_gensim():
    kv = KeyedVectors(
        ["a", "b", "c", "d"], [[1.0, 0.0], [0.0, 2.0], [3.0, 3.0], [-1.0, 0.1]]
    )
    with pytest.warns(UserWarning, match=r"ignores .*\['zebra', 'yak'\]"):
        assert kv.doesnt_match(["a", "zebra", "b", "c", "d", "yak"]) == "d"
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="at least one"):
        kv.doesnt_match(["zebra", "yak"])


# file formats


def test_load_text_fixture_written_by_the_c_tool():
    kv = KeyedVectors.load_word2vec_format(DATA / "tiny.txt")
    assert kv.index_to_key == TINY_KEYS
    np.testing.assert_array_equal(kv.vectors, TINY_VECTORS)


def test_load_headerless_glove_fixture():
    kv = KeyedVectors.load_word2vec_format(str(DATA / "tiny_glove.txt"))
    assert kv.index_to_key == TINY_KEYS
    np.testing.assert_array_equal(kv.vectors, TINY_VECTORS)


def test_load_binary_fixture():
    kv = KeyedVectors.load_word2vec_format(DATA / "tiny.bin", binary=True)
    assert kv.index_to_key == TINY_KEYS
    np.testing.assert_array_equal(kv.vectors, TINY_VECTORS)


def test_load_binary_entries_without_trailing_newline(tmp_path):
    # gensim writes no newline after each vector, the C tool does
    body = b"".join(
        k.encode() + b" " + struct.pack("<3f", *v)
        for k, v in zip(TINY_KEYS, TINY_VECTORS, strict=True)
    )
    path = tmp_path / "gensim_style.bin"
    path.write_bytes(b"4 3\n" + body)
    kv = KeyedVectors.load_word2vec_format(path, binary=True)
    assert kv.index_to_key == TINY_KEYS
    np.testing.assert_array_equal(kv.vectors, TINY_VECTORS)


def test_save_text_matches_documented_layout(tmp_path):
    kv = KeyedVectors(TINY_KEYS, TINY_VECTORS)
    kv.save_word2vec_format(tmp_path / "out.txt")
    assert (tmp_path / "out.txt").read_bytes() == (
        DATA / "tiny_glove.txt"
    ).read_bytes().replace(b"the", b"4 3\nthe", 1)


def test_save_binary_matches_c_tool_fixture_byte_for_byte(tmp_path):
    KeyedVectors(TINY_KEYS, TINY_VECTORS).save_word2vec_format(
        tmp_path / "out.bin", binary=True
    )
    assert (tmp_path / "out.bin").read_bytes() == (DATA / "tiny.bin").read_bytes()


def _awkward_vectors():
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((50, 7)).astype(np.float32)
    vectors[0] = [0.1, -0.0, 1e-38, 3.4e38, -1e-45, 1 / 3, np.pi]
    vectors[1:] *= np.float32(10.0) ** rng.integers(-20, 20, size=(49, 1))
    keys = ["naïve", "日本", "a\tb"] + [f"w{i}" for i in range(47)]
    return keys, vectors


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("suffix", ["", ".gz", ".bz2", ".xz", ".XZ"])
def test_round_trip_is_exact(tmp_path, binary, suffix):
    keys, vectors = _awkward_vectors()
    path = tmp_path / f"vectors{suffix}"
    KeyedVectors(keys, vectors).save_word2vec_format(path, binary=binary)
    loaded = KeyedVectors.load_word2vec_format(path, binary=binary)
    assert loaded.index_to_key == keys
    assert loaded.vectors.tobytes() == vectors.tobytes()  # bit-exact, -0.0 included


def test_saved_compressed_files_are_really_compressed(tmp_path):
    kv = KeyedVectors(TINY_KEYS, TINY_VECTORS)
    kv.save_word2vec_format(tmp_path / "v.txt.gz")
    kv.save_word2vec_format(tmp_path / "v.txt.bz2")
    kv.save_word2vec_format(tmp_path / "v.txt.xz")
    assert gzip.decompress((tmp_path / "v.txt.gz").read_bytes()).startswith(b"4 3\n")
    assert bz2.decompress((tmp_path / "v.txt.bz2").read_bytes()).startswith(b"4 3\n")
    assert lzma.decompress((tmp_path / "v.txt.xz").read_bytes()).startswith(b"4 3\n")


@pytest.mark.parametrize(
    "name, binary", [("tiny.txt", False), ("tiny_glove.txt", False), ("tiny.bin", True)]
)
def test_limit_reads_only_the_first_vectors(name, binary):
    kv = KeyedVectors.load_word2vec_format(DATA / name, binary=binary, limit=2)
    assert kv.index_to_key == TINY_KEYS[:2]
    np.testing.assert_array_equal(kv.vectors, TINY_VECTORS[:2])
    assert (
        len(KeyedVectors.load_word2vec_format(DATA / name, binary=binary, limit=9)) == 4
    )


def test_empty_vocabulary_round_trips(tmp_path):
    kv = KeyedVectors([], np.zeros((0, 5)))
    for binary in (False, True):
        kv.save_word2vec_format(tmp_path / "empty", binary=binary)
        loaded = KeyedVectors.load_word2vec_format(tmp_path / "empty", binary=binary)
        assert (len(loaded), loaded.vector_size) == (0, 5)
    assert kv.most_similar(np.ones(5)) == []


@pytest.mark.parametrize(
    "content, match",
    [
        (b"3 2\na 1 2\nb 1\nc 1 2\n", "line 3: expected a key and 2 values, found 1"),
        (b"a 1 2\nb 1 2 3\n", "line 2: expected a key and 2 values, found 3"),
        (b"2 2\na 1 2\n", "File ends after 1 vectors but the header declares 2"),
        (b"1 2\na 1 2\nb 3 4\n", "line 3: more vectors than the 1 declared"),
        (b"2 2\na 1 2\na 3 4\n", "line 3: duplicate key 'a', first seen at line 2"),
        (b"2 2\na 1 2\nb 1 x\n", "line 3: could not convert string to float"),
        (b"2 0\n", "line 1: vector_size must be at least 1"),
        (b"\n\n", "Empty file"),
        (b"1 2\n\xff\xfe 1 2\n", "line 2: cannot decode with encoding 'utf8'"),
    ],
)
def test_malformed_text_files_raise_naming_the_line(tmp_path, content, match):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match):
        KeyedVectors.load_word2vec_format(path)


def test_unicode_errors_replace_loads_undecodable_keys(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("1 2\ncafé 1 2\n".encode("latin-1"))
    kv = KeyedVectors.load_word2vec_format(path, unicode_errors="replace")
    assert kv.index_to_key == ["caf\ufffd"]
    kv = KeyedVectors.load_word2vec_format(path, encoding="latin-1")
    assert kv.index_to_key == ["café"]


def _tiny_binary():
    return (DATA / "tiny.bin").read_bytes()


@pytest.mark.parametrize(
    "content, match",
    [
        (_tiny_binary()[:-4], "byte offset 56: file truncated in vector 4 of the 4"),
        (_tiny_binary()[:60], "byte offset 56: file truncated in vector 4 of the 4"),
        (b"5 3" + _tiny_binary()[3:], "header '5 3' declares 5 vectors of dimension 3"),
        (b"four 3\n" + _tiny_binary()[4:], "not look like a word2vec file: line 1"),
        (b"4 3 " + _tiny_binary()[4:], "not look like a word2vec file: line 1"),
        (_tiny_binary().replace(b"of", b"\xff\xfe"), "byte offset 21: cannot decode"),
        (_tiny_binary().replace(b"and", b"the"), "byte offset 56: duplicate key 'the'"),
        (_tiny_binary() + b"extra", "byte offset 73: data after the 4 vectors"),
    ],
)
def test_malformed_binary_files_raise_naming_the_offset(tmp_path, content, match):
    path = tmp_path / "bad.bin"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match):
        KeyedVectors.load_word2vec_format(path, binary=True)


@pytest.mark.parametrize("key", ["two words", "line\nbreak", ""])
def test_save_rejects_keys_the_format_cannot_hold(tmp_path, key):
    kv = KeyedVectors(["ok", key], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Cannot write key"):
        kv.save_word2vec_format(tmp_path / "out.txt")


def test_load_rejects_non_positive_limit():
    with pytest.raises(ValueError, match="limit must be a positive int"):
        KeyedVectors.load_word2vec_format(DATA / "tiny.txt", limit=0)


# compatibility with gensim


def _gensim_kv(keys, vectors):
    gensim_models = pytest.importorskip("gensim.models")
    gkv = gensim_models.KeyedVectors(vectors.shape[1])
    gkv.add_vectors(keys, vectors)
    return gkv


@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_our_files(tmp_path, binary):
    gensim_models = pytest.importorskip("gensim.models")
    keys, vectors = _awkward_vectors()
    KeyedVectors(keys, vectors).save_word2vec_format(tmp_path / "ours", binary=binary)
    gkv = gensim_models.KeyedVectors.load_word2vec_format(
        tmp_path / "ours", binary=binary
    )
    assert gkv.index_to_key == keys
    assert gkv.vectors.tobytes() == vectors.tobytes()


@pytest.mark.parametrize("binary", [False, True])
def test_we_read_gensim_files(tmp_path, binary):
    keys, vectors = _awkward_vectors()
    _gensim_kv(keys, vectors).save_word2vec_format(tmp_path / "theirs", binary=binary)
    kv = KeyedVectors.load_word2vec_format(tmp_path / "theirs", binary=binary)
    assert kv.index_to_key == keys
    assert kv.vectors.tobytes() == vectors.tobytes()


def test_text_output_is_byte_identical_to_gensim(tmp_path):
    keys, vectors = _awkward_vectors()
    _gensim_kv(keys, vectors).save_word2vec_format(tmp_path / "theirs.txt")
    KeyedVectors(keys, vectors).save_word2vec_format(tmp_path / "ours.txt")
    assert (tmp_path / "ours.txt").read_bytes() == (
        tmp_path / "theirs.txt"
    ).read_bytes()


def test_gensim_reads_our_fixtures_the_same():
    gensim_models = pytest.importorskip("gensim.models")
    load = gensim_models.KeyedVectors.load_word2vec_format
    for gkv in (
        load(DATA / "tiny.txt"),
        load(DATA / "tiny.bin", binary=True),
        load(DATA / "tiny_glove.txt", no_header=True),
    ):
        assert gkv.index_to_key == TINY_KEYS
        np.testing.assert_array_equal(gkv.vectors, TINY_VECTORS)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim calls init_sims
def test_queries_match_gensim(kv):
    gkv = _gensim_kv(kv.index_to_key, kv.vectors)
    for positive, negative, restrict_vocab in [
        (["w1", "w2"], ["w3"], None),
        (["w4"], [], 30),
        ([kv["w5"], "w6"], ["w7"], None),
    ]:
        _assert_same_results(
            kv.most_similar(positive, negative, topn=8, restrict_vocab=restrict_vocab),
            gkv.most_similar(positive, negative, topn=8, restrict_vocab=restrict_vocab),
        )
    _assert_same_results(
        kv.most_similar_cosmul(["w1", "w2"], ["w3"], topn=8),
        gkv.most_similar_cosmul(["w1", "w2"], ["w3"], topn=8),
    )
    np.testing.assert_allclose(
        kv.most_similar_cosmul(["w1"], ["w3"], topn=None),
        gkv.most_similar_cosmul(["w1"], ["w3"], topn=None),
        rtol=1e-5,
    )
    assert kv.similarity("w1", "w2") == pytest.approx(gkv.similarity("w1", "w2"))
    assert kv.n_similarity(["w1", "w2"], ["w3"]) == pytest.approx(
        gkv.n_similarity(["w1", "w2"], ["w3"]), abs=1e-6
    )
    words = [f"w{i}" for i in range(10)]
    assert kv.doesnt_match(words) == gkv.doesnt_match(words)


# KeyedVectors' own format, read without pickle


def test_save_and_load_round_trip_keys_vectors_dtype_and_attributes(tmp_path):
    keys = ["the", "café", "caf\udce9", "and"]  # a surrogate escape survives too
    kv = KeyedVectors(keys, TINY_VECTORS, counts=[9, 5, 2, 7], dtype=np.float64)
    kv.set_vecattr("and", "score", 0.5)
    path = tmp_path / "vectors.kv"
    kv.save(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors.kv"]
    loaded = KeyedVectors.load(path)
    assert loaded.index_to_key == keys
    assert loaded.vectors.dtype == np.float64
    np.testing.assert_array_equal(loaded.vectors, kv.vectors)
    assert [loaded.get_vecattr(k, "count") for k in keys] == [9, 5, 2, 7]
    assert [loaded.get_vecattr(k, "score") for k in keys] == [0.0, 0.0, 0.0, 0.5]
    assert loaded.most_similar("the", topn=2) == kv.most_similar("the", topn=2)


def test_load_never_unpickles(tmp_path, monkeypatch):
    path = tmp_path / "vectors.kv"
    KeyedVectors(TINY_KEYS, TINY_VECTORS).save(path)
    seen = []
    real_load = np.load
    monkeypatch.setattr(
        np, "load", lambda *a, **k: seen.append(k) or real_load(*a, **k)
    )
    KeyedVectors.load(path)
    assert seen and all(k.get("allow_pickle") is False for k in seen)
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(pickle.dumps(KeyedVectors(TINY_KEYS, TINY_VECTORS)))
    with pytest.raises(ValueError, match=r"model\.pkl: not a file written by"):
        KeyedVectors.load(pickled)
    with pytest.raises(FileNotFoundError):
        KeyedVectors.load(tmp_path / "missing.kv")


def test_load_rejects_archives_it_did_not_write(tmp_path):
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, vectors=TINY_VECTORS)
    with pytest.raises(ValueError, match=r"foreign\.npz: .*not one written by"):
        KeyedVectors.load(foreign)
    objects = tmp_path / "objects.npz"
    np.savez(objects, header=np.array([{"a": 1}], dtype=object), vectors=TINY_VECTORS)
    with pytest.raises(ValueError, match=r"objects\.npz: .*allow_pickle"):
        KeyedVectors.load(objects)


def test_save_refuses_object_attributes_and_leaves_the_old_file(tmp_path):
    path = tmp_path / "vectors.kv"
    kv = KeyedVectors(TINY_KEYS, TINY_VECTORS)
    kv.save(path)
    previous = path.read_bytes()
    kv.set_vecattr("the", "tag", "noun")
    with pytest.raises(ValueError, match="attribute 'tag': it holds Python objects"):
        kv.save(path)
    assert path.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors.kv"]


def test_save_replaces_the_file_only_once_complete(tmp_path, monkeypatch):
    path = tmp_path / "vectors.kv"
    KeyedVectors(TINY_KEYS, TINY_VECTORS).save(path)
    previous = path.read_bytes()

    def write_part_then_fail(fout, **arrays):
        fout.write(b"PK partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", write_part_then_fail)
    with pytest.raises(OSError, match="No space left"):
        KeyedVectors(["x"], [[1.0, 2.0, 3.0]]).save(path)
    assert path.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors.kv"]


def test_vectors_without_counts_copy_no_attributes_and_write_no_vocabulary(tmp_path):
    # gensim makes up counts for such vectors; here they have none: nothing to
    # copy, and no vocabulary file rather than one of made-up counts
    kv = KeyedVectors(TINY_KEYS, TINY_VECTORS)
    subset = kv.vectors_for_all(["and", "zebra", "the"], copy_vecattrs=True)
    assert subset.index_to_key == ["and", "the"]
    with pytest.raises(KeyError, match="No attribute 'count'"):
        subset.get_vecattr("and", "count")
    vectors, vocab = tmp_path / "vectors.txt", tmp_path / "vocab.txt"
    with pytest.raises(ValueError, match=r"vocab\.txt: the keys have no 'count'"):
        kv.save_word2vec_format(vectors, fvocab=vocab)
    assert list(tmp_path.iterdir()) == []


def test_save_gives_new_files_the_umask_mode_and_keeps_an_old_files_mode(tmp_path):
    kv = KeyedVectors(TINY_KEYS, TINY_VECTORS)
    umask = os.umask(0o022)
    try:
        kv.save(tmp_path / "new.kv")
        old = tmp_path / "old.kv"
        old.write_bytes(b"previous")
        old.chmod(0o640)
        kv.save(old)
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.kv").stat().st_mode) == 0o644
    assert stat.S_IMODE(old.stat().st_mode) == 0o640
    with pytest.raises(FileNotFoundError, match=r"no/such/folder/new\.kv"):
        kv.save(tmp_path / "no" / "such" / "folder" / "new.kv")
    assert KeyedVectors.load(old).index_to_key == TINY_KEYS


# subwords: vectors for unseen words through their character n-grams


def _subwords(n_buckets=40, vector_size=5, every=2):
    """Subwords whose rows are those of every `every`-th bucket, others missing."""
    rng = np.random.default_rng(1)
    buckets = np.arange(0, n_buckets, every)
    vectors = rng.standard_normal((len(buckets), vector_size))
    return Subwords(3, 4, n_buckets, buckets, vectors)


def _reference_vector(subwords, word):
    """Mean of the rows of the word's n-grams that have one, one n-gram at a time."""
    rows = dict(zip(subwords.buckets.tolist(), subwords.vectors, strict=True))
    hashes = fasttext_hash(word_ngrams(word, subwords.min_n, subwords.max_n))
    present = [rows[b] for b in (hashes % subwords.n_buckets).tolist() if b in rows]
    return np.mean(present, axis=0) if present else None


def _no_vector_word(subwords):
    """A short word none of whose n-grams has a row."""
    candidates = ("q", "zz", "xq", "qj", "jx", "vq", "kz", "zq")
    return next(w for w in candidates if _reference_vector(subwords, w) is None)


@pytest.fixture(scope="module")
def subword_kv():
    subwords = _subwords()
    keys = ["cat", "dog", "cats", "car", "bus"]
    own = np.random.default_rng(2).standard_normal((len(keys), 5)).astype(np.float32)
    return KeyedVectors(keys, subwords.compose(keys, own), subwords=subwords)


def test_subwords_vectors_of_average_the_present_ngram_rows_repeats_counted():
    subwords = _subwords()
    words = ["catz", "aaaaaa", "dogs", "x", ""]
    vectors, found = subwords.vectors_of(words)
    assert vectors.dtype == np.float32 and found.dtype == bool
    for word, vector, ok in zip(words, vectors, found, strict=True):
        expected = _reference_vector(subwords, word)
        assert ok == (expected is not None), word
        if ok:
            np.testing.assert_allclose(vector, expected, rtol=1e-6)
        else:
            np.testing.assert_array_equal(vector, 0.0)
    # "<aaaaaa>" has "aaa" four times: the mean weighs it four times.
    assert word_ngrams("aaaaaa", 3, 4).count("aaa") == 4


def test_subwords_without_a_row_find_nothing():
    subwords = Subwords(3, 6, 100, np.zeros(0, np.int64), np.zeros((0, 2)))
    vectors, found = subwords.vectors_of(["cat", "dog"])
    assert not found.any() and vectors.shape == (2, 2)


def test_subwords_compose_averages_own_row_and_ngram_rows():
    subwords = _subwords()
    own = np.arange(10, dtype=np.float32).reshape(2, 5)
    composed = subwords.compose(["cat", "dogs"], own.copy())
    for i, word in enumerate(["cat", "dogs"]):
        rows = dict(zip(subwords.buckets.tolist(), subwords.vectors, strict=True))
        hashes = fasttext_hash(word_ngrams(word, 3, 4)) % 40
        present = [rows[b] for b in hashes.tolist() if b in rows]
        expected = (own[i] + np.sum(present, axis=0)) / (1 + len(present))
        np.testing.assert_allclose(composed[i], expected, rtol=1e-6)


@pytest.mark.parametrize(
    "args, match",
    [
        ((3, 4, 0, [], np.zeros((0, 2))), "n_buckets"),
        ((-1, 4, 10, [], np.zeros((0, 2))), "min_n"),
        ((3, 4, 10, [2, 1], np.zeros((2, 2))), "sorted"),
        ((3, 4, 10, [1, 10], np.zeros((2, 2))), "sorted"),
        ((3, 4, 10, [1, 2], np.zeros((3, 2))), "one row per bucket"),
    ],
)
def test_subwords_reject_invalid_input(args, match):
    with pytest.raises(ValueError, match=match):
        Subwords(*args)


def test_keyed_vectors_reject_subwords_of_another_size():
    with pytest.raises(ValueError, match="size 5"):
        KeyedVectors(["a"], [[1.0, 2.0]], subwords=_subwords())
    with pytest.raises(TypeError, match="Subwords"):
        KeyedVectors(["a"], [[1.0, 2.0]], subwords=(3, 6))


def test_unseen_words_get_their_ngram_vectors(subword_kv):
    kv = subword_kv
    expected = _reference_vector(kv.subwords, "catz")
    np.testing.assert_allclose(kv["catz"], expected, rtol=1e-6)
    np.testing.assert_allclose(kv.get_vector("catz"), expected, rtol=1e-6)
    np.testing.assert_allclose(
        kv.get_vector("catz", norm=True), _unit(expected), rtol=1e-6
    )
    matrix = kv[["dog", "catz", "cat"]]
    np.testing.assert_array_equal(matrix[[0, 2]], kv.vectors[[1, 0]])
    np.testing.assert_allclose(matrix[1], expected, rtol=1e-6)
    assert not kv.get_vector("catz").flags.writeable


def test_in_means_has_a_vector_and_has_index_for_means_in_the_vocabulary(subword_kv):
    kv = subword_kv
    no_vector = _no_vector_word(kv.subwords)
    assert "cat" in kv and kv.has_index_for("cat")
    assert "catz" in kv and not kv.has_index_for("catz")
    assert no_vector not in kv and 3 not in kv
    for call in (kv.__getitem__, kv.get_vector, lambda w: kv[[w]]):
        with pytest.raises(KeyError, match=f"{no_vector}.*none of its character"):
            call(no_vector)


def test_without_subwords_unseen_words_still_raise(kv):
    assert kv.subwords is None and "catz" not in kv
    with pytest.raises(KeyError, match="not present"):
        kv["catz"]


def test_queries_accept_unseen_words_without_returning_them(subword_kv):
    kv = subword_kv
    vector = kv.get_vector("catz", norm=True)
    result = kv.most_similar("catz", topn=None)
    np.testing.assert_allclose(result, kv.most_similar([vector], topn=None), rtol=1e-6)
    assert "catz" not in [w for w, _ in kv.most_similar("catz")]
    assert len(kv.most_similar("catz")) == len(kv)  # no key of the query excluded
    weighted = kv.most_similar([("catz", 2.0), "dog"], negative=["busz"], topn=None)
    expected = kv.most_similar(
        [(vector, 2.0), "dog"], negative=[kv.get_vector("busz", norm=True)], topn=None
    )
    np.testing.assert_allclose(weighted, expected, rtol=1e-6)
    assert kv.most_similar_cosmul("catz", topn=1)[0][0] in kv.index_to_key
    assert kv.similarity("catz", "cat") == pytest.approx(
        float(_unit(kv["catz"].astype(float)) @ _unit(kv["cat"].astype(float)))
    )
    assert kv.n_similarity(["catz"], ["cat"]) == pytest.approx(
        kv.similarity("catz", "cat")
    )
    assert kv.distances("catz", ["cat"])[0] == pytest.approx(kv.distance("catz", "cat"))


def test_doesnt_match_uses_unseen_words_and_warns_only_for_those_without_vector(
    subword_kv,
):
    kv = subword_kv
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kv.doesnt_match(["cat", "catz", "dog"]) in ("cat", "catz", "dog")
    no_vector = _no_vector_word(kv.subwords)
    with pytest.warns(UserWarning, match=f"ignores .*{no_vector}"):
        kv.doesnt_match(["cat", "dog", no_vector])


def test_vectors_for_all_infers_unseen_words(subword_kv):
    kv = subword_kv
    no_vector = _no_vector_word(kv.subwords)
    subset = kv.vectors_for_all(["catz", "dog", no_vector, "catz"], copy_vecattrs=True)
    assert subset.index_to_key == ["catz", "dog"] and subset.subwords is None
    np.testing.assert_array_equal(subset["catz"], kv["catz"])
    plain = kv.vectors_for_all(["catz", "dog"], allow_inference=False)
    assert plain.index_to_key == ["dog"]


def test_subwords_survive_pickle_and_save_load(subword_kv, tmp_path):
    kv = subword_kv
    for loaded in (
        pickle.loads(pickle.dumps(kv)),
        _saved_and_loaded(kv, tmp_path / "subwords.kv"),
    ):
        subwords = loaded.subwords
        assert (subwords.min_n, subwords.max_n, subwords.n_buckets) == (3, 4, 40)
        np.testing.assert_array_equal(subwords.buckets, kv.subwords.buckets)
        np.testing.assert_array_equal(subwords.vectors, kv.subwords.vectors)
        np.testing.assert_array_equal(loaded["catz"], kv["catz"])
    with np.load(tmp_path / "subwords.kv", allow_pickle=False) as archive:
        assert {"subword_buckets", "subword_vectors"} <= set(archive.files)


def _saved_and_loaded(kv, path):
    kv.save(path)
    return KeyedVectors.load(path)


def test_files_without_subwords_keep_version_1(tmp_path):
    KeyedVectors(["a"], [[1.0, 2.0]]).save(tmp_path / "plain.kv")
    with np.load(tmp_path / "plain.kv", allow_pickle=False) as archive:
        header = archive["header"].tobytes().decode("ascii")
    assert '"version": 1' in header and "subword" not in header
    assert KeyedVectors.load(tmp_path / "plain.kv").subwords is None


def test_pickles_made_before_subwords_load_without_them(kv):
    state = kv.__getstate__()
    del state["subwords"]
    old = KeyedVectors.__new__(KeyedVectors)
    old.__setstate__(state)
    assert old.subwords is None and "catz" not in old


def test_save_word2vec_format_writes_the_vocabulary_only(subword_kv, tmp_path):
    subword_kv.save_word2vec_format(tmp_path / "vectors.txt")
    loaded = KeyedVectors.load_word2vec_format(tmp_path / "vectors.txt")
    assert loaded.index_to_key == subword_kv.index_to_key
    np.testing.assert_allclose(loaded.vectors, subword_kv.vectors)
    assert "catz" not in loaded
