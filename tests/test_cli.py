"""The ``sklearn-w2v`` command line on tiny corpora.

The main paths run as subprocesses (``python -m sklearn_w2v``). Each one pays
a few seconds for importing scikit-learn, so the many small checks of
arguments and messages call ``main`` in-process instead.
"""

import bz2
import errno
import gzip
import lzma
import os
import re
import resource
import signal
import stat
import subprocess
import sys
import threading
from types import SimpleNamespace

import numpy as np
import pytest
from _fifo import FifoReader
from numpy.testing import assert_array_equal
from test_corpus import DAMAGED_FILES

from sklearn_w2v import KeyedVectors
from sklearn_w2v._cli.commands import main
from sklearn_w2v._keyedvectors import word2vec_format as _word2vec_format

TRAIN_FAST = ["--n-components", "8", "--min-count", "1", "--epochs", "2"]
TRAIN_FAST += ["--window", "3", "--subsample", "0", "--seed", "0"]


def run(*args, cwd=None):
    """Run ``python -m sklearn_w2v ARGS``; return the completed process."""
    return subprocess.run(
        [sys.executable, "-m", "sklearn_w2v", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def assert_one_line_error(process, status, pattern):
    """The process failed with ``status`` and one stderr line matching ``pattern``."""
    assert process.returncode == status, process.stderr
    assert "Traceback" not in process.stderr
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1, process.stderr
    assert re.search(pattern, lines[0]), lines[0]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, topic_corpus):
    """The topic corpus, one document per line."""
    path = tmp_path_factory.mktemp("cli") / "corpus.txt"
    path.write_text("\n".join(topic_corpus[0]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(corpus):
    """(process, path) of one ``train`` run writing binary vectors."""
    output = corpus.parent / "vectors.bin"
    return run("train", corpus, "-o", output, *TRAIN_FAST), output


def test_train_writes_binary_vectors_and_reports_progress(trained, topic_corpus):
    process, output = trained
    assert process.returncode == 0, process.stderr
    assert "Wrote 20 vectors of dimension 8" in process.stdout
    assert "binary word2vec format" in process.stdout
    # 60 documents of 13 words, every word kept by --min-count 1.
    assert "vectors for 20 words (780 tokens in the corpus)" in process.stderr
    assert "epoch 1/2" in process.stderr
    assert "epoch 2/2" in process.stderr
    kv = KeyedVectors.load_word2vec_format(output, binary=True)
    assert kv.vectors.shape == (20, 8)
    assert set(kv.index_to_key) == set(" ".join(topic_corpus[0]).split())


def test_train_reads_compressed_files_writes_text_quietly(tmp_path, topic_corpus):
    documents = topic_corpus[0]
    with gzip.open(tmp_path / "a.txt.gz", "wt", encoding="utf-8") as f:
        f.write("\n".join(documents[:30]) + "\n\n")  # a blank line is skipped
    with bz2.open(tmp_path / "b.txt.bz2", "wt", encoding="utf-8") as f:
        f.write("\n".join(documents[30:]))
    output = tmp_path / "vectors.txt"
    process = run(
        "train", "a.txt.gz", "b.txt.bz2", "-o", output.name, *TRAIN_FAST,
        "--algorithm", "cbow", "--word-vectors", "output", "--quiet",
        cwd=tmp_path,
    )  # fmt: skip
    assert process.returncode == 0, process.stderr
    assert process.stdout == process.stderr == ""
    kv = KeyedVectors.load_word2vec_format(output)
    assert kv.vectors.shape == (20, 8)
    # Output vectors start at zero and only the predicted words move.
    assert np.abs(kv.vectors).max() > 0


def test_similar_prints_nearest_words_with_scores(trained):
    _, vectors = trained
    process = run("similar", vectors, "cat", "--topn", "4")
    assert process.returncode == 0, process.stderr
    rows = [line.split("\t") for line in process.stdout.splitlines()]
    expected = KeyedVectors.load_word2vec_format(vectors, binary=True).most_similar(
        "cat", topn=4
    )
    assert [word for word, _ in rows] == [word for word, _ in expected]
    assert [float(score) for _, score in rows] == pytest.approx(
        [score for _, score in expected], abs=1e-4
    )


def test_analogy_excludes_the_question_words(trained, capsys):
    _, vectors = trained
    assert (
        main(["analogy", str(vectors), "cat", "dog", "car", "--method", "3cosmul"]) == 0
    )
    words = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert len(words) == 5
    assert not {"cat", "dog", "car"} & set(words)


def test_evaluate_reports_analogies_and_pairs(trained, tmp_path):
    _, vectors = trained
    analogies = tmp_path / "questions.txt"
    analogies.write_text(": animals\ncat dog cow pig\ncat dog zebra lion\n")
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("cat\tdog\t9\ncat\tcar\t1\nbus\ttram\t8\ncow\tplane\t0.5\n")
    process = run("evaluate", vectors, "--analogies", analogies, "--pairs", pairs)
    assert process.returncode == 0, process.stderr
    lines = process.stdout.splitlines()
    assert lines[0].startswith(f"Analogies ({analogies}): accuracy ")
    assert "of 1 answered, 1 skipped" in lines[0]
    assert lines[1].split()[0] == "animals"
    assert lines[2].startswith(f"Word pairs ({pairs}): Spearman ")
    assert "0 of 4 pairs out of vocabulary" in lines[2]


def test_missing_corpus_is_one_line_error(tmp_path):
    process = run("train", tmp_path / "missing.txt", "-o", tmp_path / "v.bin")
    assert_one_line_error(
        process, 1, r"^sklearn-w2v train: error: cannot read .*missing\.txt: No such"
    )


def test_bad_option_value_is_one_line_usage_error(corpus, tmp_path):
    output = tmp_path / "v.bin"
    process = run("train", corpus, "-o", output, "--window", "0")
    assert_one_line_error(
        process, 2, r"argument --window: must be an int in the range \[1, inf\), got 0"
    )
    assert not output.exists()


def test_unknown_word_is_one_line_error(trained):
    _, vectors = trained
    process = run("similar", vectors, "Cat")
    assert_one_line_error(
        process,
        1,
        r"'Cat' is not in the vocabulary .* \(20 words\); did you mean 'cat'",
    )


def test_invalid_parameter_value_is_one_line_error(corpus, tmp_path, capsys):
    output = tmp_path / "v.bin"
    argv = ["train", str(corpus), "-o", str(output), "--min-count", "1000", "-q"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("sklearn-w2v train: error: min_count=1000 leaves an empty")
    assert len(err.strip().splitlines()) == 1
    assert not output.exists()


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("train", "similar", "analogy", "evaluate", "demo"):
        assert command in out


@pytest.mark.parametrize("command", ["train", "similar", "analogy", "evaluate", "demo"])
def test_help_of_each_command(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: sklearn-w2v {command}")


@pytest.mark.parametrize(
    "argv, pattern",
    [
        ([], r"the following arguments are required: COMMAND"),
        (["train", "c.txt"], r"the following arguments are required: -o"),
        (["train", "c.txt", "-o", "v", "--epochs", "x"], r"invalid int value: 'x'"),
        (["train", "c.txt", "-o", "v", "--algorithm", "glove"], r"invalid choice"),
        (["train", "c.txt", "-o", "v", "--n-jobs", "0"], r"--n-jobs/--threads: must"),
        (["train", "c.txt", "-o", "v", "--binary", "--text"], r"not allowed with"),
        (["similar", "v.bin"], r"required: WORD"),
        (["similar", "v.bin", "war", "--topn", "0"], r"--topn: must be >= 1"),
        (["evaluate", "v.bin"], r"give --analogies FILE, --pairs FILE or both"),
    ],
)
def test_usage_errors_exit_2_with_one_line(argv, pattern, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("sklearn-w2v")
    assert re.search(pattern, err), err


def test_runtime_errors_exit_1_with_one_line(trained, tmp_path, capsys):
    _, vectors = trained
    text_vectors = tmp_path / "vectors.txt"
    text_vectors.write_text("2 2\ncat 1 0\ndog 0 1\n")
    cases = [
        (["similar", str(tmp_path / "none.bin"), "cat"], "cannot read"),
        (["similar", str(vectors), "cat", "--text"], "add --binary"),
        (["similar", str(text_vectors), "cat", "--binary"], "as binary word2vec"),
        (["analogy", str(text_vectors), "cat", "dog", "cow"], "'cow' is not in"),
        (["evaluate", str(vectors), "--pairs", str(tmp_path / "none")], "No such"),
        (["evaluate", str(text_vectors), "--pairs", str(text_vectors)], "2 are"),
        (
            ["train", str(text_vectors), "-o", str(tmp_path / "x" / "v.bin")],
            "no directory",
        ),
    ]
    for argv, message in cases:
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1, err
        assert err.startswith(f"sklearn-w2v {argv[0]}: error: ")
        assert message in err, err


def test_corpus_not_utf8_suggests_decode_error(tmp_path, capsys):
    corpus = tmp_path / "latin1.txt"
    corpus.write_bytes("café au lait\n".encode("latin-1") * 3)
    output = tmp_path / "v.txt"
    argv = ["train", str(corpus), "-o", str(output), *TRAIN_FAST, "-q"]
    assert main(argv) == 1
    assert "use --decode-error" in capsys.readouterr().err
    assert main([*argv, "--decode-error", "replace", "--split"]) == 0
    assert "caf\ufffd" in KeyedVectors.load_word2vec_format(output)


def test_init_vectors_start_the_words_they_hold(corpus, tmp_path, capsys):
    init = KeyedVectors(["cat", "dog"], np.full((2, 8), 0.5, dtype=np.float32))
    init_path = tmp_path / "init.txt"
    init.save_word2vec_format(init_path)
    output = tmp_path / "v.txt"
    # A learning rate too small to move the vectors visibly.
    argv = ["train", str(corpus), "-o", str(output), *TRAIN_FAST, "-q"]
    argv += ["--learning-rate", "1e-9", "--min-learning-rate", "0"]
    assert main([*argv, "--init-vectors", str(init_path)]) == 0
    kv = KeyedVectors.load_word2vec_format(output)
    np.testing.assert_allclose(kv["cat"], 0.5, atol=1e-6)
    np.testing.assert_allclose(kv["dog"], 0.5, atol=1e-6)
    others = [word for word in kv.index_to_key if word not in ("cat", "dog")]
    assert np.abs(kv[others]).max() <= 1 / 8  # random initial range


def test_init_vectors_of_another_size_is_one_line_error(corpus, tmp_path, capsys):
    init = KeyedVectors(["cat"], np.ones((1, 4), dtype=np.float32))
    init_path = tmp_path / "init.txt"
    init.save_word2vec_format(init_path)
    argv = ["train", str(corpus), "-o", str(tmp_path / "v.txt"), *TRAIN_FAST, "-q"]
    assert main([*argv, "--init-vectors", str(init_path)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "init_vectors has vector_size=4 but n_components=8" in err


def test_max_vocab_size_prunes_while_counting(corpus, tmp_path):
    output = tmp_path / "v.txt"
    argv = ["train", str(corpus), "-o", str(output), *TRAIN_FAST, "-q"]
    assert main(argv) == 0
    n_words = len(KeyedVectors.load_word2vec_format(output))
    assert main([*argv, "--max-vocab-size", "15"]) == 0
    assert len(KeyedVectors.load_word2vec_format(output)) < n_words


def test_train_reads_the_corpus_without_holding_it(corpus, tmp_path, monkeypatch):
    # The estimator is given the files, not a list of their documents.
    from sklearn_w2v import LineCorpus, Word2VecVectorizer

    seen = []
    original_fit = Word2VecVectorizer.fit

    def recording_fit(self, X, y=None):
        seen.append(X)
        return original_fit(self, X, y)

    monkeypatch.setattr(Word2VecVectorizer, "fit", recording_fit)
    argv = ["train", str(corpus), "-o", str(tmp_path / "v.txt"), *TRAIN_FAST, "-q"]
    assert main(argv) == 0
    assert isinstance(seen[0], LineCorpus)
    assert seen[0].paths == [corpus]


def assert_main_fails(argv, capsys, pattern, status=1):
    """``main(argv)`` returns ``status`` with one stderr line matching ``pattern``."""
    assert main([str(arg) for arg in argv]) == status
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert re.search(pattern, lines[0]), lines[0]


def assert_usage_error(argv, capsys, pattern):
    """``main(argv)`` exits with status 2 and one stderr line matching ``pattern``."""
    with pytest.raises(SystemExit) as exit_info:
        main([str(arg) for arg in argv])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(pattern, err), err


def corpus_bytes(topic_corpus, n_copies=40):
    """Varied text, so that a damaged middle falls inside compressed data."""
    documents = topic_corpus[0] * n_copies
    lines = (f"{document} {i}" for i, document in enumerate(documents))
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("name, make", DAMAGED_FILES)
def test_damaged_compressed_corpus_is_one_line_error(
    name, make, topic_corpus, tmp_path, capsys
):
    path = tmp_path / name
    path.write_bytes(make(corpus_bytes(topic_corpus)))
    output = tmp_path / "v.txt"
    argv = ["train", path, "-o", output, *TRAIN_FAST, "-q"]
    pattern = rf"^sklearn-w2v train: error: {re.escape(str(path))}: cannot "
    assert_main_fails(argv, capsys, pattern + r"decompress .*truncated or corrupt")
    assert not output.exists()


def test_truncated_vectors_file_is_one_line_error_in_every_command(
    trained, tmp_path, capsys
):
    _, vectors = trained
    kv = KeyedVectors.load_word2vec_format(vectors, binary=True)
    truncated = tmp_path / "vectors.txt.gz"
    kv.save_word2vec_format(truncated)
    truncated.write_bytes(truncated.read_bytes()[:-200])
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("cat\tdog\t9\ncat\tcar\t1\n")
    message = rf"cannot read {re.escape(str(truncated))}: the file is truncated"
    for argv in [
        ["similar", truncated, "cat"],
        ["analogy", truncated, "cat", "dog", "car"],
        ["evaluate", truncated, "--pairs", pairs],
        ["evaluate", vectors, "--pairs", truncated],
        ["train", pairs, "-o", tmp_path / "v.txt", "--init-vectors", truncated],
    ]:
        assert_main_fails(argv, capsys, rf"^sklearn-w2v {argv[0]}: error: {message}")


def test_absurd_header_is_one_line_error(tmp_path, capsys):
    path = tmp_path / "absurd.bin"
    path.write_bytes(b"1000000000000 3\ncat " + bytes(12))
    assert_main_fails(["similar", path, "cat"], capsys, re.escape(str(path)))


def test_memory_error_while_reading_is_one_line_error(tmp_path, capsys, monkeypatch):
    path = tmp_path / "vectors.txt"
    path.write_text("1 2\ncat 1 0\n")

    def load_word2vec_format(*args, **kwargs):
        raise MemoryError("Unable to allocate 10.9 TiB for an array")

    monkeypatch.setattr(KeyedVectors, "load_word2vec_format", load_word2vec_format)
    pattern = rf"cannot read {re.escape(str(path))}: not enough memory \(Unable to"
    assert_main_fails(["similar", path, "cat"], capsys, pattern)


def test_similar_on_a_corpus_says_it_is_not_vectors(corpus, capsys):
    pattern = rf"{re.escape(str(corpus))} does not look like word vectors"
    assert_main_fails(["similar", corpus, "cat"], capsys, pattern)
    assert_main_fails(["similar", corpus, "cat", "--binary"], capsys, pattern)


def test_train_help_names_every_compression_and_directories(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert ".gz, .bz2 or .xz" in out
    assert "directory" in out


def test_train_on_a_directory_reads_its_files_in_name_order(
    topic_corpus, tmp_path, capsys
):
    documents = topic_corpus[0]
    directory = tmp_path / "corpus"
    directory.mkdir()
    first, second = directory / "a.txt", directory / "b.txt.xz"
    first.write_text("\n".join(documents[:30]) + "\n")
    with lzma.open(second, "wt", encoding="utf-8") as file:
        file.write("\n".join(documents[30:]) + "\n")
    (directory / ".notes").write_text("zebra zebra zebra\n")
    from_directory, from_files = tmp_path / "dir.txt", tmp_path / "files.txt"
    assert main(["train", str(directory), "-o", str(from_directory), *TRAIN_FAST]) == 0
    argv = ["train", str(first), str(second), "-o", str(from_files), *TRAIN_FAST]
    assert main(argv) == 0
    kv = KeyedVectors.load_word2vec_format(from_directory)
    assert set(kv.index_to_key) == set(" ".join(documents).split())
    expected = KeyedVectors.load_word2vec_format(from_files)
    assert_array_equal(kv.vectors, expected.vectors)


@pytest.mark.parametrize("where", ["same", "symlink", "dotdot", "in_directory"])
def test_output_that_would_overwrite_or_join_the_corpus_is_refused(
    where, corpus, tmp_path, capsys
):
    directory = tmp_path / "corpus"
    directory.mkdir()
    source = directory / "c.txt"
    source.write_bytes(corpus.read_bytes())
    (tmp_path / "link.txt").symlink_to(source)
    output, pattern = {
        "same": (source, "is the corpus file"),
        "symlink": (tmp_path / "link.txt", "is the corpus file"),
        "dotdot": (directory / ".." / "corpus" / "c.txt", "is the corpus file"),
        "in_directory": (directory / "v.txt", "is in the corpus directory"),
    }[where]
    corpus_argument = directory if where == "in_directory" else source
    argv = ["train", corpus_argument, "-o", output, *TRAIN_FAST, "-q"]
    assert_main_fails(argv, capsys, rf"^sklearn-w2v train: error: -o .*{pattern}")
    assert source.read_bytes() == corpus.read_bytes()
    assert sorted(path.name for path in directory.iterdir()) == ["c.txt"]


@pytest.mark.parametrize(
    "failure, status",
    [(OSError(errno.ENOSPC, "No space left on device"), 1), (KeyboardInterrupt(), 130)],
)
def test_failed_write_keeps_the_previous_vectors(
    failure, status, corpus, tmp_path, monkeypatch, capsys
):
    output = tmp_path / "vectors.txt"
    argv = ["train", str(corpus), "-o", str(output), *TRAIN_FAST, "-q"]
    assert main(argv) == 0
    previous = output.read_bytes()

    def write_part_then_fail(fout, keys, vectors):
        fout.write(b"cat 0.25 0.5")
        fout.flush()
        raise failure

    monkeypatch.setattr(_word2vec_format, "write_text", write_part_then_fail)
    assert main([*argv, "--seed", "1"]) == status
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    if status == 1:
        assert f"cannot write {output}: No space left on device" in err
    assert output.read_bytes() == previous
    assert sorted(tmp_path.iterdir()) == [output]


@pytest.mark.parametrize(
    "option, value, pattern",
    [
        ("--window", "0", r"--window: must be an int in the range \[1, inf\), got 0"),
        ("--subsample", "-1", r"--subsample: must be a float in the range \[0.0, inf"),
        ("--learning-rate", "0", r"--learning-rate: must be a float in the range \("),
        ("--size", "0", r"--n-components: must be an int in the range \[1, inf\)"),
        ("--token-pattern", "(", r"--token-pattern: '\(': missing \)"),
    ],
)
def test_values_the_estimator_refuses_are_one_line_usage_errors(
    option, value, pattern, corpus, tmp_path, capsys
):
    output = tmp_path / "v.txt"
    argv = ["train", corpus, "-o", output, *TRAIN_FAST, "-q", option, value]
    assert_usage_error(argv, capsys, rf"^sklearn-w2v train: error: argument {pattern}")
    assert not output.exists()


def test_train_options_default_to_the_estimators_parameters():
    from sklearn_w2v import Word2VecVectorizer
    from sklearn_w2v._cli.parser import FLAGS, build_parser

    args = build_parser().parse_args(["train", "c.txt", "-o", "v.txt"])
    defaults = Word2VecVectorizer().get_params()
    # verbose alone differs: the command line reports its epochs by default.
    assert args.verbose == 1
    for name in set(FLAGS) - {"verbose"}:
        assert getattr(args, name) == defaults[name], name


# Pipes, the standard input, a full temporary folder


@pytest.mark.slow
def test_train_reads_the_standard_input_as_dash(corpus, tmp_path):
    output = tmp_path / "vectors.txt"
    process = subprocess.run(
        [sys.executable, "-m", "sklearn_w2v", "train", "-", "-o", str(output)]
        + [*TRAIN_FAST, "--quiet"],
        input=corpus.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0, process.stderr
    from_stdin = KeyedVectors.load_word2vec_format(output)
    assert main(["train", str(corpus), "-o", str(output), *TRAIN_FAST, "--quiet"]) == 0
    assert_array_equal(
        from_stdin.vectors, KeyedVectors.load_word2vec_format(output).vectors
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no mkfifo")
def test_train_reads_a_pipe(corpus, tmp_path, capsys):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)

    def write():
        with open(pipe, "wb") as file:
            file.write(corpus.read_bytes())

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        argv = ["train", str(pipe), "-o", str(tmp_path / "v.txt"), *TRAIN_FAST]
        assert main(argv) == 0, capsys.readouterr().err
    finally:
        if writer.is_alive():  # never read: open it, so that the writer ends
            os.close(os.open(pipe, os.O_RDONLY | os.O_NONBLOCK))
        writer.join(timeout=10)
    kv = KeyedVectors.load_word2vec_format(tmp_path / "v.txt")
    assert len(kv) == 20


def _fill_up_at(n_bytes):
    """In the child: writes past ``n_bytes`` fail (EFBIG), as on a full disk."""

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (n_bytes, n_bytes))

    return limit


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_FSIZE")
def test_train_in_a_full_temporary_folder_says_so_in_one_line(tmp_path):
    folder = tmp_path / "tmp"
    folder.mkdir()
    corpus = tmp_path / "corpus.txt"
    words = [f"w{i}" for i in range(200_000)]
    corpus.write_text(
        "\n".join(" ".join(words[i : i + 50]) for i in range(0, 200_000, 50))
    )
    process = subprocess.run(
        [sys.executable, "-m", "sklearn_w2v", "train", str(corpus)]
        + ["-o", str(tmp_path / "v.txt"), *TRAIN_FAST],
        env={**os.environ, "TMPDIR": str(folder)},
        preexec_fn=_fill_up_at(100_000),
        capture_output=True,
        text=True,
        timeout=120,
    )
    pattern = (
        rf"^sklearn-w2v train: error: \[Errno {errno.ENOSPC}\] no space left in "
        rf"{re.escape(str(folder))} while writing the corpus spool .*set TMPDIR"
    )
    assert_one_line_error(process, 1, pattern)
    assert list(folder.iterdir()) == []


# Outputs that are streams, links, files with their own permissions


def test_train_writes_through_a_fifo_without_replacing_it(corpus, tmp_path, capsys):
    fifo = tmp_path / "vectors.fifo"
    reader = FifoReader(fifo)
    try:
        status = main(["train", str(corpus), "-o", str(fifo), *TRAIN_FAST, "-q"])
    finally:
        data = reader.join()
    assert status == 0, capsys.readouterr().err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(tmp_path.iterdir()) == [fifo]
    (tmp_path / "copy.txt").write_bytes(data)
    kv = KeyedVectors.load_word2vec_format(tmp_path / "copy.txt")
    assert kv.vectors.shape == (20, 8)


def test_a_fifo_whose_reader_left_is_one_line_error(tmp_path, capsys):
    # 2,000 words: more vectors than a pipe holds, so the write outlives the reader.
    corpus = tmp_path / "words.txt"
    corpus.write_text(" ".join(f"word{i}" for i in range(2000)))
    fifo = tmp_path / "vectors.fifo"
    reader = FifoReader(fifo, n_bytes=1)
    argv = ["train", str(corpus), "-o", str(fifo), *TRAIN_FAST, "-q"]
    pattern = rf"^sklearn-w2v train: error: cannot write {fifo}: Broken pipe$"
    try:
        assert_main_fails(argv, capsys, pattern)
    finally:
        reader.join()
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.parametrize("binary", [False, True])
def test_dash_writes_the_vectors_to_standard_output(
    binary, corpus, tmp_path, monkeypatch, capsysbinary
):
    monkeypatch.chdir(tmp_path)
    option = ["--binary"] if binary else []
    assert main(["train", str(corpus), "-o", "-", *TRAIN_FAST, *option]) == 0
    captured = capsysbinary.readouterr()
    assert sorted(tmp_path.iterdir()) == []
    (tmp_path / "stdout").write_bytes(captured.out)
    kv = KeyedVectors.load_word2vec_format(tmp_path / "stdout", binary=binary)
    assert kv.vectors.shape == (20, 8)
    # The reports go to stderr, never into the vectors.
    assert b"Wrote 20 vectors of dimension 8 to standard output" in captured.err
    assert b"epoch 2/2" in captured.err


def test_train_through_a_symlink_keeps_the_link_and_the_permissions(
    corpus, tmp_path, capsys
):
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "v3.bin").write_bytes(b"previous")
    (runs / "v3.bin").chmod(0o600)
    link = tmp_path / "latest.bin"
    link.symlink_to("runs/v3.bin")
    assert main(["train", str(corpus), "-o", str(link), *TRAIN_FAST, "-q"]) == 0
    assert link.is_symlink() and os.readlink(link) == "runs/v3.bin"
    assert stat.S_IMODE((runs / "v3.bin").stat().st_mode) == 0o600
    kv = KeyedVectors.load_word2vec_format(runs / "v3.bin", binary=True)
    assert kv.vectors.shape == (20, 8)
    assert sorted(runs.iterdir()) == [runs / "v3.bin"]


@pytest.mark.slow
def test_standard_output_closed_early_is_one_line_error(tmp_path):
    # As `sklearn-w2v train ... -o - | head -c 1`, with more than a pipe holds.
    corpus = tmp_path / "words.txt"
    corpus.write_text(" ".join(f"word{i}" for i in range(2000)))
    argv = [sys.executable, "-m", "sklearn_w2v", "train", str(corpus), "-o", "-"]
    with subprocess.Popen(
        [*argv, *TRAIN_FAST, "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout.read(1) == b"2"
        process.stdout.close()
        stderr = process.stderr.read().decode()
        process.wait(timeout=120)
    finished = SimpleNamespace(returncode=process.returncode, stderr=stderr)
    assert_one_line_error(
        finished, 1, r"^sklearn-w2v train: error: cannot write standard output: Broken"
    )


def test_a_link_into_a_missing_directory_is_refused_before_training(
    corpus, tmp_path, capsys
):
    link = tmp_path / "latest.bin"
    link.symlink_to(tmp_path / "runs" / "v4.bin")
    argv = ["train", corpus, "-o", link, *TRAIN_FAST, "-q"]
    pattern = rf"cannot write {link}: no directory {tmp_path / 'runs'}$"
    assert_main_fails(argv, capsys, pattern)


def test_gensim_and_c_tool_names_set_the_vector_size():
    from sklearn_w2v._cli.parser import build_parser

    for flag in ("--n-components", "--size", "--vector-size"):
        args = build_parser().parse_args(["train", "c.txt", "-o", "v", flag, "12"])
        assert args.n_components == 12, flag


@pytest.mark.parametrize(
    "argv, pattern",
    [
        (
            ["train", "c.txt", "-o", "v", "--windw", "5"],
            r"^sklearn-w2v train: error: unrecognized arguments: --windw 5; "
            r"did you mean --window\? \(see 'sklearn-w2v train --help'\)$",
        ),
        (
            ["train", "c.txt", "-o", "v", "--min-cout=3"],
            r"did you mean --min-count\? \(see 'sklearn-w2v train --help'\)$",
        ),
        (
            ["similar", "v.bin", "war", "--tpn", "3"],
            r"^sklearn-w2v similar: .*--tpn 3; did you mean --topn\?",
        ),
        (
            ["similar", "v.bin", "war", "extra"],
            r"^sklearn-w2v similar: error: unrecognized arguments: extra "
            r"\(see 'sklearn-w2v similar --help'\)$",
        ),
    ],
)
def test_unknown_option_names_its_command_and_suggests_a_close_one(
    argv, pattern, capsys
):
    assert_usage_error(argv, capsys, pattern)
