"""Tests of the bundled State of the Union loader."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.utils import Bunch

from sklearn_w2v.datasets import load_sotu


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
