"""Corpora that are read, not held: :class:`LineCorpus`.

``fit`` reads its corpus once (the epochs read an encoded copy on disk), so
any iterable of documents works; :class:`LineCorpus` streams the lines of
text files, plain or compressed, or of pipes, read once.
"""

import codecs
import lzma
import os
import stat
import zlib
from pathlib import Path

from .files import DECODE_HINT, is_data_error, open_file


class LineCorpus:
    """Documents read one per line from text files, never all held in memory.

    Iterating opens the files and yields their lines, one document each,
    without the line ending; every new iteration starts again from the first
    file, so the same ``LineCorpus`` of files serves ``fit`` and ``transform``
    (gensim: ``LineSentence`` and ``PathLineSentences``, which yield token
    lists; here the vectorizer's analyser tokenises the lines). Blank lines
    are empty documents, so that the rows of ``transform`` match the lines.
    A line that ``encoding`` cannot decode, or compressed data that is
    truncated or corrupt, raises a ValueError naming the file, the line and
    the document's number in the corpus.

    A pipe is read as it comes, and only once: ``fit`` reads its corpus
    once, but a second iteration over a ``LineCorpus`` that has read a pipe
    raises a ValueError, where it would otherwise find the pipe empty or
    wait for a writer forever.

    Parameters
    ----------
    path : str, path-like or list of them
        Files, directories, pipes or ``'-'``. A file ending in ``.gz``,
        ``.bz2`` or ``.xz`` is decompressed as it is read. A directory stands
        for the regular files in it (not in its subdirectories, and not those
        whose name starts with a dot), read in the order of their names; the
        current directory is ``'.'``, and an empty path is an error. A pipe
        (a named one, made by ``mkfifo``, or bash's ``<(zcat big.gz)``) or a
        character device is read once, as it comes; so is ``'-'``, the
        standard input (``/dev/stdin``).
    encoding : str, default='utf-8'
        Encoding of the files.
    decode_error : {'strict', 'ignore', 'replace'}, default='strict'
        What to do with bytes that ``encoding`` cannot decode (the
        ``errors`` of :func:`open`).

    Attributes
    ----------
    paths : list of pathlib.Path
        The files read, in order, as found when the corpus was created.

    See Also
    --------
    Word2VecVectorizer : Trains word vectors on a corpus such as this one.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_w2v import LineCorpus
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     _ = (Path(directory) / "a.txt").write_text("the cat sat\\nthe dog ran\\n")
    ...     corpus = LineCorpus(directory)
    ...     print(list(corpus), list(corpus) == list(corpus))
    ['the cat sat', 'the dog ran'] True
    """

    def __init__(self, path, *, encoding="utf-8", decode_error="strict"):
        if isinstance(path, (str, bytes, os.PathLike)):
            path = [path]
        self.paths = [file for entry in path for file in _files(entry)]
        self.encoding = encoding
        self.decode_error = decode_error
        # The pipes and devices, and those of them read already.
        self._streams = {path for path in self.paths if _is_stream(path)}
        self._streams_read = set()

    def __iter__(self):
        self._check_unread(self._streams_read)
        n_before = 0  # documents in the files before this one
        for path in self.paths:
            n_lines = 0
            if path in self._streams:
                self._check_unread({path} & self._streams_read)
                self._streams_read.add(path)
            try:
                # newline="\n": only "\n" ends a document; a stray "\r" does not.
                with open_file(
                    path,
                    "rt",
                    encoding=self.encoding,
                    errors=self.decode_error,
                    newline="\n",
                ) as lines:
                    for line in lines:
                        n_lines += 1
                        yield line.rstrip("\r\n")
            except UnicodeDecodeError as exc:
                # A pipe cannot be read again to find the line.
                line, damage = None, None
                if path not in self._streams:
                    line, damage = _find_fault(path, self.encoding)
                if damage is not None:
                    raise _damaged(path, n_before, n_lines, damage) from damage
                raise self._decode_error(path, n_before, line, exc) from exc
            except (EOFError, zlib.error, lzma.LZMAError, OSError) as exc:
                if not is_data_error(exc):
                    raise
                raise _damaged(path, n_before, n_lines, exc) from exc
            n_before += n_lines

    @staticmethod
    def _check_unread(streams_read):
        """Raise a ValueError if a pipe of the corpus was read already."""
        if streams_read:
            path = min(map(str, streams_read))
            raise ValueError(
                f"LineCorpus: {path} is a pipe or a device, which can be read "
                "only once, and it was read already; save its content to a file "
                "to read it more than once."
            )

    def _decode_error(self, path, n_before, line, exc):
        """A ValueError naming the file and the line that cannot be decoded."""
        where = "" if line is None else f", line {line} (document {n_before + line})"
        return ValueError(
            f"{path}{where}: cannot decode with encoding {self.encoding!r} "
            f"({exc.reason}); {DECODE_HINT}."
        )

    def __repr__(self):
        shown = ", ".join(repr(str(path)) for path in self.paths[:3])
        more = f", ... ({len(self.paths)} files)" if len(self.paths) > 3 else ""
        return f"LineCorpus([{shown}{more}])"


def _files(entry):
    if not os.fspath(entry):
        # Path("") is the current directory, which nobody means by an empty name.
        raise ValueError(
            "LineCorpus: empty path; give a file or a directory ('.' for the "
            "current directory)."
        )
    if os.fsdecode(entry) == "-":
        if not os.path.exists(_STDIN):
            raise ValueError(
                f"LineCorpus: '-' stands for {_STDIN}, which this system lacks."
            )
        entry = _STDIN
    path = Path(os.fsdecode(entry))
    if path.is_dir():
        # Regular files only: opening a pipe found there could wait forever.
        return sorted(
            entry
            for entry in path.iterdir()
            if entry.is_file() and not entry.name.startswith(".")
        )
    if not (path.is_file() or _is_stream(path)):
        raise FileNotFoundError(f"LineCorpus: no file or directory {str(path)!r}.")
    return [path]


#: What ``'-'`` stands for: the standard input, whatever it is.
_STDIN = "/dev/stdin"


def _is_stream(path):
    """Whether ``path`` is a pipe, a character device or the standard input.

    They read only once: the standard input too, which may be a file but
    shares its position with this process (``/dev/stdin`` is a copy of its
    descriptor on some systems).
    """
    if os.fspath(path) == _STDIN:
        return True
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def _damaged(path, n_before, n_lines, exc):
    """A ValueError saying that compressed ``path`` fails after ``n_lines`` lines."""
    where = (
        f"after line {n_lines} (document {n_before + n_lines})"
        if n_lines
        else "from its start"
    )
    return ValueError(
        f"{path}: cannot decompress {where}: the file is truncated or corrupt ({exc})."
    )


def _find_fault(path, encoding):
    """Read ``path`` again after a decoding error: where is it, and is it damage?

    Text is decoded in blocks of many lines, so the error does not tell the
    line; and damaged compressed data can decompress to garbage that fails
    to decode before the decompressor notices the damage.

    Returns
    -------
    line : int or None
        Number of the first line that ``encoding`` cannot decode, if found.
    damage : exception or None
        The decompressor's error, if the compressed data is damaged.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    n_newlines, line = 0, None
    try:
        with open_file(path, "rb") as file:
            # An incremental decoder takes any split of the bytes, even where
            # "\n" is not one byte (UTF-16); each piece ends at a b"\n".
            for piece in file:
                if line is None:
                    try:
                        n_newlines += decoder.decode(piece).count("\n")
                    except UnicodeDecodeError:
                        line = n_newlines + 1
            if line is None:
                decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        line = n_newlines + 1
    except (EOFError, zlib.error, lzma.LZMAError, OSError) as exc:
        return line, exc if is_data_error(exc) else None
    return line, None
