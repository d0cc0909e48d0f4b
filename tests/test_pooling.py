"""Unit tests of the pooling kernels against per-document loops."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.feature_extraction.text import TfidfVectorizer

from sklearn_w2v._pooling import (
    POOLINGS,
    FirstComponent,
    document_frequency,
    idf_from_frequency,
    max_pool_documents,
    pool_documents,
    sif_pool,
    sif_weights,
    top_eigenvector,
)

N_WORDS, N_COMPONENTS = 12, 5


def smooth_idf(ids, offsets, n_words):
    return idf_from_frequency(
        document_frequency(ids, offsets, n_words), len(offsets) - 1
    )


def first_component(pooled):
    return top_eigenvector(pooled.T.astype(np.float64) @ pooled)


def _random_documents(seed=0, dtype=np.float32):
    """ids, offsets, vectors, weights with empty documents first, inside and last."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 7, size=15)
    lengths[[0, 7, -1]] = 0
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    ids = rng.integers(0, N_WORDS, size=offsets[-1])
    ids[:3] = ids[offsets[1]]  # a document with a repeated word
    vectors = rng.standard_normal((N_WORDS, N_COMPONENTS)).astype(dtype)
    weights = rng.uniform(0.5, 2.0, size=N_WORDS)
    return ids, offsets, vectors, weights


def _documents(ids, offsets):
    return [ids[offsets[k] : offsets[k + 1]] for k in range(len(offsets) - 1)]


def test_poolings_listed():
    assert POOLINGS == ("mean", "sum", "max", "tfidf", "sif")


@pytest.mark.parametrize("normalize", [None, "count", "weight"])
@pytest.mark.parametrize("weighted", [False, True])
def test_pool_documents_matches_loop(normalize, weighted):
    ids, offsets, vectors, weights = _random_documents()
    word_weights = weights if weighted else None
    pooled = pool_documents(
        ids, offsets, vectors, word_weights=word_weights, normalize=normalize
    )
    V = vectors.astype(np.float64)
    expected = np.zeros((len(offsets) - 1, N_COMPONENTS))
    for k, document in enumerate(_documents(ids, offsets)):
        if len(document) == 0:
            continue
        w = weights[document] if weighted else np.ones(len(document))
        total = {None: 1.0, "count": len(document), "weight": w.sum()}[normalize]
        expected[k] = w @ V[document] / total
    assert pooled.shape == expected.shape
    assert pooled.dtype == np.float32
    assert_allclose(pooled, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pool_documents_keeps_dtype(dtype):
    ids, offsets, vectors, weights = _random_documents(dtype=dtype)
    for normalize in (None, "count", "weight"):
        pooled = pool_documents(
            ids, offsets, vectors, word_weights=weights, normalize=normalize
        )
        assert pooled.dtype == dtype
        assert isinstance(pooled, np.ndarray)


def test_pool_documents_repeated_words_accumulate():
    vectors = np.array([[1.0, 2.0], [10.0, 0.0]])
    pooled = pool_documents(np.array([0, 0, 0, 1]), np.array([0, 4]), vectors)
    assert_array_equal(pooled, [[13.0, 6.0]])
    mean = pool_documents(
        np.array([0, 0, 0, 1]), np.array([0, 4]), vectors, normalize="count"
    )
    assert_allclose(mean, [[13.0 / 4, 6.0 / 4]])


def test_pool_documents_zero_rows_for_empty_documents():
    vectors = np.ones((3, 2), dtype=np.float32)
    ids = np.array([], dtype=np.int64)
    for normalize in (None, "count", "weight"):
        pooled = pool_documents(
            ids,
            np.zeros(4, dtype=np.int64),
            vectors,
            word_weights=np.ones(3),
            normalize=normalize,
        )
        assert_array_equal(pooled, np.zeros((3, 2)))
    assert pool_documents(ids, np.array([0]), vectors).shape == (0, 2)


def test_max_pool_documents_matches_loop():
    ids, offsets, vectors, _ = _random_documents(seed=1)
    pooled = max_pool_documents(ids, offsets, vectors)
    expected = np.array(
        [
            vectors[document].max(axis=0) if len(document) else np.zeros(N_COMPONENTS)
            for document in _documents(ids, offsets)
        ]
    )
    assert pooled.dtype == vectors.dtype
    assert_array_equal(pooled, expected)


def test_max_pool_documents_negative_vectors_and_edge_cases():
    vectors = -np.arange(1.0, 7.0).reshape(3, 2)
    # Negative maxima are kept, not clipped at 0 by the zero rows of empty docs.
    pooled = max_pool_documents(np.array([1, 2]), np.array([0, 0, 2, 2]), vectors)
    assert_array_equal(pooled, [[0.0, 0.0], [-3.0, -4.0], [0.0, 0.0]])
    single = max_pool_documents(np.array([2]), np.array([0, 1]), vectors)
    assert_array_equal(single, [[-5.0, -6.0]])
    assert max_pool_documents(np.array([], int), np.array([0]), vectors).shape == (
        0,
        2,
    )


def test_smooth_idf_matches_tfidf_vectorizer():
    ids, offsets, _, _ = _random_documents(seed=2)
    documents = [" ".join(f"w{i}" for i in doc) for doc in _documents(ids, offsets)]
    tfidf = TfidfVectorizer(smooth_idf=True, token_pattern=r"\S+").fit(documents)
    idf = smooth_idf(ids, offsets, N_WORDS)
    assert idf.shape == (N_WORDS,)
    assert idf.dtype == np.float64
    for word, column in tfidf.vocabulary_.items():
        assert_allclose(idf[int(word[1:])], tfidf.idf_[column], rtol=1e-12)


def test_smooth_idf_formula_and_unseen_words():
    # 3 documents; word 0 in two of them (twice in one), word 1 in one, word 2 none.
    idf = smooth_idf(np.array([0, 0, 1, 0]), np.array([0, 3, 3, 4]), 3)
    expected = np.log(4.0 / (1.0 + np.array([2, 1, 0]))) + 1.0
    assert_allclose(idf, expected, rtol=1e-15)


def test_sif_weights_formula():
    counts = np.array([50, 30, 15, 5], dtype=np.int64)
    weights = sif_weights(counts, 0.01)
    frequency = counts / counts.sum()
    assert weights.dtype == np.float64
    assert_allclose(weights, 0.01 / (0.01 + frequency), rtol=1e-15)
    # Frequent words weigh less; the weights stay in (0, 1).
    assert np.all(np.diff(weights) > 0)
    assert np.all((weights > 0) & (weights < 1))
    assert_allclose(sif_weights([1, 1], 1.0), [2.0 / 3.0, 2.0 / 3.0])


def test_first_component_is_top_right_singular_vector():
    rng = np.random.default_rng(3)
    pooled = rng.standard_normal((40, 6)).astype(np.float32)
    pooled += 3.0 * rng.standard_normal(6).astype(np.float32)  # a common direction
    component = first_component(pooled)
    top = np.linalg.svd(pooled.astype(np.float64), full_matrices=False)[2][0]
    assert component.shape == (6,)
    assert component.dtype == np.float64
    assert_allclose(np.linalg.norm(component), 1.0, rtol=1e-12)
    assert_allclose(abs(component @ top), 1.0, rtol=1e-6)


# Fewer rows than components (kept rows), as many, and more (Gram matrix).
@pytest.mark.parametrize("n_documents", [3, N_COMPONENTS, 12])
def test_first_component_over_blocks_is_top_right_singular_vector(n_documents):
    rng = np.random.default_rng(5)
    pooled = rng.standard_normal((n_documents, N_COMPONENTS)).astype(np.float32)
    first = FirstComponent(N_COMPONENTS)
    for block in np.array_split(pooled, 4):  # an empty block when 3 rows
        first.add(block)
    component = first.component()
    top = np.linalg.svd(pooled.astype(np.float64), full_matrices=False)[2][0]
    assert component.shape == (N_COMPONENTS,)
    assert_allclose(np.linalg.norm(component), 1.0, rtol=1e-12)
    assert_allclose(abs(component @ top), 1.0, rtol=1e-6)
    # Only a Gram matrix of more documents than components is held.
    assert (first.gram is not None) == (n_documents > N_COMPONENTS)


def test_first_component_removal_leaves_orthogonal_rows():
    rng = np.random.default_rng(4)
    pooled = rng.standard_normal((20, 4)) + np.array([5.0, 0.0, 0.0, 0.0])
    component = first_component(pooled)
    assert_allclose(abs(component[0]), 1.0, atol=0.05)
    removed = pooled - np.outer(pooled @ component, component)
    assert_allclose(removed @ component, 0.0, atol=1e-12)


@pytest.mark.parametrize("remove", [False, True])
def test_sif_pool_matches_loop(remove):
    ids, offsets, vectors, _ = _random_documents(seed=5)
    counts = np.bincount(ids, minlength=N_WORDS)
    weights = sif_weights(counts, 1e-2)
    component = first_component(vectors) if remove else None
    pooled = sif_pool(ids, offsets, vectors, weights, component)
    V = vectors.astype(np.float64)
    expected = np.zeros((len(offsets) - 1, N_COMPONENTS))
    for k, document in enumerate(_documents(ids, offsets)):
        if len(document):
            expected[k] = weights[document] @ V[document] / len(document)
        if remove:
            expected[k] -= (expected[k] @ component) * component
    assert pooled.dtype == np.float32
    assert_allclose(pooled, expected, rtol=1e-5, atol=1e-6)


def test_sif_weights_of_no_counted_word_are_one():
    assert_array_equal(sif_weights(np.zeros(3, dtype=np.int64), 1e-3), [1.0] * 3)
