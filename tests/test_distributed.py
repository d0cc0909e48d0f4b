"""Data-parallel training over shards: combining, shards, rounds, clusters, faults."""

import os
import re
from contextlib import contextmanager

import joblib
import numpy as np
import pytest
from _cluster import local_cluster
from sklearn.base import clone

from sklearn_w2v import Word2VecVectorizer, _fitting
from sklearn_w2v._corpus import parts as counting
from sklearn_w2v._corpus.parts import cluster_size
from sklearn_w2v._corpus.text import build_analyzer
from sklearn_w2v._engine import hooks, mailboxes
from sklearn_w2v._engine import replicas as _replicas
from sklearn_w2v._engine import sharded as _distributed
from sklearn_w2v._engine.delta_combination import combine_ranges
from sklearn_w2v._engine.mailboxes import Mailbox
from sklearn_w2v._engine.replicas import (
    SYNC_ROWS,
    EpochPlan,
    apply_sync,
    check_message,
    round_message,
    sync_ranges,
)
from sklearn_w2v._engine.sharded import write_shards

PARAMS = dict(n_components=8, min_count=1, epochs=2, random_state=0, batch_size=64)


@contextmanager
def observed_rounds():
    """The fields of every ``"exchange"`` event emitted while the context is open."""
    rounds = []

    def observer(event, fields):
        if event == "exchange":
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


def reference_combination(results, n_rows):
    """The curvature rule, row by row: {row: combined delta} of the rows changed."""
    combined = {}
    for row in range(n_rows):
        steps, curvatures = [], []
        for shard_rows, shard_delta, shard_curvature in results:
            if row in shard_rows:
                at = list(shard_rows).index(row)
                steps.append(shard_delta[at].astype(np.float64))
                curvatures.append(float(shard_curvature[at]))
        if steps:
            covered = sum(min(h, 1.0) for h in curvatures)
            scale = min(sum(curvatures), 1.0) / covered if covered else 1.0
            combined[row] = scale * np.sum(steps, axis=0)
    return combined


@pytest.mark.parametrize("n_shards", [1, 2, 3, 5])
@pytest.mark.parametrize("dense", [False, True])
def test_curvature_rule_matches_a_loop_over_rows(n_shards, dense):
    rng = np.random.default_rng(n_shards)
    results = [
        (rows, delta, (3 * rng.random(len(rows)) ** 3).astype(np.float32))
        for rows, delta in random_results(rng, n_shards=n_shards)
    ]
    if dense:  # every shard changed every row: the fast path
        results = [
            (np.arange(12), rng.standard_normal((12, 3)).astype(np.float32), c)
            for c in (rng.random((n_shards, 12)) * 2).astype(np.float32)
        ]
    rows, delta = combine_ranges(results, 12)
    expected = reference_combination(results, 12)
    assert rows.tolist() == sorted(expected)
    for row, combined in zip(rows, delta, strict=True):
        np.testing.assert_allclose(combined, expected[row], rtol=1e-5)


def test_curvature_rule_sums_rare_rows_and_averages_saturated_ones():
    row = np.array([0])
    x = np.array([[1.0, 0.0]], dtype=np.float32)
    y = np.array([[0.0, 1.0]], dtype=np.float32)
    rare, saturated = np.array([0.01], np.float32), np.array([5.0], np.float32)
    # Rare: the shards' steps add up, as one after the other would.
    assert combine_ranges([(row, x, rare), (row, x, rare)], 1)[1].tolist() == [
        [2.0, 0.0]
    ]
    assert combine_ranges([(row, x, rare), (row, y, rare)], 2)[1].tolist() == [
        [1.0, 1.0]
    ]
    # Saturated everywhere: the mean, whatever the directions.
    mean = combine_ranges([(row, x, saturated), (row, y, saturated)], 1)[1]
    np.testing.assert_allclose(mean, [[0.5, 0.5]])
    # One shard's row passes unchanged, also with no recorded curvature.
    zero = np.zeros(1, np.float32)
    assert combine_ranges([(row, x, zero)], 3)[1].tolist() == x.tolist()


@pytest.mark.parametrize("hierarchical", [False, True])
def test_busy_rows_sync_every_round_and_all_rows_at_the_epochs_end(hierarchical):
    n_words = 20 * SYNC_ROWS
    shape = (2, n_words + 1, 4)
    n_rounds = 40
    tops = []
    for r in range(n_rounds):
        (a, b), (c, d) = sync_ranges(r, n_rounds, shape, hierarchical)
        assert a == 0
        tops.append(b)
        if hierarchical:  # the root, the last inner node, and those under it
            assert d == shape[1] + n_words - 1 and d - c == min(b, n_words - 1)
        else:
            assert c == shape[1] and d - c == b
        # Never a padding row.
        assert b <= n_words and d <= 2 * shape[1] - 1
    # Every round the first SYNC_ROWS, every second round twice as many...
    position = np.arange(1, n_rounds + 1)
    level = np.log2(position & -position).astype(int)
    expected = np.minimum(SYNC_ROWS << level, n_words)
    expected[-1] = n_words
    assert tops == expected.tolist()
    assert tops.count(n_words) == 2  # round 32 and the last


def test_apply_sync_gives_every_replica_the_combined_rows():
    rng = np.random.default_rng(0)
    agreed = rng.standard_normal((10, 3)).astype(np.float32)
    ranges = [(0, 4), (5, 9)]
    replicas, curvatures = [agreed.copy(), agreed.copy()], []
    for replica in replicas:
        replica[rng.random(10) < 0.6] += 0.5
        curvatures.append(rng.random(10))
    messages = [
        round_message(replica, agreed, ranges, curvature)
        for replica, curvature in zip(replicas, curvatures, strict=True)
    ]
    for curvature in curvatures:  # sent curvature is reset, the rest kept
        assert not curvature[0:4].any() and not curvature[5:9].any()
        assert curvature[4] > 0 and curvature[9] > 0
    before, unsynced = agreed.copy(), [replica[[4, 9]].copy() for replica in replicas]
    apply_sync(replicas, agreed, messages, ranges)
    for start, stop in ranges:
        parts = [message[ranges.index((start, stop))] for message in messages]
        combined = reference_combination(parts, stop - start)
        for row in range(start, stop):
            expected = before[row] + combined.get(row - start, 0.0)
            np.testing.assert_allclose(agreed[row], expected, rtol=1e-5, atol=1e-6)
            for replica in replicas:
                np.testing.assert_array_equal(replica[row], agreed[row])
    # Rows outside the ranges are not agreed on yet: each replica keeps its own.
    np.testing.assert_array_equal(agreed[[4, 9]], before[[4, 9]])
    for replica, own in zip(replicas, unsynced, strict=True):
        np.testing.assert_array_equal(replica[[4, 9]], own)


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
        tuple(_replicas.round_seed(3, e, r, s).generate_state(2))
        for e in range(2)
        for r in range(2)
        for s in range(2)
    }
    assert len(seeds) == 8
    same = _replicas.round_seed(3, 1, 0, 1).generate_state(2)
    np.testing.assert_array_equal(
        same, _replicas.round_seed(3, 1, 0, 1).generate_state(2)
    )


PLAN = EpochPlan(1, 10, 0, (("ids.npy", "docs.npy"),) * 4, (1.0,) * 4, None)
RANGES = [(0, 3), (5, 8)]


def message(rows=(0, 1), delta=None, curvature=None):
    rows = np.asarray(rows)
    delta = np.zeros((len(rows), 4), np.float32) if delta is None else delta
    curvature = np.zeros(len(rows), np.float32) if curvature is None else curvature
    return [(rows, delta, curvature), (np.array([2]), np.zeros((1, 4), np.float32),
            np.zeros(1, np.float32))]  # fmt: skip


@pytest.mark.parametrize(
    "bad",
    [
        None,
        message()[:1],  # one range missing
        message(delta=np.zeros((1, 4), np.float32)),
        message(rows=(1, 0)),
        message(rows=(0, 3)),  # outside the range
        message(rows=(0.0, 1.0)),
        message(delta=np.zeros((2, 4), np.float64)),
        message(curvature=np.zeros(3, np.float32)),
        message(curvature=np.zeros(2, np.float64)),
    ],
)
def test_malformed_messages_raise_naming_the_shard_and_round(bad):
    check_message(message(), 3, PLAN, 2, RANGES, 4)  # a good one passes
    with pytest.raises(
        RuntimeError, match="Shard 3 sent a malformed update in round 3/10 of epoch 2"
    ):
        check_message(bad, 3, PLAN, 2, RANGES, 4)


def test_non_finite_messages_raise_naming_the_shard_and_round():
    delta = np.zeros((2, 4), dtype=np.float32)
    delta[1, 2] = np.inf
    with pytest.raises(FloatingPointError, match="Shard 3 .* round 3/10 of epoch 2"):
        check_message(message(delta=delta), 3, PLAN, 2, RANGES, 4)
    for bad in (np.nan, -1.0):
        curvature = np.array([1.0, bad], dtype=np.float32)
        with pytest.raises(FloatingPointError, match="Shard 3 .* round 3/10"):
            check_message(message(curvature=curvature), 3, PLAN, 2, RANGES, 4)


@pytest.mark.parametrize("n_shards", [0, -1, 1.5, "2"])
def test_bad_n_shards_is_named(topic_corpus, n_shards):
    documents, _ = topic_corpus
    with pytest.raises(ValueError, match="n_shards"):
        Word2VecVectorizer(**PARAMS, n_shards=n_shards).fit(documents)


def test_sharded_fit_is_reproducible_and_differs_by_shard_count(topic_corpus):
    documents, _ = topic_corpus
    with observed_rounds() as epochs:
        first = Word2VecVectorizer(**PARAMS, n_shards=3).fit(documents)
    second = Word2VecVectorizer(**PARAMS, n_shards=3).fit(documents)
    np.testing.assert_array_equal(first.wv_.vectors, second.wv_.vectors)
    other = Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents)
    assert not np.array_equal(first.wv_.vectors, other.wv_.vectors)
    assert first.loss_curve_.shape == (2,)
    assert first.n_words_trained_ > 0
    # One event per epoch; in this process, one task that holds every shard.
    assert [e["epoch"] for e in epochs] == [0, 1]
    assert all(e["n_shards"] == 3 and e["n_tasks"] == 1 for e in epochs)
    assert all(e["n_rounds"] >= 1 and e["bytes_sent"][0] > 0 for e in epochs)


def sharded_setup(tmp_path, n_shards, **params):
    """(W, settings, plan) of the first epoch of a sharded fit of the topic corpus."""
    from conftest import make_topic_corpus

    documents, _ = make_topic_corpus(200)
    model = Word2VecVectorizer(**dict(PARAMS, **params), n_shards=n_shards)
    captured = {}
    real = _distributed.ShardedExecutor.train_epoch

    def capture(executor, W, epoch, progress):
        if not captured:
            captured.update(W=W.copy(), executor=executor)
        return real(executor, W, epoch, progress)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_distributed.ShardedExecutor, "train_epoch", capture)
        patch.setattr(_fitting, "train_sharded", _train_sharded_in(tmp_path))
        model.fit(documents)
    executor = captured["executor"]
    return captured["W"], executor.settings, executor.plan(0)


def _train_sharded_in(directory):
    """train_sharded, writing its files in ``directory``, which outlives the fit."""
    real = _distributed.train_sharded

    def train(*args, **kwargs):
        return real(*args, **dict(kwargs, directory=directory))

    return train


def test_one_shard_trains_its_rounds_as_one_process_does(tmp_path):
    W, settings, plan = sharded_setup(tmp_path, 1, batch_size=16)
    sharded = W.copy()
    _replicas.train_epoch_group(sharded, settings, plan, [0], _replicas.LocalExchange())
    # The same rounds, straight on the weights, with nothing to agree on.
    plain = W.copy()
    curvature = np.zeros(W.shape[0] * W.shape[1])
    shard = _replicas.shard_settings(settings, plan, 0)
    arrays = _replicas.open_shard(plan.shards[0])
    for r in range(plan.n_rounds):
        _replicas.train_shard_round(plain, shard, plan, 0, r, curvature, arrays)
    assert plan.n_rounds > 2
    np.testing.assert_allclose(sharded, plain, rtol=1e-5, atol=1e-6)
    assert not np.array_equal(sharded, W)


class ThreadExchange:
    """The exchange of one of several threads, each holding some shards."""

    def __init__(self, boxes, me):
        self.boxes, self.me = boxes, me

    def send(self, tag, messages):
        self.own = messages
        for t, box in enumerate(self.boxes):
            if t != self.me:
                box.put((tag, self.me), messages)

    def receive(self, tag):
        everyone = dict(self.own)
        for t in range(len(self.boxes)):
            if t != self.me:
                everyone.update(self.boxes[self.me].take((tag, t), timeout=30))
        return everyone


@pytest.mark.parametrize("groups", [[[0, 2], [1]], [[0], [1], [2]]])
def test_shards_trained_by_several_processes_agree_with_one(tmp_path, groups):
    from concurrent.futures import ThreadPoolExecutor

    W, settings, plan = sharded_setup(tmp_path, 3)
    together = W.copy()
    _replicas.train_epoch_group(
        together, settings, plan, [0, 1, 2], _replicas.LocalExchange()
    )
    boxes = [Mailbox() for _ in groups]
    apart = [W.copy() for _ in groups]
    with ThreadPoolExecutor(len(groups)) as pool:
        results = list(
            pool.map(
                lambda t: _replicas.train_epoch_group(
                    apart[t], settings, plan, groups[t], ThreadExchange(boxes, t)
                ),
                range(len(groups)),
            )
        )
    # Every process ends the epoch with the same agreed weights, those of one
    # process that trains every shard, whatever the grouping.
    for weights in apart:
        np.testing.assert_allclose(weights, together, rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(weights, apart[0])
    assert sum(result[1] for result in results) > 0


def test_a_cluster_backend_without_a_dask_client_is_refused(topic_corpus):
    from joblib.parallel import ParallelBackendBase, register_parallel_backend

    class RemoteBackend(joblib._parallel_backends.ThreadingBackend):
        def effective_n_jobs(self, n_jobs):
            return 2

    assert issubclass(RemoteBackend, ParallelBackendBase)
    register_parallel_backend("remote-for-test", RemoteBackend)
    documents, _ = topic_corpus
    with joblib.parallel_backend("remote-for-test"):
        assert cluster_size() == 2
        with pytest.raises(RuntimeError, match="no dask.distributed Client"):
            Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents)


def test_a_mailbox_waits_for_its_message_and_wakes_on_abort():
    box = Mailbox()
    assert box.take((0, 1), timeout=0.01) is None
    box.put((0, 1), "message")
    assert box.take((0, 1), timeout=0.01) == "message"
    assert box.take((0, 1), timeout=0.01) is None  # taken once
    box.abort("a peer task failed")
    with pytest.raises(RuntimeError, match="a peer task failed"):
        box.take((1, 1), timeout=10)


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


def _epoch_task_or_die(W, settings, plan, groups, mailboxes, me):
    """The epoch task, but the worker of shard 1 dies in round 1 of epoch 2, once."""
    marker = os.environ.get("SKLEARN_W2V_TEST_MARKER")

    def die(event, fields):
        position = (fields.get("epoch"), fields.get("round"), fields.get("shard"))
        if event == "shard round" and position == (1, 0, 1):
            if marker and not os.path.exists(marker):
                open(marker, "w").close()
                os._exit(1)

    with hooks.observing(die):
        return mailboxes_module().epoch_task(W, settings, plan, groups, mailboxes, me)


def mailboxes_module():
    from sklearn_w2v._engine import mailboxes as module

    return module


def _failing_epoch_task(W, settings, plan, groups, mailboxes, me):
    raise ValueError("broken task")


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
    assert all(r["n_tasks"] == 2 and min(r["bytes_sent"]) > 0 for r in rounds)
    np.testing.assert_array_equal(runs[0].wv_.vectors, runs[1].wv_.vectors)
    np.testing.assert_allclose(
        runs[0].wv_.vectors, simulated.wv_.vectors, rtol=1e-5, atol=1e-6
    )


@pytest.mark.slow
def test_a_worker_killed_mid_epoch_gives_the_same_vectors(monkeypatch, tmp_path):
    from conftest import make_topic_corpus

    documents, _ = make_topic_corpus(200)
    expected = Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents)
    marker = tmp_path / "killed"
    # Set before the workers start, so that they inherit it.
    monkeypatch.setenv("SKLEARN_W2V_TEST_MARKER", str(marker))
    monkeypatch.setattr(mailboxes, "epoch_task", _epoch_task_or_die)
    with local_cluster(), observed_rounds() as epochs:
        model = Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents)
    assert marker.exists()  # a worker did die
    assert [e["epoch"] for e in epochs] == [0, 1]
    # The epoch ran again from the weights agreed before it.
    np.testing.assert_allclose(
        model.wv_.vectors, expected.wv_.vectors, rtol=1e-5, atol=1e-6
    )


@pytest.mark.slow
def test_a_task_error_on_the_cluster_passes_through(monkeypatch):
    from conftest import make_topic_corpus

    documents, _ = make_topic_corpus(200)
    monkeypatch.setattr(mailboxes, "epoch_task", _failing_epoch_task)
    with local_cluster(), pytest.raises(ValueError, match="broken task"):
        Word2VecVectorizer(**PARAMS, n_shards=2).fit(documents)


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
