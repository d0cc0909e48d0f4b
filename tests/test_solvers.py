"""The count-based solver: pair counts, positive PMI, SVD vectors, the estimator."""

import pickle

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from _cluster import local_cluster
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from sklearn_w2v import KeyedVectors, Word2VecVectorizer
from sklearn_w2v._engine import cooccurrence, hooks
from sklearn_w2v._engine.cooccurrence import (
    _add_pairs,
    compact_counts,
    count_cooccurrences,
    count_sharded,
    positive_pmi,
    sum_counts,
)
from sklearn_w2v._engine.sharded import write_shards
from sklearn_w2v._engine.tables import keep_probabilities
from sklearn_w2v._ppmi_svd import svd_vectors

SVD_PARAMS = dict(n_components=4, min_count=1, solver="svd", random_state=0)


def _random_corpus(n_tokens=3000, n_words=12, seed=0):
    """Word ids of a Zipf-like law and document ids of documents of 1 to 40 tokens."""
    rng = np.random.default_rng(seed)
    law = 1 / np.arange(1, n_words + 1)
    ids = rng.choice(n_words, n_tokens, p=law / law.sum()).astype(np.int32)
    lengths = rng.integers(1, 41, size=n_tokens)
    docs = np.repeat(np.arange(n_tokens), lengths)[:n_tokens].astype(np.int32)
    return ids, docs


def _reference_counts(ids, docs, keep_prob, window, shrink_windows, seed):
    """Pair by pair: the (center, context) pairs of skip-gram's windows.

    The keep and span draws are those an epoch's stream makes from ``seed``
    (one uniform float32 per token, then one span per kept token).
    """
    keep_rng, span_rng = map(
        np.random.default_rng, np.random.SeedSequence(seed).spawn(2)
    )
    keep = keep_rng.random(len(ids), dtype=np.float32) < keep_prob[ids]
    tokens, token_docs = ids[keep], docs[keep]
    spans = np.full(len(tokens), window)
    if shrink_windows:
        spans = span_rng.integers(1, window + 1, size=len(tokens), dtype=np.uint32)
    counts = np.zeros((len(keep_prob), len(keep_prob)))
    for i, span in enumerate(spans.tolist()):
        for j in range(max(i - span, 0), min(i + span + 1, len(tokens))):
            if j != i and token_docs[j] == token_docs[i]:
                counts[tokens[i], tokens[j]] += 1
    return counts, len(tokens)


@pytest.mark.parametrize("shrink_windows", [False, True])
@pytest.mark.parametrize("subsample", [0, 1e-2])
def test_counts_match_a_per_pair_reference(monkeypatch, shrink_windows, subsample):
    ids, docs = _random_corpus()
    keep_prob = keep_probabilities(np.bincount(ids), subsample)
    expected, n_kept = _reference_counts(ids, docs, keep_prob, 3, shrink_windows, 7)
    # Small sums, slices and chunks: pairs are summed in several steps,
    # windows cross slices and chunks.
    monkeypatch.setattr(cooccurrence, "PAIRS_PER_SUM", 500)
    monkeypatch.setattr(cooccurrence, "CENTERS_PER_SLICE", 64)
    chunks = [(ids[i : i + 700], docs[i : i + 700]) for i in range(0, len(ids), 700)]
    counts, n_centers = count_cooccurrences(
        chunks, keep_prob, window=3, shrink_windows=shrink_windows, seed=7
    )
    assert n_centers == n_kept
    assert counts.dtype == np.float64
    assert_array_equal(counts.toarray(), expected)
    if subsample:
        assert n_kept < len(ids)


def test_without_draws_shards_count_what_one_stream_counts(tmp_path):
    ids, docs = _random_corpus()
    keep_prob = np.ones(12)
    stream = dict(window=4, shrink_windows=False, seed=0)
    whole, n_whole = count_cooccurrences([(ids, docs)], keep_prob, **stream)
    sharded, n_sharded = count_sharded(
        [(ids, docs)], len(ids), keep_prob, n_shards=3, directory=tmp_path,
        n_workers=None, **stream,
    )  # fmt: skip
    assert n_sharded == n_whole == len(ids)
    assert_array_equal(sharded.toarray(), whole.toarray())


def test_sharded_counts_do_not_depend_on_where_the_tasks_ran(tmp_path):
    ids, docs = _random_corpus()
    keep_prob = keep_probabilities(np.bincount(ids), 1e-2)
    args = ([(ids, docs)], len(ids), keep_prob)
    stream = dict(n_shards=3, window=3, shrink_windows=True, seed=5)
    events = []
    (tmp_path / "here").mkdir()
    (tmp_path / "there").mkdir()
    here, n_here = count_sharded(
        *args, directory=tmp_path / "here", n_workers=None, **stream
    )
    with (
        joblib.parallel_backend("threading", n_jobs=2),
        hooks.observing(lambda event, fields: events.append((event, fields))),
    ):
        there, n_there = count_sharded(
            *args, directory=tmp_path / "there", n_workers=2, **stream
        )
    assert n_here == n_there
    assert_array_equal(here.toarray(), there.toarray())
    [fields] = [fields for event, fields in events if event == "count"]
    assert fields["n_shards"] == 3 and len(fields["bytes_from_workers"]) == 3
    assert all(n_bytes > 0 for n_bytes in fields["bytes_from_workers"])
    assert len(fields["task_seconds"]) == len(fields["task_cpu_seconds"]) == 3
    assert max(fields["task_seconds"]) <= fields["tasks_seconds"]


def test_sharded_counts_are_the_sum_of_each_shards_per_pair_counts(tmp_path):
    ids, docs = _random_corpus()
    keep_prob = keep_probabilities(np.bincount(ids), 1e-2)
    counts, n_centers = count_sharded(
        [(ids, docs)], len(ids), keep_prob, n_shards=3, directory=tmp_path,
        n_workers=None, seed=11, window=3, shrink_windows=True,
    )  # fmt: skip
    expected, n_kept = np.zeros((12, 12)), 0
    # The shards are rewritten as count_sharded wrote them, each with its seed.
    for s, paths in enumerate(write_shards([(ids, docs)], len(ids), 3, tmp_path)):
        seed = np.random.SeedSequence(11, spawn_key=(s,)).generate_state(4)
        shard, n_shard = _reference_counts(
            *map(np.load, paths), keep_prob, 3, True, seed
        )
        expected += shard
        n_kept += n_shard
    assert counts.dtype == np.float64
    assert_array_equal(counts.toarray(), expected)
    assert n_centers == n_kept


@pytest.mark.parametrize(
    "largest, dtype",
    [
        (255, np.uint8),
        (256, np.uint16),
        (65535, np.uint16),
        (65536, np.uint32),
        (2**32 - 1, np.uint32),
        (2**32, np.uint64),
    ],
)
def test_compact_counts_hold_every_count_exactly(largest, dtype):
    dense = np.array([[0, largest, 1], [7, 0, 0], [0, 0, largest - 1]], np.uint64)
    compact = compact_counts(sp.csr_matrix(dense))
    assert compact.dtype == dtype
    assert compact.indices.dtype == compact.indptr.dtype == np.int32
    assert_array_equal(compact.toarray().astype(np.uint64), dense)


def test_summed_counts_never_wrap_in_their_type():
    rng = np.random.default_rng(0)
    dense = [rng.integers(0, 3, size=(5, 6)).astype(np.uint64) for _ in range(3)]
    dense[0][2, 3] = dense[1][2, 3] = 65535  # 3 x 65535 needs more than 16 bits
    dense[2][4, 5] = 2**32 - 1
    matrices = [compact_counts(sp.csr_matrix(d)) for d in dense]
    assert [m.dtype for m in matrices] == [np.uint16, np.uint16, np.uint32]
    total = sum_counts(matrices)
    assert total.dtype == np.float64
    assert_array_equal(total.toarray(), np.sum(dense, axis=0, dtype=np.float64))
    assert total[2, 3] == 2 * 65535 + dense[2][2, 3]


def test_pair_counts_widen_before_a_count_could_wrap():
    counts = sp.csr_matrix(np.array([[2**32 - 1, 0], [0, 5]], dtype=np.uint32))
    pair = np.array([[0, 1], [0, 1]], dtype=np.int32)
    ones = np.ones(2, dtype=np.uint32)
    wider = _add_pairs(counts, pair, ones, n_pairs=2**32 + 5)
    assert wider.dtype == np.uint64
    assert wider.toarray().tolist() == [[2**32, 0], [0, 6]]
    # Below 2**32 pairs, no count can pass 2**32 - 1: uint32 holds them.
    small = sp.csr_matrix(np.array([[3, 0], [0, 5]], dtype=np.uint32))
    assert _add_pairs(small, pair, ones, n_pairs=10).dtype == np.uint32


@pytest.mark.parametrize("shift", [1.0, 5.0])
@pytest.mark.parametrize("context_exponent", [1.0, 0.75])
def test_positive_pmi_matches_a_dense_reference(shift, context_exponent):
    rng = np.random.default_rng(0)
    counts = rng.poisson(0.8, size=(9, 9)).astype(float)
    counts[:, 4] = 0  # a context never seen
    total = counts.sum()
    p_word = counts.sum(axis=1) / total
    weights = counts.sum(axis=0) ** context_exponent
    p_context = weights / weights.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(counts / total / np.outer(p_word, p_context)) - np.log(shift)
    expected = np.where(counts > 0, np.maximum(pmi, 0), 0)
    ppmi = positive_pmi(counts, context_exponent=context_exponent, shift=shift)
    assert_allclose(ppmi.toarray(), expected, rtol=1e-12, atol=1e-12)
    assert np.all(ppmi.data > 0)  # zeros removed


@pytest.mark.parametrize("p", [0.0, 0.5, 1.0])
def test_svd_vectors_match_numpy_svd_up_to_sign(p):
    rng = np.random.default_rng(0)
    left, _ = np.linalg.qr(rng.normal(size=(30, 30)))
    right, _ = np.linalg.qr(rng.normal(size=(30, 30)))
    M = left @ np.diag(0.6 ** np.arange(30)) @ right.T
    U, S, Vt = np.linalg.svd(M)
    W = svd_vectors(M, 5, p, random_state=0)
    assert W.shape == (2, 30, 5) and W.dtype == np.float32
    expected_words, expected_contexts = U[:, :5] * S[:5] ** p, Vt[:5].T * S[:5] ** p
    # One sign per component, the same for its word and its context vector.
    signs = np.sign(np.sum(W[0] * expected_words, axis=0))
    assert_allclose(W[0], expected_words * signs, atol=1e-5)
    assert_allclose(W[1], expected_contexts * signs, atol=1e-5)


def test_more_components_than_words_end_with_zeros():
    W = svd_vectors(np.diag([3.0, 2.0, 1.0]), 5, 1.0, random_state=0)
    assert_allclose(np.abs(W[0]).sum(axis=0), [3, 2, 1, 0, 0], atol=1e-6)


def test_svd_solver_fits_keyed_vectors_that_pool_and_pickle(topic_corpus):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**SVD_PARAMS, word_vectors="sum")
    X = vectorizer.fit_transform(documents)
    assert X.shape == (len(documents), 4)
    assert isinstance(vectorizer.wv_, KeyedVectors)
    assert vectorizer.loss_curve_.shape == (0,)
    assert 0 < vectorizer.n_words_trained_ <= vectorizer.word_counts_.sum()
    assert_allclose(
        vectorizer.wv_.vectors,
        vectorizer.input_vectors_ + vectorizer.output_vectors_,
    )
    again = Word2VecVectorizer(**SVD_PARAMS, word_vectors="sum").fit(documents)
    assert_array_equal(again.wv_.vectors, vectorizer.wv_.vectors)
    restored = pickle.loads(pickle.dumps(vectorizer))
    assert_array_equal(restored.transform(documents), X)
    # Topic words meet only their own topic: their neighbours are of it too.
    assert vectorizer.wv_.most_similar("cat", topn=1)[0][0] in {
        "dog", "horse", "cow", "sheep", "goat", "pig", "duck",
    }  # fmt: skip


def test_eigenvalue_weighting_scales_the_singular_values(topic_corpus):
    documents, _ = topic_corpus
    fits = {
        p: Word2VecVectorizer(**SVD_PARAMS, eigenvalue_weighting=p).fit(documents)
        for p in (0.0, 1.0)
    }
    U = fits[0.0].input_vectors_
    assert_allclose(U.T @ U, np.eye(4), atol=1e-5)
    singular_values = np.linalg.norm(fits[1.0].input_vectors_, axis=0)
    assert_allclose(fits[1.0].input_vectors_, U * singular_values, atol=1e-5)


def test_a_sharded_count_fits_the_vectors_of_one_count(topic_corpus):
    documents, _ = topic_corpus
    exact = dict(SVD_PARAMS, subsample=0, shrink_windows=False)
    one = Word2VecVectorizer(**exact).fit(documents)
    sharded = Word2VecVectorizer(**exact, n_shards=3).fit(documents)
    assert sharded.wv_.index_to_key == one.wv_.index_to_key
    assert_array_equal(sharded.wv_.vectors, one.wv_.vectors)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"algorithm": "cbow"}, "factorises skip-gram's matrix"),
        ({"loss": "hierarchical_softmax"}, "factorises skip-gram's matrix"),
        ({"init_vectors": KeyedVectors(["cat"], np.ones((1, 4)))}, "init_vectors"),
    ],
)
def test_svd_solver_refuses_what_it_cannot_honour(topic_corpus, params, message):
    with pytest.raises(ValueError, match=message):
        Word2VecVectorizer(**SVD_PARAMS, **params).fit(topic_corpus[0])


def test_partial_fit_cannot_go_on_with_the_svd_solver(topic_corpus):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(**SVD_PARAMS).fit(documents)
    vectors = vectorizer.wv_.vectors.copy()
    with pytest.raises(ValueError, match="partial_fit cannot go on with solver='svd'"):
        vectorizer.partial_fit(documents)
    assert_array_equal(vectorizer.wv_.vectors, vectors)
    # With solver='sgd', training goes on from the factorised vectors.
    vectorizer.set_params(solver="sgd", epochs=1).partial_fit(documents)
    assert vectorizer.loss_curve_.shape == (1,)


def test_grid_search_over_the_solver(topic_corpus):
    documents, labels = topic_corpus
    pipeline = Pipeline(
        [
            ("w2v", Word2VecVectorizer(n_components=4, min_count=1, random_state=0)),
            ("clf", LogisticRegression()),
        ]
    )
    grid = {"w2v__solver": ["sgd", "svd"], "w2v__epochs": [2]}
    search = GridSearchCV(pipeline, grid, cv=2).fit(documents, labels)
    assert [p["w2v__solver"] for p in search.cv_results_["params"]] == ["sgd", "svd"]
    # The two topics share no content word: both solvers separate them.
    assert np.all(search.cv_results_["mean_test_score"] >= 0.9)


@pytest.mark.slow
def test_a_local_cluster_counts_what_one_process_counts(topic_corpus):
    documents, _ = topic_corpus
    params = dict(SVD_PARAMS, subsample=1e-2, n_shards=2)
    here = Word2VecVectorizer(**params).fit(documents)
    with local_cluster():
        there = Word2VecVectorizer(**params).fit(documents)
    assert_array_equal(there.wv_.vectors, here.wv_.vectors)


@pytest.mark.slow
def test_on_a_cluster_each_worker_counts_a_shard():
    from distributed import get_task_stream

    # 300 words: their keep probabilities take 2,400 bytes. An array argument
    # over 1,000 bytes, under joblib's Dask backend, goes to one worker, and
    # the scheduler ran both shards' tasks there, in turn.
    documents = [
        " ".join(f"w{(7 * i + j) % 300}" for j in range(50)) for i in range(200)
    ]
    params = dict(SVD_PARAMS, min_count=1, n_shards=2)
    with local_cluster(), get_task_stream() as stream:
        Word2VecVectorizer(**params).fit(documents)
    workers = [task["worker"] for task in stream.data if "count_shard" in task["key"]]
    assert len(workers) == 2
    assert len(set(workers)) == 2


def test_svd_refuses_subwords_before_reading_the_corpus():
    def never_read():
        raise AssertionError("the corpus was read")
        yield

    with pytest.raises(ValueError, match="solver='svd' .* no n-gram rows"):
        Word2VecVectorizer(solver="svd", subwords=(3, 5)).fit(never_read())
