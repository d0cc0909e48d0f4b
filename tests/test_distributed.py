"""Data-parallel training over shards: combining, shards, rounds, clusters, faults."""

import os
import re
from contextlib import contextmanager

import joblib
import numpy as np
import pytest
from _cluster import local_cluster
from sklearn.base import clone

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v._corpus import parts as counting
from sklearn_w2v._corpus.parts import cluster_size
from sklearn_w2v._corpus.text import build_analyzer
from sklearn_w2v._engine import hooks
from sklearn_w2v._engine import sharded as _distributed
from sklearn_w2v._engine.delta_combination import apply_round, combine_by_curvature
from sklearn_w2v._engine.sharded import (
    RoundTask,
    check_result,
    train_round,
    write_shards,
)

PARAMS = dict(n_components=8, min_count=1, epochs=2, random_state=0, batch_size=64)


@contextmanager
def observed_rounds():
    """The fields of every ``"round"`` event emitted while the context is open."""
    rounds = []

    def observer(event, fields):
        if event == "round":
            rounds.append(fields)

    with hooks.observing(observer):
        yield rounds


def random_results(rng, n_rows=12, n_components=3, n_shards=3):
    results = []
    for _ in range(n_shards):
        rows = np.flatnonzero(rng.random(n_rows) < 0.5)
        delta = rng.standard_normal((len(rows), n_components)).astype(np.float32)
        results.append((rows, delta))
    return results


@pytest.mark.parametrize("n_shards", [1, 2, 3, 5])
def test_curvature_rule_matches_a_loop_over_rows(n_shards):
    rng = np.random.default_rng(n_shards)
    results = [
        (rows, delta, (3 * rng.random(len(rows)) ** 3).astype(np.float32))
        for rows, delta in random_results(rng, n_shards=n_shards)
    ]
    rows, delta = combine_by_curvature(results)
    expected_rows = np.unique(np.concatenate([r[0] for r in results]))
    np.testing.assert_array_equal(rows, expected_rows)
    for row, combined in zip(rows, delta, strict=True):
        steps, curvatures = [], []
        for shard_rows, shard_delta, shard_curvature in results:
            if row in shard_rows:
                at = list(shard_rows).index(row)
                steps.append(shard_delta[at].astype(np.float64))
                curvatures.append(float(shard_curvature[at]))
        covered = sum(min(h, 1.0) for h in curvatures)
        scale = min(sum(curvatures), 1.0) / covered if covered else 1.0
        np.testing.assert_allclose(combined, scale * np.sum(steps, axis=0), rtol=1e-5)


def test_curvature_rule_sums_rare_rows_and_averages_saturated_ones():
    row = np.array([0])
    x = np.array([[1.0, 0.0]], dtype=np.float32)
    y = np.array([[0.0, 1.0]], dtype=np.float32)
    rare, saturated = np.array([0.01], np.float32), np.array([5.0], np.float32)
    # Rare: the shards' steps add up, as one after the other would.
    sums = combine_by_curvature([(row, x, rare), (row, x, rare)])[1]
    assert sums.tolist() == [[2.0, 0.0]]
    assert combine_by_curvature([(row, x, rare), (row, y, rare)])[1].tolist() == [
        [1.0, 1.0]
    ]
    # Saturated everywhere: the mean, whatever the directions.
    mean = combine_by_curvature([(row, x, saturated), (row, y, saturated)])[1]
    np.testing.assert_allclose(mean, [[0.5, 0.5]])
    # One shard's row passes unchanged, also with no recorded curvature.
    zero = np.zeros(1, np.float32)
    assert combine_by_curvature([(row, x, zero)])[1].tolist() == x.tolist()


def test_apply_round_adds_the_combined_deltas_once_per_row():
    rng = np.random.default_rng(0)
    results = [
        (rows, delta, rng.random(len(rows)).astype(np.float32))
        for rows, delta in random_results(rng)
    ]
    W = rng.standard_normal((12, 3)).astype(np.float32)
    expected = W.copy()
    rows, delta = combine_by_curvature(results)
    expected[rows] += delta
    apply_round(W, results)
    np.testing.assert_array_equal(W, expected)
    before = W.copy()
    apply_round(W, [])
    np.testing.assert_array_equal(W, before)


@pytest.mark.parametrize("n_shards", [1, 2, 3, 7])
def test_shards_are_stripes_of_whole_documents_dealt_in_turn(tmp_path, n_shards):
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 9, size=3000)
    docs = np.repeat(np.arange(3000, dtype=np.int32), lengths)
    ids = rng.integers(0, 50, size=len(docs)).astype(np.int32)
    # Chunks cut inside documents, as a spool may.
    chunks = [(ids[i : i + 917], docs[i : i + 917]) for i in range(0, len(ids), 917)]
    paths = write_shards(chunks, len(ids), n_shards, tmp_path)
    assert len(paths) == n_shards
    shard_ids = [np.load(p) for p, _ in paths]
    shard_docs = [np.load(p) for _, p in paths]
    # Every token once, each document whole in one shard, in corpus order.
    all_docs = np.concatenate(shard_docs)
    order = np.argsort(all_docs, kind="stable")
    np.testing.assert_array_equal(all_docs[order], docs)
    np.testing.assert_array_equal(np.concatenate(shard_ids)[order], ids)
    for one in shard_docs:
        assert np.all(np.diff(one) >= 0)
    owners = [set(np.unique(one).tolist()) for one in shard_docs]
    assert sum(map(len, owners)) == 3000
    # Balanced shards, each reading the whole corpus: the same fraction of
    # every shard lies in the same stretch of documents (2% of the corpus;
    # contiguous shards would put it 1 / n_shards apart).
    sizes = np.array([len(one) for one in shard_ids])
    assert sizes.max() - sizes.min() <= 0.03 * sizes.mean()
    for fraction in (0.25, 0.5, 0.75):
        at = [one[int(fraction * len(one))] for one in shard_docs]
        assert max(at) - min(at) <= 0.02 * 3000


def test_a_corpus_of_few_documents_fills_fewer_shards(tmp_path):
    ids = np.arange(6, dtype=np.int32)
    docs = np.array([0, 0, 0, 0, 0, 1], dtype=np.int32)
    paths = write_shards([(ids, docs)], 6, 3, tmp_path)
    assert [np.load(p).tolist() for p, _ in paths] == [[0, 1, 2, 3, 4], [5], []]


def test_round_seeds_depend_on_epoch_round_and_shard_only():
    seeds = {
        tuple(_distributed.round_seed(3, e, r, s).generate_state(2))
        for e in range(2)
        for r in range(2)
        for s in range(2)
    }
    assert len(seeds) == 8
    same = _distributed.round_seed(3, 1, 0, 1).generate_state(2)
    np.testing.assert_array_equal(
        same, _distributed.round_seed(3, 1, 0, 1).generate_state(2)
    )


TASK = RoundTask(1, 2, 10, 3, 0, ("ids.npy", "docs.npy"), 1.0, None)


@pytest.mark.parametrize(
    "result",
    [
        None,
        (
            np.array([0, 1]),
            np.zeros((1, 4), np.float32),
            np.zeros(2, np.float32),
            0.0,
            1,
        ),
        (
            np.array([1, 0]),
            np.zeros((2, 4), np.float32),
            np.zeros(2, np.float32),
            0.0,
            1,
        ),
        (np.array([99]), np.zeros((1, 4), np.float32), np.zeros(1, np.float32), 0.0, 1),
        (np.array([4]), np.zeros((1, 4), np.float32), np.zeros(1, np.float32), 0.0, 1),
        (np.array([0]), np.zeros((1, 4), np.float64), np.zeros(1, np.float32), 0.0, 1),
        (np.array([0]), np.zeros((1, 4), np.float32), np.zeros(2, np.float32), 0.0, 1),
        (np.array([0]), np.zeros((1, 4), np.float32), np.zeros(1, np.float64), 0.0, 1),
        (np.array([0]), np.zeros((1, 4), np.float32), 0.0, 1),  # no curvature
    ],
)
def test_malformed_results_raise_naming_the_shard_and_round(result):
    with pytest.raises(RuntimeError, match="shard 3 in round 3/10 of epoch 2"):
        check_result(result, TASK, (2, 5, 4))


def test_non_finite_results_raise_naming_the_shard_and_round():
    row, curvature = np.array([1]), np.ones(1, dtype=np.float32)
    delta = np.array([[0.0, np.inf, 0.0, 0.0]], dtype=np.float32)
    with pytest.raises(FloatingPointError, match="shard 3 in round 3/10"):
        check_result((row, delta, curvature, 0.0, 1), TASK, (2, 5, 4))
    finite = np.zeros((1, 4), dtype=np.float32)
    with pytest.raises(FloatingPointError, match="shard 3 in round 3/10"):
        check_result((row, finite, curvature, np.nan, 1), TASK, (2, 5, 4))
    for bad in (np.nan, -1.0):
        with pytest.raises(FloatingPointError, match="shard 3 in round 3/10"):
            check_result((row, finite, curvature * bad, 0.0, 1), TASK, (2, 5, 4))


@pytest.mark.parametrize("n_shards", [0, -1, 1.5, "2"])
def test_bad_n_shards_is_named(topic_corpus, n_shards):
    documents, _ = topic_corpus
    with pytest.raises(ValueError, match="n_shards"):
        Word2VecVectorizer(**PARAMS, n_shards=n_shards).fit(documents)


def test_sharded_fit_is_reproducible_and_differs_by_shard_count(topic_corpus):
    documents, _ = topic_corpus
    with observed_rounds() as rounds:
        first = Word2VecVectorizer(**PARAMS, n_shards=3).fit(documents)
    second = Word2VecVectorizer(**PARAMS, n_shards=3).fit(documents)
    np.testing.assert_array_equal(first.wv_.vectors, second.wv_.vectors)
    other = Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents)
    assert not np.array_equal(first.wv_.vectors, other.wv_.vectors)
    assert first.loss_curve_.shape == (2,)
    assert first.n_words_trained_ > 0
    # One event per round of each epoch; nothing goes to workers in-process.
    n_rounds = rounds[0]["n_rounds"]
    assert n_rounds >= 1
    assert [(r["epoch"], r["round"]) for r in rounds] == [
        (epoch, r) for epoch in range(2) for r in range(n_rounds)
    ]
    assert all(r["n_shards"] == 3 and r["bytes_to_workers"] == 0 for r in rounds)
    assert all(r["bytes_from_workers"] > 0 for r in rounds)


def topic_separation(model):
    """Mean same-topic minus cross-topic similarity of topic words."""
    from conftest import ANIMALS, VEHICLES

    same = [model.wv_.similarity(a, b) for a in ANIMALS[:4] for b in ANIMALS[4:]]
    cross = [model.wv_.similarity(a, b) for a in ANIMALS for b in VEHICLES]
    return np.mean(same) - np.mean(cross)


@pytest.mark.parametrize("n_shards", [1, 4])
def test_sharded_training_learns_as_plain_training_does(n_shards):
    from conftest import make_topic_corpus

    documents, _ = make_topic_corpus(400)
    params = dict(PARAMS, n_components=16, epochs=5, subsample=0.0)
    plain = Word2VecVectorizer(**params).fit(documents)
    sharded = Word2VecVectorizer(**params, n_shards=n_shards).fit(documents)
    # About 1.22 plain, 1.16 with one shard, 0.69 with four: 6 rounds an
    # epoch, each row of this 20-word corpus touched by every shard, which
    # the combination averages (the benchmark measures a real corpus).
    assert topic_separation(plain) > 1.0
    floor = 0.9 if n_shards == 1 else 0.45
    assert topic_separation(sharded) > floor * topic_separation(plain)
    assert np.all(np.isfinite(sharded.wv_.vectors))


def test_n_jobs_keeps_its_meaning_without_a_cluster(topic_corpus):
    documents, _ = topic_corpus
    assert cluster_size() is None
    with joblib.parallel_backend("threading", n_jobs=2), observed_rounds() as rounds:
        assert cluster_size() is None
        model = Word2VecVectorizer(**PARAMS, n_jobs=1).fit(documents)
    assert rounds == []
    plain = Word2VecVectorizer(**PARAMS, n_jobs=1).fit(documents)
    np.testing.assert_array_equal(model.wv_.vectors, plain.wv_.vectors)


def test_partial_fit_trains_sharded_too(topic_corpus):
    documents, _ = topic_corpus
    model = Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents[:30])
    model.partial_fit(documents[30:])
    assert model.loss_curve_.shape == (4,)
    assert np.all(np.isfinite(model.wv_.vectors))


def test_a_round_lost_by_the_cluster_is_run_again(monkeypatch, topic_corpus):
    documents, _ = topic_corpus
    expected = Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents)
    failed = []
    real = _distributed.train_round

    class LostWorker(Exception):
        __module__ = "distributed.scheduler"  # as a cluster's errors are

    def flaky(W, settings, task):
        if (task.epoch, task.round, task.shard) == (1, 0, 1) and not failed:
            failed.append(task)
            raise LostWorker("worker lost")
        return real(W, settings, task)

    monkeypatch.setattr(_distributed, "train_round", flaky)
    model = Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents)
    assert failed
    np.testing.assert_array_equal(model.wv_.vectors, expected.wv_.vectors)


def test_a_round_the_cluster_keeps_losing_raises(monkeypatch, topic_corpus):
    documents, _ = topic_corpus

    class LostWorker(Exception):
        __module__ = "distributed.scheduler"

    def lost(W, settings, task):
        raise LostWorker("worker lost")

    monkeypatch.setattr(_distributed, "train_round", lost)
    with pytest.raises(RuntimeError, match="Round 1/.* of epoch 1 failed 3 times"):
        Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents)


def test_other_task_errors_pass_through(monkeypatch, topic_corpus):
    documents, _ = topic_corpus

    def broken(W, settings, task):
        raise ValueError("broken task")

    monkeypatch.setattr(_distributed, "train_round", broken)
    with pytest.raises(ValueError, match="broken task"):
        Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents)


def _train_round_or_die(W, settings, task):
    """train_round, but shard 1 of round 1 of epoch 2 kills its worker, once."""
    marker = os.environ.get("SKLEARN_W2V_TEST_MARKER")
    position = (task.epoch, task.round, task.shard)
    if marker and position == (1, 0, 1) and not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)
    return train_round(W, settings, task)


@pytest.mark.slow
def test_a_local_cluster_trains_as_the_simulation_does():
    from conftest import make_topic_corpus

    documents, _ = make_topic_corpus(200)
    simulated = Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents)
    runs = []
    with local_cluster(), observed_rounds() as rounds:
        assert cluster_size() == 2
        for _ in range(2):
            runs.append(Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents))
    assert all(r["bytes_to_workers"] > 0 for r in rounds)
    np.testing.assert_array_equal(runs[0].wv_.vectors, runs[1].wv_.vectors)
    np.testing.assert_allclose(
        runs[0].wv_.vectors, simulated.wv_.vectors, rtol=1e-5, atol=1e-6
    )


@pytest.mark.slow
def test_a_worker_killed_mid_round_gives_the_same_vectors(monkeypatch, tmp_path):
    from conftest import make_topic_corpus

    documents, _ = make_topic_corpus(200)
    expected = Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents)
    marker = tmp_path / "killed"
    # Set before the workers start, so that they inherit it.
    monkeypatch.setenv("SKLEARN_W2V_TEST_MARKER", str(marker))
    monkeypatch.setattr(_distributed, "train_round", _train_round_or_die)
    with local_cluster():
        model = Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents)
    assert marker.exists()  # a worker did die
    np.testing.assert_allclose(
        model.wv_.vectors, expected.wv_.vectors, rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("n_shards", [2, 3])
def test_counting_in_parts_gives_the_counts_of_one_pass(topic_corpus, n_shards):
    documents, _ = topic_corpus
    plain = Word2VecVectorizer(**PARAMS).fit(documents)
    sharded = Word2VecVectorizer(**PARAMS, n_shards=n_shards)
    X = sharded.fit_transform(documents)
    assert X.shape == (len(documents), PARAMS["n_components"])
    assert sharded.wv_.index_to_key == plain.wv_.index_to_key
    np.testing.assert_array_equal(sharded.word_counts_, plain.word_counts_)
    np.testing.assert_allclose(sharded.idf_, plain.idf_)


def test_a_line_corpus_is_counted_file_by_file(tmp_path, topic_corpus):
    from sklearn_w2v import LineCorpus

    documents, _ = topic_corpus
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text("\n".join(documents[i::3]) + "\n")
    corpus = LineCorpus(sorted(tmp_path.iterdir()))
    parts = counting.corpus_parts(corpus, 2)
    assert [len(part.paths) for part in parts] == [2, 1]
    assert [doc for part in parts for doc in part] == list(corpus)
    plain = Word2VecVectorizer(**PARAMS).fit(corpus)
    sharded = Word2VecVectorizer(**PARAMS, n_shards=2).fit(corpus)
    assert sharded.wv_.index_to_key == plain.wv_.index_to_key
    np.testing.assert_array_equal(sharded.word_counts_, plain.word_counts_)


def test_a_generator_is_counted_in_one_pass(topic_corpus):
    documents, _ = topic_corpus
    assert counting.corpus_parts(iter(documents), 2) is None
    model = Word2VecVectorizer(**PARAMS, n_shards=2).fit(iter(documents))
    listed = Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents)
    np.testing.assert_array_equal(model.wv_.vectors, listed.wv_.vectors)


class _LostWorker(Exception):
    pass


def _dies_after(documents, n_read):
    """The documents, until a worker is lost after reading ``n_read`` of them."""
    yield from documents[:n_read]
    raise _LostWorker


def test_a_retried_counting_task_gives_the_spool_of_one_attempt(tmp_path):
    documents = [f"doc{i} word{i % 7} word{i % 3}" for i in range(50)]
    analyzer = build_analyzer(Word2VecVectorizer().get_params())
    part = str(tmp_path / "part-1")
    with pytest.raises(_LostWorker):
        counting.count_part(_dies_after(documents, 30), analyzer, "content", part)
    retried = counting.count_part(documents, analyzer, "content", part)
    (tmp_path / "alone").mkdir()
    alone = counting.count_part(
        documents, analyzer, "content", str(tmp_path / "alone" / "part-1")
    )
    assert retried.slots == alone.slots
    assert retried.counts.tolist() == alone.counts.tolist()
    rows = np.arange(len(alone.slots))
    retried.map_slots(rows)
    alone.map_slots(rows)
    for (ids, docs), (ids_alone, docs_alone) in zip(retried, alone, strict=True):
        assert ids.tolist() == ids_alone.tolist()
        assert docs.tolist() == docs_alone.tolist()
    assert retried.n_documents == len(documents)


def test_a_cluster_backend_alone_does_not_shard_a_fit(topic_corpus):
    distributed = pytest.importorskip("dask.distributed")
    documents, _ = topic_corpus
    local = Word2VecVectorizer(**PARAMS).fit(documents)
    # Workers in this process start in a tenth of a second.
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_config(backend="dask"),
        observed_rounds() as rounds,
    ):
        assert cluster_size() == 2
        model = Word2VecVectorizer(**PARAMS).fit(documents)
    assert rounds == []
    np.testing.assert_array_equal(model.wv_.vectors, local.wv_.vectors)


@pytest.mark.slow
def test_a_grid_search_on_dask_scores_as_a_local_one(topic_corpus):
    distributed = pytest.importorskip("dask.distributed")
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.pipeline import Pipeline

    documents, labels = topic_corpus
    pipeline = Pipeline(
        [("w2v", Word2VecVectorizer(**PARAMS)), ("clf", LogisticRegression())]
    )
    # The log loss moves with any change of the vectors; accuracy is 1 here.
    search = GridSearchCV(
        pipeline,
        {"w2v__window": [2, 4], "w2v__pooling": ["mean", "sif"]},
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
        scoring="neg_log_loss",
    )
    local = clone(search).fit(documents, labels)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_config(backend="dask"),
    ):
        # n_jobs=None fits in this process, under the backend; -1 on the workers.
        remotes = [
            clone(search).set_params(n_jobs=n_jobs).fit(documents, labels)
            for n_jobs in (None, -1)
        ]
    keys = [key for key in local.cv_results_ if key.startswith(("split", "mean_t"))]
    for remote in remotes:
        for key in keys:
            np.testing.assert_array_equal(
                remote.cv_results_[key], local.cv_results_[key], err_msg=key
            )
        # The refit runs in this process, under the backend too.
        np.testing.assert_array_equal(
            remote.best_estimator_["w2v"].wv_.vectors,
            local.best_estimator_["w2v"].wv_.vectors,
        )


def _line_kinds(text):
    """The lines of ``text`` with their numbers blanked: what kind of line each is."""
    return [re.sub(r"\d+(?:[.,]\d+)*", "#", line) for line in text.strip().splitlines()]


@pytest.mark.parametrize("verbose", [1, 2])
def test_sharded_and_local_fits_print_the_same_kinds_of_lines(verbose, capsys):
    from conftest import make_topic_corpus

    documents, _ = make_topic_corpus(400)
    params = dict(PARAMS, subsample=0.0, verbose=verbose)
    Word2VecVectorizer(**params).fit(documents)
    local = _line_kinds(capsys.readouterr().err)
    Word2VecVectorizer(**params, n_shards=3).fit(documents)
    sharded = _line_kinds(capsys.readouterr().err)
    epoch_line = "epoch #/#: loss #, # words/s, elapsed #s, ETA #s"
    assert sharded.count(epoch_line) == local.count(epoch_line) == 2
    if verbose == 1:
        assert sharded == local
    else:
        # Tenths of each epoch, as the local fit prints them.
        tenth_line = "epoch #/# #%: loss #, # words/s, elapsed #s, ETA #s"
        assert sharded.count(tenth_line) >= 10
        epoch_kinds = {epoch_line, tenth_line}
        assert {kind for kind in local if kind.startswith("epoch")} == epoch_kinds
        assert {kind for kind in sharded if kind.startswith("epoch")} == epoch_kinds
