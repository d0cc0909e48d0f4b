"""Pairwise measures and weighted queries, checked against first principles."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from sklearn_w2v import KeyedVectors


@pytest.fixture(scope="module")
def kv():
    rng = np.random.default_rng(0)
    return KeyedVectors([f"w{i}" for i in range(40)], rng.standard_normal((40, 6)))


def _unit(v):
    return v / np.linalg.norm(v)


def test_self_similarity_is_exactly_one_and_distance_zero():
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((300, 50)) * 10.0 ** rng.integers(-8, 8, (300, 1))
    kv = KeyedVectors([str(i) for i in range(300)], vectors)
    assert all(kv.similarity(key, key) == 1.0 for key in kv.index_to_key)
    assert all(kv.distance(key, key) == 0.0 for key in kv.index_to_key)


def test_similarity_is_clipped_and_zero_vectors_give_zero():
    kv = KeyedVectors(["a", "b", "z"], [[1.0, 1e-8], [-3.0, -3e-8], [0.0, 0.0]])
    assert kv.similarity("a", "b") == -1.0
    assert kv.distance("a", "b") == 2.0
    assert kv.similarity("a", "z") == 0.0


def test_weighted_terms_match_brute_force(kv):
    # gensim's rule: a weight replaces the default +1 / -1, even for negatives
    positive, negative = [("w1", 2.5), "w2", (kv["w3"], 0.5)], [("w4", 0.25), "w5"]
    query = (
        2.5 * _unit(kv["w1"].astype(float))
        + _unit(kv["w2"].astype(float))
        + 0.5 * kv["w3"]
        + 0.25 * _unit(kv["w4"].astype(float))
        - _unit(kv["w5"].astype(float))
    )
    sims = kv.get_normed_vectors().astype(float) @ _unit(query)
    sims[[1, 2, 4, 5]] = -np.inf
    result = kv.most_similar(positive, negative, topn=6)
    assert [w for w, _ in result] == [kv.index_to_key[i] for i in np.argsort(-sims)[:6]]
    np.testing.assert_allclose(
        [s for _, s in result], np.sort(sims)[::-1][:6], atol=1e-6
    )


def test_unweighted_pairs_equal_plain_terms(kv):
    assert kv.most_similar([("w1", 1.0)], [("w2", -1.0)], topn=8) == kv.most_similar(
        ["w1"], ["w2"], topn=8
    )


def test_cosmul_rejects_weighted_terms(kv):
    with pytest.raises(TypeError, match="most_similar_cosmul takes no weighted"):
        kv.most_similar_cosmul([("w1", 2.0)])


def test_bad_query_terms_are_rejected(kv):
    with pytest.raises(TypeError, match="Query terms must be keys"):
        kv.most_similar([{"w1": 2}])
    with pytest.raises(ValueError, match="must be finite"):
        kv.most_similar([np.full(6, np.nan)])


def test_distances_closer_than_and_rank_follow_the_definitions(kv):
    distances = kv.distances("w7")
    expected = 1 - kv.get_normed_vectors().astype(float) @ _unit(kv["w7"].astype(float))
    np.testing.assert_allclose(distances, expected, atol=1e-6)
    np.testing.assert_allclose(kv.distances("w7", ["w1", "w9"]), expected[[1, 9]])
    np.testing.assert_allclose(kv.distances(kv["w7"]), distances, atol=1e-7)
    order = [kv.index_to_key[i] for i in np.argsort(expected) if i != 7]
    for position, key in enumerate(order[:10], start=1):
        assert kv.rank("w7", key) == position
        assert set(kv.closer_than("w7", key)) == set(order[: position - 1])
    assert kv.closer_than("w7", "w7") == []
    with pytest.raises(ValueError, match=r"shape \(6,\)"):
        kv.distances(np.zeros(3))


def test_most_similar_to_given_and_relative_cosine_similarity(kv):
    candidates = ["w3", "w4", "w5"]
    sims = [kv.similarity("w0", c) for c in candidates]
    assert (
        kv.most_similar_to_given("w0", candidates) == candidates[int(np.argmax(sims))]
    )
    top = kv.most_similar("w0", topn=4)
    assert kv.relative_cosine_similarity("w0", "w9", topn=4) == pytest.approx(
        kv.similarity("w0", "w9") / sum(s for _, s in top)
    )
    with pytest.raises(ValueError, match="non-empty keys_list"):
        kv.most_similar_to_given("w0", [])


def test_get_mean_vector_follows_gensims_formula(kv):
    keys = ["w1", kv["w2"], "unknown", "w3"]
    weights = np.array([2.0, -1.0, 5.0, 0.5])
    normed = kv.get_normed_vectors().astype(float)
    expected = (2.0 * normed[1] - kv["w2"] + 0.5 * normed[3]) / 3.5
    np.testing.assert_allclose(kv.get_mean_vector(keys, weights), expected, atol=1e-6)
    np.testing.assert_allclose(
        kv.get_mean_vector(keys, weights, post_normalize=True),
        _unit(expected),
        atol=1e-6,
    )
    with pytest.raises(KeyError, match="'unknown' not present"):
        kv.get_mean_vector(keys, ignore_missing=False)
    with pytest.raises(ValueError, match="one value per key"):
        kv.get_mean_vector(keys, [1.0, 2.0])
    with pytest.raises(ValueError, match="at least one key"):
        kv.get_mean_vector([])
    np.testing.assert_array_equal(kv.get_mean_vector(["unknown"]), np.zeros(6))


@pytest.mark.parametrize("norm", [True, False])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_wmd_of_equal_size_documents_is_an_assignment(kv, norm, seed):
    # with n distinct words on each side, each of mass 1/n, an optimal transport
    # plan is a permutation (Birkhoff), found by linear_sum_assignment
    rng = np.random.default_rng(seed)
    words = rng.permutation(kv.index_to_key)
    doc1, doc2 = list(words[:5]), list(words[5:10])
    source = kv.get_normed_vectors() if norm else kv.vectors
    rows1, rows2 = [kv.get_index(w) for w in doc1], [kv.get_index(w) for w in doc2]
    costs = cdist(source[rows1].astype(float), source[rows2].astype(float))
    rows, columns = linear_sum_assignment(costs)
    expected = costs[rows, columns].sum() / 5
    assert kv.wmdistance(doc1, doc2, norm=norm) == pytest.approx(expected, rel=1e-9)
    assert kv.wmdistance(doc2, doc1, norm=norm) == pytest.approx(expected, rel=1e-9)


def test_wmd_edge_cases(kv):
    assert kv.wmdistance(["w1", "w2", "w1"], ["w2", "w1", "w1"]) == 0.0
    assert kv.wmdistance(["w1", "oov"], ["w1"]) == 0.0
    assert kv.wmdistance(["oov"], ["w1"]) == float("inf")
    assert kv.wmdistance([], ["w1"]) == float("inf")
    # one word against two: all of its mass splits between them
    one = kv.wmdistance(["w1"], ["w2", "w3", "w3"])
    normed = kv.get_normed_vectors().astype(float)
    assert one == pytest.approx(
        np.linalg.norm(normed[1] - normed[2]) / 3
        + 2 * np.linalg.norm(normed[1] - normed[3]) / 3
    )
    with pytest.raises(TypeError, match="lists of tokens"):
        kv.wmdistance("w1 w2", ["w1"])


@pytest.mark.parametrize("seed", range(4))
def test_wmd_matches_pot(kv, seed):
    ot = pytest.importorskip("ot")
    rng = np.random.default_rng(seed)
    doc1 = list(rng.choice(kv.index_to_key, size=rng.integers(2, 12)))
    doc2 = list(rng.choice(kv.index_to_key, size=rng.integers(2, 12)))
    words1, counts1 = np.unique(doc1, return_counts=True)
    words2, counts2 = np.unique(doc2, return_counts=True)
    normed = kv.get_normed_vectors().astype(float)
    rows1, rows2 = [kv.get_index(w) for w in words1], [kv.get_index(w) for w in words2]
    costs = cdist(normed[rows1], normed[rows2])
    expected = ot.emd2(counts1 / counts1.sum(), counts2 / counts2.sum(), costs)
    assert kv.wmdistance(doc1, doc2) == pytest.approx(expected, rel=1e-7, abs=1e-12)
