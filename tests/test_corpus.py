"""LineCorpus on faulty input, and the package's one compressed-file opener."""

import bz2
import gzip
import lzma
import os
import re
import subprocess
import sys
import threading

import pytest

from sklearn_w2v import LineCorpus, Word2VecVectorizer
from sklearn_w2v._corpus.files import open_file

LINES = [f"line {i} of a corpus with some words in it" for i in range(5000)]


def damaged(compress, data):
    """``compress(data)`` with 16 bytes zeroed at a tenth of its length."""
    packed = bytearray(compress(data))
    start = len(packed) // 10
    packed[start : start + 16] = bytes(16)
    return bytes(packed)


def truncated_gzip(data):
    packed = gzip.compress(data)
    return packed[: len(packed) // 2]


# (file name, function making its bytes from the text)
DAMAGED_FILES = [
    ("truncated.txt.gz", truncated_gzip),
    ("corrupt.txt.gz", lambda data: damaged(gzip.compress, data)),
    ("corrupt.txt.xz", lambda data: damaged(lzma.compress, data)),
    ("corrupt.txt.bz2", lambda data: damaged(bz2.compress, data)),
]


@pytest.mark.parametrize(
    "name, make", [*DAMAGED_FILES, ("not_gzip.txt.gz", lambda data: data)]
)
def test_damaged_compressed_file_raises_value_error_naming_it(tmp_path, name, make):
    (tmp_path / "a.txt").write_text("first\nsecond\n")
    damaged_path = tmp_path / name
    damaged_path.write_bytes(make("\n".join(LINES).encode()))
    pattern = rf"^{re.escape(str(damaged_path))}: cannot decompress "
    with pytest.raises(ValueError, match=pattern + ".*truncated or corrupt") as error:
        list(LineCorpus(tmp_path))
    # Where it failed, counting the documents of the files before it.
    found = re.search(r"after line (\d+) \(document (\d+)\)", str(error.value))
    assert found or "from its start" in str(error.value)
    assert not found or int(found[2]) == int(found[1]) + 2


def test_undecodable_line_is_named_with_its_file_and_document(tmp_path):
    (tmp_path / "a.txt").write_text("one\ntwo\nthree\n")
    # Far beyond the first block that a text file decodes at once.
    bad = tmp_path / "b.txt"
    bad.write_bytes("\n".join(LINES).encode() + "\ncaf\xe9\nend\n".encode("latin-1"))
    message = f"{bad}, line 5001 (document 5004): cannot decode with encoding 'utf-8'"
    with pytest.raises(ValueError, match=re.escape(message)) as error:
        list(LineCorpus(tmp_path))
    assert "decode_error='replace'" in str(error.value)
    assert isinstance(error.value.__cause__, UnicodeDecodeError)


def test_undecodable_line_in_a_multibyte_encoding(tmp_path):
    path = tmp_path / "utf16.txt"
    # A lone high surrogate on line 3; "\n" is two bytes in UTF-16.
    path.write_bytes("a\nb\n".encode("utf-16") + b"\x00\xd8\n\x00")
    with pytest.raises(ValueError, match=r"utf16\.txt, line 3 \(document 3\)"):
        list(LineCorpus(path, encoding="utf-16"))


@pytest.mark.parametrize("path", ["", [""], ["a.txt", ""]])
def test_empty_path_is_refused(tmp_path, monkeypatch, path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("a line\n")
    with pytest.raises(ValueError, match=r"empty path.*'\.' for the current"):
        LineCorpus(path)


def test_dot_is_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("a line\n")
    assert list(LineCorpus(".")) == ["a line"]


@pytest.mark.parametrize(
    "suffix, magic",
    [
        (".txt", b"one"),
        (".gz", b"\x1f\x8b"),
        (".GZ", b"\x1f\x8b"),
        (".bz2", b"BZh"),
        (".xz", b"\xfd7zXZ\x00"),
    ],
)
def test_open_file_compresses_by_suffix(tmp_path, suffix, magic):
    path = tmp_path / f"lines{suffix}"
    with open_file(path, "wt", encoding="utf-8") as file:
        file.write("one\ntwo\n")
    assert path.read_bytes().startswith(magic)
    with open_file(path, "rb") as file:
        assert file.read() == b"one\ntwo\n"
    with open_file(path, "rt", encoding="utf-8", newline="\n") as file:
        assert list(file) == ["one\n", "two\n"]


# Pipes, read once as they come


@pytest.fixture
def fifo(tmp_path):
    """``make(name, data)``: a named pipe to which a thread writes ``data``."""
    threads = []

    def make(name, data):
        path = tmp_path / name
        os.mkfifo(path)

        def write():
            with open(path, "wb") as pipe:  # waits for a reader
                pipe.write(data)

        threads.append((path, threading.Thread(target=write, daemon=True)))
        threads[-1][1].start()
        return path

    yield make
    for path, thread in threads:
        if thread.is_alive():  # never read: open it, so that the writer ends
            os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
        thread.join(timeout=10)


requires_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no mkfifo")


@requires_fifo
def test_a_pipe_is_read_once_as_it_comes(tmp_path, fifo):
    (tmp_path / "a.txt").write_text("first file\n")
    pipe = fifo("pipe", b"one\ntwo\n\nthree")
    corpus = LineCorpus([tmp_path / "a.txt", pipe])
    assert corpus.paths == [tmp_path / "a.txt", pipe]
    assert list(corpus) == ["first file", "one", "two", "", "three"]
    message = f"{pipe} is a pipe or a device, which can be read only once"
    with pytest.raises(ValueError, match=re.escape(message)):
        next(iter(corpus))


@requires_fifo
def test_a_pipe_named_twice_is_not_read_empty_the_second_time(fifo):
    pipe = fifo("pipe", b"one\n")
    documents = iter(LineCorpus([pipe, pipe]))
    assert next(documents) == "one"
    with pytest.raises(ValueError, match="can be read only once"):
        next(documents)


@requires_fifo
def test_a_pipe_in_a_directory_is_skipped_not_waited_for(tmp_path):
    (tmp_path / "a.txt").write_text("words\n")
    os.mkfifo(tmp_path / "b.fifo")  # no writer: opening it would wait forever
    assert list(LineCorpus(tmp_path)) == ["words"]


@requires_fifo
def test_an_undecodable_pipe_is_named_without_reading_it_again(fifo):
    pipe = fifo("pipe", b"fine\ncaf\xe9\n")
    with pytest.raises(ValueError, match=rf"^{re.escape(str(pipe))}: cannot decode"):
        list(LineCorpus(pipe))


@requires_fifo
def test_fit_reads_a_pipe(fifo):
    text = "\n".join(["the cat sat on the mat", "the dog ran"] * 20)
    pipe = fifo("pipe", text.encode())
    w2v = Word2VecVectorizer(n_components=4, min_count=1, epochs=1, random_state=0)
    w2v.fit(LineCorpus(pipe))
    assert sorted(w2v.vocabulary_) == sorted(set(text.split()))


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/dev/stdin"), reason="no /dev/stdin")
def test_dash_is_the_standard_input_read_once():
    script = (
        "from sklearn_w2v import LineCorpus\n"
        "corpus = LineCorpus('-')\n"
        "print([str(path) for path in corpus.paths], list(corpus))\n"
        "try:\n"
        "    list(corpus)\n"
        "except ValueError as exc:\n"
        "    print(exc)\n"
    )
    process = subprocess.run(
        [sys.executable, "-c", script],
        input="one\ntwo\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 0, process.stderr
    first, second = process.stdout.splitlines()
    assert first == "['/dev/stdin'] ['one', 'two']"
    assert "/dev/stdin is a pipe or a device, which can be read only once" in second
