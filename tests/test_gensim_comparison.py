"""The same file loaded in gensim and in sklearn_w2v answers every query alike.

Skipped when gensim is not installed; the Word Mover's Distance comparison also
needs POT, which gensim uses for it.
"""

import warnings
from pathlib import Path

import numpy as np
import pytest

from sklearn_w2v import KeyedVectors

gensim_models = pytest.importorskip("gensim.models")

EUCLIDEAN = Path(__file__).parent / "data" / "gensim" / "euclidean_vectors.bin"
PAIRS = [("war", "conflict"), ("war", "war"), ("good", "worst"), ("the", "israel")]
QUERIES = [
    dict(positive="war"),
    dict(positive=["war", "peace"], negative=["call"]),
    dict(positive=[("war", 2.0), "peace"]),
    dict(positive=["war"], negative=[("peace", 0.5)]),
    dict(positive=[("war", 1.5)], negative=[("peace", -2.0), "good"]),
    dict(positive="war", restrict_vocab=100),
]


@pytest.fixture(scope="module")
def both():
    ours = KeyedVectors.load_word2vec_format(EUCLIDEAN, binary=True)
    theirs = gensim_models.KeyedVectors.load_word2vec_format(EUCLIDEAN, binary=True)
    return ours, theirs


@pytest.fixture(autouse=True)
def _quiet_gensim():
    # gensim calls its own deprecated init_sims and words_closer_than, and warns
    # on add_vector
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        yield


def _same(ours, theirs, atol=1e-6):
    assert [key for key, _ in ours] == [key for key, _ in theirs]
    np.testing.assert_allclose(
        [score for _, score in ours], [score for _, score in theirs], atol=atol
    )


@pytest.mark.parametrize("query", QUERIES)
def test_most_similar(both, query):
    ours, theirs = both
    _same(ours.most_similar(**query, topn=20), theirs.most_similar(**query, topn=20))
    np.testing.assert_allclose(
        ours.most_similar(**query, topn=None),
        theirs.most_similar(**query, topn=None),
        atol=1e-6,
    )


def test_most_similar_by_vectors(both):
    ours, theirs = both
    vectors = [ours["war"], 2.0 * ours["peace"]]
    _same(ours.most_similar(positive=vectors), theirs.most_similar(positive=vectors))
    _same(
        ours.most_similar(positive=ours.vectors[:5]),
        theirs.most_similar(positive=theirs.vectors[:5]),
    )


@pytest.mark.parametrize(
    "positive, negative",
    [("war", None), (["war", "peace"], ["call"]), ("good", "worst")],
)
def test_most_similar_cosmul(both, positive, negative):
    ours, theirs = both
    _same(
        ours.most_similar_cosmul(positive, negative, topn=20),
        theirs.most_similar_cosmul(positive, negative, topn=20),
    )
    np.testing.assert_allclose(
        ours.most_similar_cosmul(positive, negative, topn=None),
        theirs.most_similar_cosmul(positive, negative, topn=None),
        rtol=1e-5,
    )


def test_similar_by(both):
    ours, theirs = both
    _same(ours.similar_by_word("war"), theirs.similar_by_word("war"))
    _same(ours.similar_by_key("war", 5, 50), theirs.similar_by_key("war", 5, 50))
    _same(ours.similar_by_vector(ours["war"]), theirs.similar_by_vector(theirs["war"]))


@pytest.mark.parametrize("w1, w2", PAIRS)
def test_pairwise_measures(both, w1, w2):
    ours, theirs = both
    assert ours.similarity(w1, w2) == pytest.approx(theirs.similarity(w1, w2), abs=1e-6)
    assert ours.distance(w1, w2) == pytest.approx(theirs.distance(w1, w2), abs=1e-6)
    assert ours.closer_than(w1, w2) == theirs.closer_than(w1, w2)
    assert ours.words_closer_than(w1, w2) == theirs.words_closer_than(w1, w2)
    assert ours.rank(w1, w2) == theirs.rank(w1, w2)
    assert ours.relative_cosine_similarity(w1, w2) == pytest.approx(
        theirs.relative_cosine_similarity(w1, w2), rel=1e-5
    )


def test_distances_and_cosine_similarities(both):
    ours, theirs = both
    np.testing.assert_allclose(
        ours.distances("war"), theirs.distances("war"), atol=1e-6
    )
    others = ["peace", "call", "the"]
    np.testing.assert_allclose(
        ours.distances(ours["good"], others),
        theirs.distances(theirs["good"], others),
        atol=1e-6,
    )
    np.testing.assert_allclose(
        ours.cosine_similarities(ours["war"], ours.vectors[:50]),
        theirs.cosine_similarities(theirs["war"], theirs.vectors[:50]),
        atol=1e-6,
    )


def test_set_queries(both):
    ours, theirs = both
    ws1, ws2 = ["war", "conflict", "call"], ["peace", "good"]
    assert ours.n_similarity(ws1, ws2) == pytest.approx(
        theirs.n_similarity(ws1, ws2), abs=1e-6
    )
    words = ["war", "conflict", "terrorism", "the", "israel"]
    assert ours.doesnt_match(words) == theirs.doesnt_match(words)
    candidates = ["terrorism", "call", "waging", "peace"]
    assert ours.most_similar_to_given("war", candidates) == (
        theirs.most_similar_to_given("war", candidates)
    )


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"weights": [1, -2, 3, 0.5, 2]},
        {"pre_normalize": False},
        {"post_normalize": True, "weights": [2, 1, 1, 1, 1]},
    ],
)
def test_get_mean_vector(both, options):
    ours, theirs = both
    keys = ["conflict", "administration", "terrorism", "an oov word", "call"]
    np.testing.assert_allclose(
        ours.get_mean_vector(keys, **options),
        theirs.get_mean_vector(keys, **options),
        atol=1e-6,
    )
    with pytest.raises(KeyError):
        ours.get_mean_vector(keys, ignore_missing=False)
    with pytest.raises(KeyError):
        theirs.get_mean_vector(keys, ignore_missing=False)


@pytest.mark.parametrize(
    "document1, document2",
    [
        (["war", "conflict", "israel"], ["peace", "call", "war", "war"]),
        (["the", "war", "is", "over"], ["he", "said", "the", "conflict", "ended"]),
        (["war", "oov-word"], ["war"]),
        (["oov-word"], ["war"]),
    ],
)
@pytest.mark.parametrize("norm", [True, False])
def test_wmdistance(both, document1, document2, norm):
    pytest.importorskip("ot")  # gensim needs POT for it
    ours, theirs = both
    assert ours.wmdistance(document1, document2, norm) == pytest.approx(
        theirs.wmdistance(document1, document2, norm), rel=1e-6, abs=1e-9
    )


def test_lookups(both):
    ours, theirs = both
    assert ours.index_to_key == theirs.index_to_key
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)
    for key in ["war", "zebra-not-there"]:
        assert ours.has_index_for(key) == theirs.has_index_for(key)
        assert (key in ours) == (key in theirs)
    np.testing.assert_allclose(
        ours.get_vector("war", norm=True),
        theirs.get_vector("war", norm=True),
        atol=1e-7,
    )
    np.testing.assert_allclose(
        ours.get_normed_vectors(), theirs.get_normed_vectors(), atol=1e-6
    )
    keys = ["war", "zebra-not-there", "peace", "war"]
    subset, their_subset = ours.vectors_for_all(keys), theirs.vectors_for_all(keys)
    assert subset.index_to_key == their_subset.index_to_key
    np.testing.assert_array_equal(subset.vectors, their_subset.vectors)


def test_edits(both):
    keys, vectors = both[0].index_to_key[:50], both[0].vectors[:50]
    ours = KeyedVectors(keys, vectors)
    theirs = gensim_models.KeyedVectors(ours.vector_size)
    theirs.add_vectors(keys, vectors)
    rng = np.random.default_rng(0)
    new = rng.standard_normal((3, ours.vector_size))
    rows = []
    for kv in (ours, theirs):
        kv.add_vectors(["war", "new1", "new2"], new)
        kv["peace"] = new[0]
        kv[["new1", "the", "new3"]] = new
        rows.append(kv.add_vector("new4", new[1]))
    assert rows[0] == rows[1] == len(ours) - 1
    assert ours.index_to_key == theirs.index_to_key
    np.testing.assert_allclose(ours.vectors, theirs.vectors, atol=1e-7)
    _same(ours.most_similar("new2"), theirs.most_similar("new2"))
    for kv in (ours, theirs):
        for i, key in enumerate(kv.index_to_key):
            kv.set_vecattr(key, "count", int(rng.integers(1, 5)) if i % 3 else 7)
    counts = [theirs.get_vecattr(k, "count") for k in theirs.index_to_key]
    for key, count in zip(theirs.index_to_key, counts, strict=True):
        ours.set_vecattr(key, "count", count)
    ours.sort_by_descending_frequency()
    theirs.sort_by_descending_frequency()
    assert ours.index_to_key == theirs.index_to_key
    np.testing.assert_array_equal(ours.vectors, theirs.vectors)
    ours.unit_normalize_all()
    theirs.fill_norms(force=True)  # gensim's sort leaves its cached norms unsorted
    theirs.unit_normalize_all()
    np.testing.assert_allclose(ours.vectors, theirs.vectors, atol=1e-7)


def test_written_files_are_identical(tmp_path, both):
    keys, vectors = both[0].index_to_key[:200], both[0].vectors[:200]
    counts = np.random.default_rng(1).integers(1, 30, size=200)
    ours = KeyedVectors(keys, vectors, counts=counts)
    theirs = gensim_models.KeyedVectors(ours.vector_size)
    theirs.add_vectors(keys, vectors)
    for key, count in zip(keys, counts.tolist(), strict=True):
        theirs.set_vecattr(key, "count", count)
    for options in [{}, {"write_header": False, "prefix": "x_"}]:
        ours.save_word2vec_format(tmp_path / "ours", tmp_path / "ours.vocab", **options)
        theirs.save_word2vec_format(
            tmp_path / "theirs", tmp_path / "theirs.vocab", **options
        )
        for name in ["", ".vocab"]:
            assert (tmp_path / f"ours{name}").read_bytes() == (
                tmp_path / f"theirs{name}"
            ).read_bytes()
    # binary: the same entries, ours with the C tool's newline after each
    ours.save_word2vec_format(tmp_path / "ours.bin", binary=True)
    theirs.save_word2vec_format(tmp_path / "theirs.bin", binary=True)
    assert (tmp_path / "ours.bin").read_bytes().replace(b"\n", b"") == (
        tmp_path / "theirs.bin"
    ).read_bytes().replace(b"\n", b"")


@pytest.mark.parametrize("datatype", [np.float16, np.float32, np.float64])
def test_loading_with_vocabulary_and_datatype(tmp_path, both, datatype):
    ours = KeyedVectors(
        both[0].index_to_key[:100], both[0].vectors[:100], counts=np.arange(100, 0, -1)
    )
    ours.save_word2vec_format(tmp_path / "v.txt", tmp_path / "v.vocab")
    mine = KeyedVectors.load_word2vec_format(
        tmp_path / "v.txt", tmp_path / "v.vocab", datatype=datatype
    )
    theirs = gensim_models.KeyedVectors.load_word2vec_format(
        tmp_path / "v.txt", tmp_path / "v.vocab", datatype=datatype
    )
    assert mine.index_to_key == theirs.index_to_key
    assert mine.vectors.dtype == theirs.vectors.dtype
    np.testing.assert_array_equal(mine.vectors, theirs.vectors)
    for key in mine.index_to_key[::10]:
        assert mine.get_vecattr(key, "count") == theirs.get_vecattr(key, "count")
