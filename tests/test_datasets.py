"""Tests of the bundled State of the Union loader."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.utils import Bunch

from sklearn_w2v.datasets import load_sotu, load_sotu_passages


@pytest.fixture(scope="module")
def sotu():
    return load_sotu()


def test_load_sotu_bunch(sotu):
    assert isinstance(sotu, Bunch)
    assert len(sotu.data) == 233
    assert all(isinstance(text, str) and text.strip() for text in sotu.data)
    assert len(sotu.president) == len(sotu.party) == 233
    assert sotu.target.shape == sotu.year.shape == (233,)
    assert sotu.target.dtype == sotu.year.dtype == np.int64
    assert sotu.target_names == ["1790-1860", "1861-1932", "1933-2021"]


def test_load_sotu_sorted_by_year(sotu):
    assert np.all(np.diff(sotu.year) >= 0)
    assert sotu.year[0] == 1790 and sotu.president[0] == "George Washington"
    assert sotu.year[-1] == 2021


def test_load_sotu_target_matches_years_and_names(sotu):
    assert set(np.unique(sotu.target)) == {0, 1, 2}
    for label, name in enumerate(sotu.target_names):
        first, last = map(int, name.split("-"))
        years = sotu.year[sotu.target == label]
        assert np.all((years >= first) & (years <= last)), name
        in_range = (sotu.year >= first) & (sotu.year <= last)
        assert_array_equal(sotu.target[in_range], label)
    # Every class is a sizeable share: a real three-class problem.
    assert np.bincount(sotu.target).min() >= 50


def test_load_sotu_return_X_y(sotu):
    X, y = load_sotu(return_X_y=True)
    assert X == sotu.data
    assert_array_equal(y, sotu.target)


def test_load_sotu_descr(sotu):
    assert isinstance(sotu.DESCR, str)
    assert "State of the Union" in sotu.DESCR
    assert "233" in sotu.DESCR


def test_vectorizer_on_a_slice_of_sotu(sotu):
    from sklearn_w2v import Word2VecVectorizer

    speeches = sotu.data[:4]
    vectorizer = Word2VecVectorizer(
        n_components=8, min_count=3, epochs=1, random_state=0
    )
    X = vectorizer.fit_transform(speeches)
    assert X.shape == (4, 8)
    assert np.all(np.isfinite(X)) and np.all(np.any(X != 0, axis=1))
    assert {"congress", "united", "states"} <= set(vectorizer.vocabulary_)


# Passages, labelled by era, split by address


@pytest.fixture(scope="module")
def passages():
    return {
        subset: load_sotu_passages(subset=subset) for subset in ("train", "test", "all")
    }


def test_load_sotu_passages_split_by_address(sotu, passages):
    train, test = passages["train"], passages["test"]
    assert not set(train.address) & set(test.address)
    # Every 4th address in chronological order is a test address.
    assert_array_equal(np.unique(test.address), np.arange(3, 233, 4))
    assert len(np.unique(train.address)) == 175
    assert len(train.data) + len(test.data) == len(passages["all"].data)
    assert_array_equal(np.unique(passages["all"].address), np.arange(233))
    # Every era is in both subsets.
    for subset in (train, test):
        assert np.bincount(subset.target, minlength=3).min() > 1000


def test_load_sotu_passages_labels_are_their_address(sotu, passages):
    data = passages["all"]
    assert len(data.data) == len(data.target) == len(data.address) == len(data.year)
    assert data.target.dtype == data.address.dtype == data.year.dtype == np.int64
    assert_array_equal(data.target, sotu.target[data.address])
    assert_array_equal(data.year, sotu.year[data.address])
    assert data.target_names == sotu.target_names
    assert np.all(np.diff(data.address) >= 0)


def test_load_sotu_passages_cut_the_addresses_without_loss(sotu, passages):
    data = passages["all"]
    for k in (0, 100, 232):
        cut = [p for p, a in zip(data.data, data.address, strict=True) if a == k]
        assert len(cut) > 10
        assert " ".join(cut).split() == sotu.data[k].split()


def test_load_sotu_passages_are_about_fifty_words(passages):
    lengths = np.array([len(passage.split()) for passage in passages["all"].data])
    assert lengths.min() > 0
    assert 40 <= np.median(lengths) <= 60
    # A passage gathers whole sentences: it ends where a sentence ends.
    ends = [passage.rstrip()[-1] for passage in passages["all"].data]
    assert np.mean([end in '.!?"' for end in ends]) > 0.99


def test_load_sotu_passages_return_X_y_and_descr(passages):
    X, y = load_sotu_passages(subset="test", return_X_y=True)
    assert X == passages["test"].data
    assert_array_equal(y, passages["test"].target)
    assert "by address" in passages["train"].DESCR


def test_load_sotu_passages_bad_subset():
    with pytest.raises(ValueError, match="subset must be 'train', 'test' or 'all'"):
        load_sotu_passages(subset="validation")
