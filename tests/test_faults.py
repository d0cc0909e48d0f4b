"""Faults and interruption: forked jobs, dead parents, failed calls, runaways."""

import errno
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v._corpus import spool as spool_module
from sklearn_w2v._engine.jobs import CAN_FORK, run_job_in_child
from sklearn_w2v._engine.sharded import write_shards
from sklearn_w2v.datasets import load_sotu

requires_fork = pytest.mark.skipif(not CAN_FORK, reason="jobs fork on Linux only")

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


# The spool of a fit: a killed fit, a full temporary folder

SPOOL_SCRIPT = """
import sys
import numpy as np
from sklearn_w2v import Word2VecVectorizer

rng = np.random.default_rng(0)
documents = [" ".join(f"w{i}" for i in rng.integers(0, 2000, 30)) for _ in range(400)]
Word2VecVectorizer(
    n_jobs=int(sys.argv[1]), epochs=400, min_count=1, n_components=16, random_state=0
).fit(documents)
"""


def _spools(folder):
    return sorted(folder.glob("sklearn_w2v-*"))


@pytest.mark.slow
@pytest.mark.parametrize("n_jobs", [1, pytest.param(2, marks=requires_fork)])
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_fit_leaves_no_spool(tmp_path, monkeypatch, signum, n_jobs):
    folder = tmp_path / "tmp"
    folder.mkdir()
    script = tmp_path / "fit.py"
    script.write_text(SPOOL_SCRIPT)
    env = {**os.environ, "TMPDIR": str(folder)}
    fit = subprocess.Popen([sys.executable, str(script), str(n_jobs)], env=env)
    jobs = []
    try:
        deadline = time.monotonic() + 60
        # rows-0.npy: the corpus is counted and encoded, training starts.
        while not list(folder.glob("sklearn_w2v-*/rows-0.npy")):
            assert time.monotonic() < deadline and fit.poll() is None
            time.sleep(0.05)
        time.sleep(0.3)
        jobs = _children(fit.pid)
        fit.send_signal(signum)
        assert fit.wait(timeout=30) == -signum
    finally:
        fit.kill()
    if signum == signal.SIGTERM:
        assert _spools(folder) == []
        return
    assert _spools(folder), "the spool was there when the fit was killed"
    deadline = time.monotonic() + 20  # the jobs die with it, holding its lock
    while any(map(_alive, jobs)) and time.monotonic() < deadline:
        time.sleep(0.05)
    # The next fit that uses this temporary folder removes the stale spool.
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    Word2VecVectorizer(n_components=4, min_count=1, epochs=1).fit(
        ["alpha beta", "beta gamma"]
    )
    assert list(folder.iterdir()) == []


class _SendsSigterm:
    """Documents that send SIGTERM to this process while ``fit`` reads them."""

    def __init__(self, folder):
        self.folder = folder
        self.spools_seen = None

    def __iter__(self):
        yield "alpha beta gamma"
        self.spools_seen = _spools(self.folder)
        os.kill(os.getpid(), signal.SIGTERM)
        yield "beta gamma delta"


@pytest.fixture
def sigterm_handler():
    """Restore SIGTERM's handler after the test."""
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


def test_a_programs_sigterm_handler_is_called_and_restored(
    tmp_path, monkeypatch, sigterm_handler
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    calls = []

    def handler(signum, frame):
        calls.append(signum)

    signal.signal(signal.SIGTERM, handler)
    documents = _SendsSigterm(tmp_path)
    Word2VecVectorizer(n_components=4, min_count=1, epochs=1).fit(documents)
    assert calls == [signal.SIGTERM]
    assert len(documents.spools_seen) == 1  # the handler did not remove it
    assert signal.getsignal(signal.SIGTERM) is handler
    assert list(tmp_path.iterdir()) == []


def test_a_sigterm_handler_that_exits_unwinds_the_fit_and_removes_the_spool(
    tmp_path, monkeypatch, sigterm_handler
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    documents = _SendsSigterm(tmp_path)
    with pytest.raises(SystemExit):
        Word2VecVectorizer(n_components=4, min_count=1).fit(documents)
    assert len(documents.spools_seen) == 1
    assert list(tmp_path.iterdir()) == []


def test_sigterm_is_handled_only_from_the_main_thread(sigterm_handler):
    seen = []

    class Documents:
        def __iter__(self):
            seen.append(signal.getsignal(signal.SIGTERM))
            yield "alpha beta gamma"

    Word2VecVectorizer(n_components=4, min_count=1, epochs=1).fit(Documents())
    thread = threading.Thread(
        target=Word2VecVectorizer(n_components=4, min_count=1, epochs=1).fit,
        args=(Documents(),),
    )
    thread.start()
    thread.join()
    assert seen[0] is not signal.SIG_DFL and callable(seen[0])
    assert seen[1] is signal.SIG_DFL
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_stale_spools_of_running_fits_and_other_folders_are_kept(tmp_path):
    with spool_module.spool_directory() as directory:
        pass
    folder = tmp_path
    unlocked = folder / "sklearn_w2v-unlocked"  # being created, or no locks
    unlocked.mkdir()
    (unlocked / "tokens.int32").write_bytes(bytes(8))
    other = folder / "sklearn_w2v-other.txt"
    other.write_text("not a folder")
    monkey = folder / "mine-sklearn_w2v-x"
    monkey.mkdir()
    (monkey / "lock").touch()
    running = tempfile.mkdtemp(prefix="sklearn_w2v-", dir=folder)
    lock = spool_module._hold_lock(running)
    try:
        spool_module.sweep_stale_spools(folder)
        assert sorted(folder.iterdir()) == sorted(
            [unlocked, other, monkey, Path(running)]
        )
    finally:
        os.close(lock)
    spool_module.sweep_stale_spools(folder)  # its lock released, as by a dead process
    assert sorted(folder.iterdir()) == sorted([unlocked, other, monkey])
    assert not os.path.exists(directory)


FULL_DISK_SCRIPT = """
import resource, signal, sys
import numpy as np
from sklearn_w2v import Word2VecVectorizer

documents = [" ".join(f"w{i}" for i in range(j, j + 100)) for j in range(2000)]
# Writes past 100 kB fail, as on a full disk (EFBIG, or a short write).
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
try:
    Word2VecVectorizer(n_components=4, min_count=1, epochs=1).fit(documents)
except OSError as exc:
    print(exc.errno, exc.filename, exc.strerror, sep="\\n")
"""


def _run_in_a_small_folder(tmp_path, script, *args):
    """Run ``script`` with TMPDIR a new folder; the folder and its 3 printed lines."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    process = subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**os.environ, "TMPDIR": str(folder)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stderr
    return folder, *process.stdout.splitlines()


@pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_FSIZE")
def test_a_full_temporary_folder_says_where_and_what_to_do(tmp_path):
    folder, number, filename, message = _run_in_a_small_folder(
        tmp_path, FULL_DISK_SCRIPT
    )
    assert int(number) == errno.ENOSPC
    assert Path(filename).parent.parent == folder
    assert Path(filename).name == "tokens.int32"
    assert message.startswith(f"no space left in {folder} while writing the corpus")
    assert "set TMPDIR to a folder with room" in message
    assert list(folder.iterdir()) == []


SHARDS_SCRIPT = """
import os, resource, signal, sys, tempfile
import numpy as np
from sklearn_w2v._engine.sharded import write_shards

if sys.argv[1] == "no reservation":
    del os.posix_fallocate  # a system that cannot reserve: the writes fail
ids = np.arange(100_000, dtype=np.int32)
folder = tempfile.mkdtemp()
# Files past 100 kB fail, as on a full disk; a shard's ids take 200 kB.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
try:
    write_shards([(ids, ids // 10)], len(ids), 2, folder)
except OSError as exc:
    print(exc.errno, exc.filename, exc.strerror, sep="\\n")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_FSIZE")
@pytest.mark.parametrize("reservation", ["reservation", "no reservation"])
def test_shards_without_room_raise_saying_where_and_how_much(tmp_path, reservation):
    # The shards were memory-mapped files: on a full disk the first page that
    # could not be stored killed the process with SIGBUS.
    folder, number, filename, message = _run_in_a_small_folder(
        tmp_path, SHARDS_SCRIPT, reservation
    )
    assert int(number) == errno.ENOSPC
    assert Path(filename).parent.parent == folder
    assert Path(filename).name == "shard-0-ids.npy"
    assert message.startswith(
        f"no space left in {folder} while writing the shards of the corpus"
    )
    # 100,000 tokens, 4 bytes of word id and 4 of document id each.
    assert "they need 0.8 MiB there" in message
    assert "set TMPDIR to a folder with room" in message


def test_shards_are_npy_arrays_equal_to_the_dealt_corpus(tmp_path):
    ids = np.arange(1000, dtype=np.int32)
    docs = ids // 7
    paths = write_shards(
        [(ids[:300], docs[:300]), (ids[300:], docs[300:])], 1000, 3, tmp_path
    )
    shards = [(np.load(words), np.load(documents)) for words, documents in paths]
    for words, documents in shards:
        assert words.dtype == documents.dtype == np.int32
        assert_array_equal(documents, words // 7)
    assert_array_equal(np.sort(np.concatenate([w for w, _ in shards])), ids)


@pytest.mark.parametrize(
    "error, full",
    [
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (OSError(errno.EFBIG, "File too large"), True),
        (OSError(getattr(errno, "EDQUOT", errno.ENOSPC), "Disk quota exceeded"), True),
        (OSError("120000 requested and 25000 written"), True),
        (OSError(errno.EACCES, "Permission denied"), False),
        (ValueError("not a write"), False),
    ],
)
def test_a_failed_spool_write_is_reported_as_no_space_only_when_it_is(
    tmp_path, error, full
):
    path = tmp_path / "spool" / "tokens.int32"
    with pytest.raises(type(error)) as raised:
        with spool_module._writing(path):
            raise error
    if full:
        assert raised.value.errno == errno.ENOSPC
        assert raised.value.filename == str(path)
        assert raised.value.__cause__ is error
    else:
        assert raised.value is error
