"""Faults and interruption: forked jobs, dead parents, failed calls, runaways."""

import os
import re
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v._training import _CAN_FORK, run_job_in_child
from sklearn_w2v.datasets import load_sotu

requires_fork = pytest.mark.skipif(not _CAN_FORK, reason="jobs fork on Linux only")

FIT_SCRIPT = """
import os, sys
import numpy as np
from sklearn_w2v import Word2VecVectorizer

rng = np.random.default_rng(0)
# 2,000 words: on a tiny vocabulary two jobs may diverge before the kill.
documents = [" ".join(f"w{i}" for i in rng.integers(0, 2000, 30)) for _ in range(400)]
try:
    Word2VecVectorizer(
        n_jobs=2, epochs=400, min_count=1, n_components=16, random_state=0
    ).fit(documents)
except BaseException as exc:
    # Only the process that called fit may ever get here.
    with open(os.path.join(sys.argv[1], f"caught-{os.getpid()}"), "w") as file:
        file.write(repr(exc))
"""


def _children(pid):
    """Process ids whose parent is ``pid``, read from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def _state(pid):
    """The process state letter (R, S, D, Z, ...), or None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def _alive(pid):
    return _state(pid) not in (None, "Z", "X")


@requires_fork
@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_training_jobs_die_with_their_parent_and_never_run_its_code(tmp_path, signum):
    script = tmp_path / "fit.py"
    script.write_text(FIT_SCRIPT)
    parent = subprocess.Popen([sys.executable, str(script), str(tmp_path)])
    children = []
    try:
        deadline = time.monotonic() + 60
        while not children and time.monotonic() < deadline:
            time.sleep(0.05)
            children = _children(parent.pid)
        assert children, "fit(n_jobs=2) started no training job"
        time.sleep(0.5)
        parent.send_signal(signum)
        parent.wait(timeout=30)
        # A job left alone would train for minutes; a busy machine may take
        # a few seconds to end it.
        deadline = time.monotonic() + 20
        while any(map(_alive, children)) and time.monotonic() < deadline:
            time.sleep(0.05)
        alive = {child: _state(child) for child in children if _alive(child)}
        assert not alive, f"jobs {alive} train on without their parent"
        # No process, the jobs included, went on into the caller's except block.
        caught = {path.name: path.read_text() for path in tmp_path.glob("caught-*")}
        assert not caught, f"parent {parent.pid}, jobs {children}: {caught}"
    finally:
        parent.kill()
        for child in children:
            if _alive(child):
                os.kill(child, signal.SIGKILL)


@requires_fork
def test_a_job_whose_result_cannot_be_sent_exits_instead_of_returning():
    read_end, write_end = os.pipe()
    os.close(read_end)  # the parent is gone: writing raises BrokenPipeError
    pid = os.fork()
    if pid == 0:  # pragma: no cover (child process)
        try:
            run_job_in_child(lambda W, job: job, None, 1, write_end, os.getppid())
        finally:
            os._exit(99)  # reached only if the job returned into its caller
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1


@requires_fork
def test_a_job_sends_its_result_and_exits_zero():
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (child process)
        os.close(read_end)
        try:
            run_job_in_child(lambda W, job: job * 10, None, 3, write_end, os.getppid())
        finally:
            os._exit(99)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        reply = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert __import__("pickle").loads(reply) == (True, 30)


# A failed call leaves the previous model


def _snapshot(vectorizer):
    return {
        name: value.copy() if isinstance(value, np.ndarray) else value
        for name, value in vars(vectorizer).items()
        if name.endswith("_")
    }


@pytest.fixture
def tfidf_model(topic_corpus, fast_params):
    documents, _ = topic_corpus
    return Word2VecVectorizer(**fast_params, pooling="tfidf").fit(documents)


NEW_DOCUMENTS = ["zebra lion tiger cat dog the"] * 20


def test_an_interrupted_partial_fit_leaves_the_previous_model(
    tfidf_model, topic_corpus, monkeypatch
):
    documents, _ = topic_corpus
    before = _snapshot(tfidf_model)
    expected = tfidf_model.transform(documents)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    # Interrupted while the pooling statistics are computed, after training.
    monkeypatch.setattr(Word2VecVectorizer, "_fit_pooling_blocks", interrupt)
    with pytest.raises(KeyboardInterrupt):
        tfidf_model.partial_fit(NEW_DOCUMENTS)
    monkeypatch.undo()
    after = _snapshot(tfidf_model)
    assert after.keys() == before.keys()
    for name, value in before.items():
        if isinstance(value, np.ndarray):
            assert_array_equal(after[name], value, err_msg=name)
    assert len(tfidf_model.wv_) == len(tfidf_model.idf_) == len(before["idf_"])
    assert "zebra" not in tfidf_model.vocabulary_
    assert_array_equal(tfidf_model.transform(documents), expected)
    # And it goes on as if the failed call had not happened.
    fresh = Word2VecVectorizer(**tfidf_model.get_params())
    fresh.fit(documents).partial_fit(NEW_DOCUMENTS)
    tfidf_model.partial_fit(NEW_DOCUMENTS)
    assert_array_equal(tfidf_model.wv_.vectors, fresh.wv_.vectors)


def test_a_diverging_partial_fit_leaves_the_previous_model(tfidf_model, topic_corpus):
    documents, _ = topic_corpus
    vectors = tfidf_model.wv_.vectors.copy()
    n_epochs = len(tfidf_model.loss_curve_)
    tfidf_model.set_params(learning_rate=1e3)
    with pytest.raises(FloatingPointError, match="learning_rate=1000.0"):
        tfidf_model.partial_fit(NEW_DOCUMENTS)
    assert_array_equal(tfidf_model.wv_.vectors, vectors)
    assert len(tfidf_model.loss_curve_) == n_epochs
    assert tfidf_model.transform(documents).shape == (len(documents), 8)


# Runaway weights and absurd windows


@pytest.mark.parametrize("learning_rate", [1e3, 1e30])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_runaway_weights_raise_naming_the_learning_rate(learning_rate, seed):
    # With learning_rate=1e3 these fits used to end with finite weights of
    # 1e6 to 1e8 and no message.
    documents = load_sotu().data[:10]
    vectorizer = Word2VecVectorizer(
        n_components=16, epochs=2, learning_rate=learning_rate, random_state=seed
    )
    message = re.escape(f"learning_rate={learning_rate!r}")
    with pytest.raises(FloatingPointError, match=message):
        vectorizer.fit(documents)
    assert not hasattr(vectorizer, "wv_")


def test_a_high_learning_rate_that_converges_is_accepted(topic_corpus):
    documents, _ = topic_corpus
    vectorizer = Word2VecVectorizer(
        n_components=8, min_count=1, epochs=2, learning_rate=1e3, random_state=0
    ).fit(documents)
    assert np.abs(vectorizer.wv_.vectors).max() < 100


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_a_window_wider_than_every_document_is_the_whole_document(
    topic_corpus, algorithm
):
    documents, _ = topic_corpus  # 13 tokens a document
    params = dict(
        algorithm=algorithm, n_components=8, min_count=1, epochs=2, random_state=0
    )
    tracemalloc.start()
    try:
        wide = Word2VecVectorizer(**params, window=10**6).fit(documents)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20
    assert np.isfinite(wide.wv_.vectors).all()
    # Without shrinking, every window then spans its whole document.
    widest = Word2VecVectorizer(**params, window=10**6, shrink_windows=False)
    whole = Word2VecVectorizer(**params, window=12, shrink_windows=False)
    assert_array_equal(
        widest.fit(documents).wv_.vectors, whole.fit(documents).wv_.vectors
    )
