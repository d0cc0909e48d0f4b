"""Corpora that are read, not held: :class:`LineCorpus`.

``fit`` reads its corpus once (the epochs read an encoded copy on disk), so
any iterable of documents works; :class:`LineCorpus` streams the lines of
text files, plain or compressed.
"""

import bz2
import gzip
import lzma
import os
from pathlib import Path

_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


class LineCorpus:
    """Documents read one per line from text files, never all held in memory.

    Iterating opens the files and yields their lines, one document each,
    without the line ending; every new iteration starts again from the first
    file, so the same ``LineCorpus`` serves ``fit`` and ``transform``
    (gensim: ``LineSentence`` and ``PathLineSentences``, which yield token
    lists; here the vectorizer's analyser tokenises the lines). Blank lines
    are empty documents, so that the rows of ``transform`` match the lines.

    Parameters
    ----------
    path : str, path-like or list of them
        Files or directories. A file ending in ``.gz``, ``.bz2`` or ``.xz`` is
        decompressed as it is read. A directory stands for the files in it
        (not in its subdirectories, and not those whose name starts with a
        dot), in the order of their names.
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
        if isinstance(path, (str, os.PathLike)):
            path = [path]
        self.paths = [file for entry in path for file in _files(Path(entry))]
        self.encoding = encoding
        self.decode_error = decode_error

    def __iter__(self):
        for path in self.paths:
            opener = _OPENERS.get(path.suffix.lower(), open)
            # newline="\n": only "\n" ends a document; a stray "\r" does not.
            with opener(
                path,
                "rt",
                encoding=self.encoding,
                errors=self.decode_error,
                newline="\n",
            ) as lines:
                for line in lines:
                    yield line.rstrip("\r\n")

    def __repr__(self):
        shown = ", ".join(repr(str(path)) for path in self.paths[:3])
        more = f", ... ({len(self.paths)} files)" if len(self.paths) > 3 else ""
        return f"LineCorpus([{shown}{more}])"


def _files(path):
    if path.is_dir():
        return sorted(
            entry
            for entry in path.iterdir()
            if entry.is_file() and not entry.name.startswith(".")
        )
    if not path.is_file():
        raise FileNotFoundError(f"LineCorpus: no file or directory {str(path)!r}.")
    return [path]
