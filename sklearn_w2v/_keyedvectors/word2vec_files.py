"""The word2vec file methods of KeyedVectors: save and load_word2vec_format.

Their arguments are checked here, as gensim names them; the formats are read
and written by :mod:`~sklearn_w2v._keyedvectors.word2vec_format`.
"""

import numbers
import os
from contextlib import ExitStack

import numpy as np

from .._corpus.files import open_output
from .word2vec_format import (
    DTYPES,
    check_keys,
    read_word2vec,
    write_vocab,
    write_word2vec,
)


class Word2VecFormatMixin:
    """The word2vec file methods of :class:`~sklearn_w2v.KeyedVectors`."""

    def save_word2vec_format(
        self,
        fname,
        fvocab=None,
        binary=False,
        total_vec=None,
        write_header=True,
        prefix="",
        append=False,
        sort_attr="count",
    ):
        """Write the vectors in the word2vec C tool's text or binary format.

        The signature is gensim's. A header line ``"n_keys vector_size"``, then
        one entry per key. Text: ``"key v1 v2 ...\\n"``, each value the shortest
        decimal that reads back as the same number (byte-identical to gensim's
        text output). Binary: the UTF-8 key, a space, `vector_size`
        little-endian float32s and a newline, as the C tool writes it (gensim
        omits the newline; both read either).

        Parameters
        ----------
        fname : str or path-like
            Destination; compressed with gzip, bzip2 or xz if it ends in
            ``.gz``, ``.bz2`` or ``.xz``; ``'-'`` is standard output.
        fvocab : str, path-like or None, default=None
            Also write a vocabulary file of ``"key count"`` lines (the C tool's
            ``-save-vocab``), with the values of `sort_attr`.
        binary : bool, default=False
            Write the binary format.
        total_vec : int or None, default=None
            Number of vectors declared in the header; defaults to the number of
            keys (set it when more vectors will be appended).
        write_header : bool, default=True
            Write the header line; without it, the text format is GloVe's.
        prefix : str, default=''
            Written before every key.
        append : bool, default=False
            Append to the files instead of overwriting them. A regular file is
            copied, the copy appended to and renamed over the file: a failure
            leaves it as it was, at the cost of reading it once.
        sort_attr : str or None, default='count'
            Write the keys by decreasing value of this attribute (ties in row
            order), if the keys have it; otherwise in row order.

        Raises
        ------
        ValueError
            If `fvocab` is given but the keys have no `sort_attr`, or if a key
            is empty, holds a space or a newline, cannot be encoded in UTF-8
            (a lone surrogate), or in the binary format is longer than 65,536
            bytes in UTF-8 (the longest that readers read back). These are
            raised before any file is opened.
        OSError
            If a file cannot be written; regular files are left as they were.

        Notes
        -----
        Regular files are never left half-written. Each file, `fname` and
        `fvocab`, is written to a temporary file in its directory, renamed
        over the destination once both are complete, with the permissions
        (and, where allowed, the owner) of the file it replaces; a new file
        gets the permissions :func:`open` would give it. A symbolic link is
        followed: the file it points to is replaced and the link stays a
        link. Standard output, a FIFO or a device (``/dev/stdout``) cannot be
        replaced and is written through; its write errors (a full device, a
        reader gone) are raised.

        Only the vectors of the vocabulary are written, the full (composed)
        vectors when there are ``subwords``: the format has no place for
        n-gram vectors, so unseen words get no vector from the file, as
        from fastText's ``.vec`` files. :meth:`save` keeps the subwords.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["cat", "dog"], [[0.5, 1.0], [-2.0, 0.25]], counts=[3, 8])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = pathlib.Path(tmp) / "vectors.txt"
        ...     kv.save_word2vec_format(path, pathlib.Path(tmp) / "vocab.txt")
        ...     print(path.read_text(), end="")
        ...     print((pathlib.Path(tmp) / "vocab.txt").read_text(), end="")
        2 2
        dog -2.0 0.25
        cat 0.5 1.0
        dog 8
        cat 3
        """
        _check_fvocab(fvocab)
        order = np.arange(len(self))
        if sort_attr in self._vecattrs:
            order = np.argsort(-self._vecattrs[sort_attr], kind="stable")
        elif fvocab is not None:
            raise ValueError(
                f"Cannot write the vocabulary file {os.fspath(fvocab)}: the keys "
                f"have no {sort_attr!r} (give counts to KeyedVectors, or omit fvocab)."
            )
        keys = [prefix + self.index_to_key[i] for i in order]
        check_keys(keys, binary)
        mode = "ab" if append else "wb"
        n_declared = len(self) if total_vec is None else total_vec
        header = (n_declared, self.vector_size) if write_header else None
        # Both files are renamed into place only once both are written.
        with ExitStack() as files:
            fout = files.enter_context(open_output(fname, mode))
            if fvocab is not None:
                vocab = files.enter_context(open_output(fvocab, mode))
                write_vocab(vocab, keys, self._vecattrs[sort_attr][order].tolist())
            write_word2vec(fout, keys, self._vectors[order], binary, header)

    @classmethod
    def load_word2vec_format(
        cls,
        fname,
        fvocab=None,
        binary=False,
        encoding="utf8",
        unicode_errors="strict",
        limit=None,
        datatype=np.float32,
        no_header=False,
    ):
        """Read vectors in the word2vec C tool's text or binary format.

        The signature is gensim's. Reads what the word2vec C tool, gensim and
        fastText (``.vec``) write, and headerless text files such as GloVe's.
        A UTF-8 byte-order mark at the start of a file (as Windows editors
        write) is skipped.

        Parameters
        ----------
        fname : str or path-like
            Source; decompressed with gzip, bzip2 or xz if it ends in
            ``.gz``, ``.bz2`` or ``.xz``.
        fvocab : str, path-like or None, default=None
            Vocabulary file of ``"key count"`` lines (the C tool's
            ``-save-vocab``) giving the counts of the keys.
        binary : bool, default=False
            Read the binary format (which always has a header).
        encoding : str, default='utf8'
            Encoding of the keys.
        unicode_errors : str, default='strict'
            How to handle keys that do not decode, as in :meth:`bytes.decode`;
            ``'replace'`` or ``'ignore'`` help with files whose keys were cut in
            the middle of a multi-byte character (as the C tool does).
        limit : int or None, default=None
            Read only the first `limit` vectors.
        datatype : {np.float16, np.float32, np.float64}, default=np.float32
            Dtype of the stored vectors. Text values are parsed straight into it;
            binary files hold float32 values, converted.
        no_header : bool, default=False
            The text file has no header line. By default a first line of two
            integers is the header and any other first line a vector.

        Returns
        -------
        KeyedVectors
            The vectors, in file order, with counts if `fvocab` is given.

        Raises
        ------
        ValueError
            If a file is malformed: bad header, wrong number of values, NaN or
            infinite values, fewer or more vectors than the header declares,
            truncated or undecodable data, duplicate keys, keys missing from
            `fvocab`. The message names the file and the line (text) or byte
            offset or entry (binary). gensim raises EOFError for a truncated
            file and UnicodeDecodeError for a key that does not decode.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from sklearn_w2v import KeyedVectors
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = pathlib.Path(tmp) / "glove.txt"
        ...     _ = path.write_text("the 0.5 1.0 0.0\\nof 0.25 0.0 -1.0\\n")
        ...     kv = KeyedVectors.load_word2vec_format(path)
        >>> kv.index_to_key, kv.vectors.shape
        (['the', 'of'], (2, 3))
        """
        if limit is not None and (
            not isinstance(limit, numbers.Integral)
            or isinstance(limit, bool)
            or limit < 1
        ):
            raise ValueError(f"limit must be a positive int or None, got {limit!r}.")
        if np.dtype(datatype) not in DTYPES:
            raise ValueError(
                "datatype must be float16, float32 or float64, "
                f"got {np.dtype(datatype)}."
            )
        _check_fvocab(fvocab)
        keys, vectors, counts = read_word2vec(
            fname, fvocab, binary, encoding, unicode_errors, limit, datatype, no_header
        )
        return cls(keys, vectors, counts=counts, dtype=datatype)


def _check_fvocab(fvocab):
    # fvocab comes second, as in gensim: catch a `binary` passed in its place
    if fvocab is not None and not isinstance(fvocab, (str, os.PathLike)):
        raise TypeError(
            f"fvocab must be a path or None, got {fvocab!r}; the second argument is "
            "the vocabulary file, as in gensim: pass binary by keyword."
        )
