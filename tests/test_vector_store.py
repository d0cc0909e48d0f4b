"""Editing KeyedVectors: adding and replacing vectors, per-key attributes, counts."""

import pickle

import numpy as np
import pytest

from sklearn_w2v import KeyedVectors


@pytest.fixture
def kv():
    return KeyedVectors(
        ["a", "b", "c"], [[1.0, 0.0], [0.0, 2.0], [3.0, 3.0]], counts=[10, 30, 20]
    )


def test_add_vectors_appends_new_keys_and_keeps_old_vectors(kv):
    kv.get_normed_vectors()
    kv.add_vectors(["b", "d", "e"], np.array([[9.0, 9.0], [0.0, -1.0], [2.0, 0.0]]))
    assert kv.index_to_key == ["a", "b", "c", "d", "e"]
    assert kv.key_to_index == {"a": 0, "b": 1, "c": 2, "d": 3, "e": 4}
    np.testing.assert_array_equal(kv["b"], [0.0, 2.0])
    np.testing.assert_array_equal(kv[["d", "e"]], [[0.0, -1.0], [2.0, 0.0]])
    assert kv.vectors.dtype == np.float32
    # the norm cache was cleared: the new keys are found
    assert kv.most_similar("a", topn=1) == [("e", 1.0)]
    assert [kv.get_vecattr(k, "count") for k in "abcde"] == [10, 30, 20, 0, 0]


def test_add_vectors_replace_overwrites_vectors_and_extras(kv):
    kv.add_vectors(["c", "d"], [[5.0, 5.0], [1.0, 1.0]], {"count": [1, 2]}, True)
    np.testing.assert_array_equal(kv.vectors, [[1, 0], [0, 2], [5, 5], [1, 1]])
    assert [kv.get_vecattr(k, "count") for k in "abcd"] == [10, 30, 1, 2]


def test_add_vectors_never_writes_into_a_shared_array():
    vectors = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    kv = KeyedVectors(["a", "b"], vectors)
    assert np.shares_memory(kv.vectors, vectors)
    kv["a"] = [7.0, 7.0]
    np.testing.assert_array_equal(vectors, [[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(kv["a"], [7.0, 7.0])


def test_setitem_adds_and_replaces_one_key_or_several(kv):
    kv["new"] = np.array([4.0, 4.0])
    assert len(kv) == 4
    np.testing.assert_array_equal(kv["new"], [4.0, 4.0])
    kv["a"] = [0.5, 0.5]
    assert len(kv) == 4
    np.testing.assert_array_equal(kv["a"], [0.5, 0.5])
    kv[["a", "x", "y", "c"]] = [[1, 1], [2, 2], [3, 3], [4, 4]]
    assert kv.index_to_key == ["a", "b", "c", "new", "x", "y"]
    np.testing.assert_array_equal(
        kv[["a", "x", "y", "c"]], [[1, 1], [2, 2], [3, 3], [4, 4]]
    )


def test_an_empty_instance_grows_like_gensims():
    kv = KeyedVectors([], np.zeros((0, 3)))
    for i in range(3):
        kv.add_vectors(f"k{i}", np.full(3, i, dtype=np.float64))
    assert kv.index_to_key == ["k0", "k1", "k2"]
    assert kv.vectors.dtype == np.float32
    np.testing.assert_array_equal(kv["k2"], [2.0, 2.0, 2.0])


@pytest.mark.parametrize(
    "keys, weights, error, match",
    [
        (["d", "d"], np.zeros((2, 2)), ValueError, "'d' occurs twice"),
        (["d"], np.zeros((1, 3)), ValueError, r"shape \(1, 2\)"),
        (["d", "e"], np.zeros((1, 2)), ValueError, r"shape \(2, 2\)"),
        ([1], np.zeros((1, 2)), TypeError, "keys must be str"),
    ],
)
def test_add_vectors_rejects_bad_input(kv, keys, weights, error, match):
    with pytest.raises(error, match=match):
        kv.add_vectors(keys, weights)
    assert len(kv) == 3


def test_vecattrs_are_typed_by_their_first_value(kv):
    kv.set_vecattr("a", "count", 11)
    kv.set_vecattr("b", "weight", 0.25)
    kv.set_vecattr("c", "tag", "noun")
    assert kv.get_vecattr("a", "count") == 11
    assert type(kv.get_vecattr("a", "count")) is int
    assert kv.get_vecattr("b", "weight") == 0.25 and kv.get_vecattr("a", "weight") == 0
    assert kv.get_vecattr("c", "tag") == "noun"
    with pytest.raises(TypeError, match="Cannot set 'count' to 0.5"):
        kv.set_vecattr("a", "count", 0.5)
    with pytest.raises(KeyError, match="No attribute 'colour'"):
        kv.get_vecattr("a", "colour")
    with pytest.raises(KeyError, match="'zebra' not present"):
        kv.get_vecattr("zebra", "count")


def test_without_counts_there_is_no_count_attribute():
    kv = KeyedVectors(["a"], [[1.0]])
    with pytest.raises(KeyError, match="No attribute 'count'.*fvocab"):
        kv.get_vecattr("a", "count")
    with pytest.raises(KeyError, match="No attribute 'count' to sort by"):
        kv.sort_by_descending_frequency()


@pytest.mark.parametrize("counts", [[1, 2], [1, 2, -3], [1.5, 2, 3]])
def test_counts_must_be_one_non_negative_int_per_key(counts):
    with pytest.raises(ValueError, match="counts must be 3 non-negative integers"):
        KeyedVectors(["a", "b", "c"], np.zeros((3, 2)), counts=counts)


def test_sort_by_descending_frequency_reorders_everything(kv):
    kv.set_vecattr("a", "tag", "first")
    kv.sort_by_descending_frequency()
    assert kv.index_to_key == ["b", "c", "a"]
    assert kv.key_to_index == {"b": 0, "c": 1, "a": 2}
    np.testing.assert_array_equal(kv.vectors, [[0, 2], [3, 3], [1, 0]])
    assert kv.get_vecattr("a", "tag") == "first"
    assert kv.most_similar("b", topn=1)[0][0] == "c"


def test_sort_breaks_ties_like_gensim():
    # gensim 4.4 sorts with lexsort((-index, -count)): later rows first on ties
    kv = KeyedVectors(list("abcd"), np.eye(4), counts=[1, 5, 1, 5])
    kv.sort_by_descending_frequency()
    assert kv.index_to_key == ["d", "b", "c", "a"]


def test_vectors_for_all_keeps_known_keys_once_in_order(kv):
    subset = kv.vectors_for_all(["c", "zebra", "a", "c"])
    assert type(subset) is KeyedVectors
    assert subset.index_to_key == ["c", "a"]
    np.testing.assert_array_equal(subset.vectors, kv[["c", "a"]])
    with pytest.raises(KeyError):
        subset.get_vecattr("c", "count")
    copied = kv.vectors_for_all(["c", "a"], copy_vecattrs=True)
    assert [copied.get_vecattr(k, "count") for k in "ca"] == [20, 10]


def test_unit_normalize_all_replaces_the_vectors(kv):
    kv.unit_normalize_all()
    np.testing.assert_allclose(np.linalg.norm(kv.vectors, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(kv["c"], [np.sqrt(0.5)] * 2, rtol=1e-6)
    kv.vectors[0] = [2.0, 0.0]  # still writable


def test_has_index_for_agrees_with_contains(kv):
    assert kv.has_index_for("a") and "a" in kv
    assert not kv.has_index_for("zebra") and "zebra" not in kv
    assert not kv.has_index_for(0)  # keys are strings only, unlike gensim


def test_pickle_keeps_counts_and_dtype(kv):
    kv16 = KeyedVectors(kv.index_to_key, kv.vectors, counts=[1, 2, 3], dtype=np.float16)
    loaded = pickle.loads(pickle.dumps(kv16))
    assert loaded.vectors.dtype == np.float16
    assert loaded.get_vecattr("c", "count") == 3
    loaded["d"] = [1.0, 1.0]
    assert loaded.get_vecattr("d", "count") == 0


def test_unsupported_dtype_is_rejected():
    with pytest.raises(ValueError, match="dtype must be float16, float32 or float64"):
        KeyedVectors(["a"], [[1.0]], dtype=np.int64)


def test_fitted_vectorizer_vectors_carry_word_counts(fitted_vectorizer):
    wv = fitted_vectorizer.wv_
    counts = [wv.get_vecattr(word, "count") for word in wv.index_to_key]
    np.testing.assert_array_equal(counts, fitted_vectorizer.word_counts_)
    assert counts == sorted(counts, reverse=True)
