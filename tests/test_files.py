"""open_output: regular files replaced once complete, streams written through."""

import gzip
import os
import stat

import pytest
from _fifo import FifoReader

from sklearn_w2v._corpus.files import open_output, output_target


def names(directory):
    return sorted(path.name for path in directory.iterdir())


@pytest.fixture
def umask_027():
    previous = os.umask(0o027)
    yield
    os.umask(previous)


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_bytes(b"previous\n")
    with pytest.raises(KeyboardInterrupt), open_output(path) as file:
        file.write(b"half of it")
        raise KeyboardInterrupt
    assert path.read_bytes() == b"previous\n"
    assert names(tmp_path) == ["vectors.txt"]
    with open_output(path) as file:
        file.write(b"new\n")
    assert path.read_bytes() == b"new\n"
    assert names(tmp_path) == ["vectors.txt"]


def test_the_file_appears_only_once_complete(tmp_path):
    path = tmp_path / "vectors.txt"
    with open_output(path) as file:
        file.write(b"part")
        file.flush()
        assert not path.exists()
        [temporary] = tmp_path.iterdir()
        assert temporary.name.startswith(".")  # a LineCorpus skips it
    assert path.read_bytes() == b"part"


def test_an_append_that_fails_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_bytes(b"1 2\n")
    with pytest.raises(OSError), open_output(path, "ab") as file:
        file.write(b"a 1 2\n")
        raise OSError("disk full")
    assert path.read_bytes() == b"1 2\n"
    with open_output(path, "ab") as file:
        file.write(b"a 1 2\n")
    assert path.read_bytes() == b"1 2\na 1 2\n"
    assert names(tmp_path) == ["vectors.txt"]


def test_the_name_chooses_the_compression(tmp_path):
    path = tmp_path / "vectors.txt.gz"
    with open_output(path, "wt", encoding="utf-8") as file:
        file.write("café\n")
    assert gzip.decompress(path.read_bytes()) == "café\n".encode()


def test_a_symlink_stays_a_link_to_the_replaced_file(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "v3.bin").write_bytes(b"old")
    link = tmp_path / "latest.bin"
    link.symlink_to("runs/v3.bin")
    with open_output(link) as file:
        file.write(b"new")
    assert link.is_symlink() and os.readlink(link) == "runs/v3.bin"
    assert (runs / "v3.bin").read_bytes() == b"new"
    assert names(runs) == ["v3.bin"]
    assert names(tmp_path) == ["latest.bin", "runs"]


def test_a_dangling_symlink_gets_its_file(tmp_path):
    link = tmp_path / "latest.bin"
    link.symlink_to(tmp_path / "v1.bin")
    with open_output(link) as file:
        file.write(b"first")
    assert link.is_symlink()
    assert (tmp_path / "v1.bin").read_bytes() == b"first"


def test_a_replaced_file_keeps_its_permissions(tmp_path, umask_027):
    path = tmp_path / "vectors.bin"
    path.write_bytes(b"secret")
    path.chmod(0o600)
    with open_output(path) as file:
        file.write(b"new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o664)
    with open_output(path, "ab") as file:
        file.write(b"more")
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    assert path.read_bytes() == b"newmore"


def test_a_new_file_gets_the_permissions_open_gives(tmp_path, umask_027):
    with open_output(tmp_path / "new.bin") as file:
        file.write(b"new")
    assert stat.S_IMODE((tmp_path / "new.bin").stat().st_mode) == 0o640


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root gives files"
)
def test_a_replaced_file_keeps_its_owner_where_allowed(tmp_path):
    path = tmp_path / "vectors.bin"
    path.write_bytes(b"theirs")
    os.chown(path, 4321, 4322)
    with open_output(path) as file:
        file.write(b"new")
    info = path.stat()
    assert (info.st_uid, info.st_gid) == (4321, 4322)


def test_a_fifo_is_written_through_not_replaced(tmp_path):
    fifo = tmp_path / "vectors.fifo"
    reader = FifoReader(fifo)
    try:
        with open_output(fifo) as file:
            file.write(b"2 1\na 1.0\nb 2.0\n")
    finally:
        data = reader.join()
    assert data == b"2 1\na 1.0\nb 2.0\n"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert names(tmp_path) == ["vectors.fifo"]


def test_a_fifo_whose_reader_left_raises(tmp_path):
    fifo = tmp_path / "vectors.fifo"
    reader = FifoReader(fifo, n_bytes=1)
    try:
        # More than a pipe holds: the writer waits for the reader, who leaves.
        with pytest.raises(BrokenPipeError), open_output(fifo) as file:
            for _ in range(64):
                file.write(b"x" * 65536)
    finally:
        assert reader.join() == b"x"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_dash_is_standard_output(tmp_path, capsysbinary, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open_output("-") as file:
        file.write(b"2 1\n")
    with open_output("-", "wt", encoding="utf-8") as file:
        file.write("a 1.0\n")
    assert capsysbinary.readouterr().out == b"2 1\na 1.0\n"
    assert names(tmp_path) == []


@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_descriptor_names_are_streams(name):
    if not os.path.exists(os.path.dirname(name)):
        pytest.skip(f"no {os.path.dirname(name)} here")
    # Even when standard output is a regular file, the descriptor stays open on
    # it: renaming a new file over its name would lose what else is written.
    assert output_target(name) is None


def test_a_directory_is_refused_and_left_alone(tmp_path):
    with pytest.raises(IsADirectoryError), open_output(tmp_path):
        pass
    assert names(tmp_path) == []


def test_read_modes_are_refused(tmp_path):
    with pytest.raises(ValueError, match="mode must be one of"):
        with open_output(tmp_path / "x", "rb"):
            pass


def test_a_missing_directory_is_named_not_the_temporary_file(tmp_path):
    path = tmp_path / "missing" / "v.bin"
    with pytest.raises(FileNotFoundError) as info, open_output(path):
        pass
    assert info.value.filename == str(path)
