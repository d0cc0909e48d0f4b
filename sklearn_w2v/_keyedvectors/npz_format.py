"""KeyedVectors' own file format: an ``.npz`` archive read without pickle.

``save`` writes the vectors, the numeric per-key attributes and a JSON header
(format, version, keys, attribute names) as the arrays of an uncompressed
``.npz`` archive, and with subword vectors their buckets and rows (version 2,
so that a reader of version 1 refuses them rather than dropping them);
``load`` reads it with ``np.load(..., allow_pickle=False)``, so that a file
from an untrusted source cannot run code, unlike the pickles of gensim's
``KeyedVectors.save``.
"""

import json
import os
import zipfile

import numpy as np

from .._corpus.files import open_output
from .subwords import Subwords
from .word2vec_format import DTYPES

FORMAT = "sklearn-w2v KeyedVectors"
VERSION = 1
#: The version of files holding subword vectors.
SUBWORDS_VERSION = 2


def _archive_arrays(keys, vectors, vecattrs, subwords=None):
    """The named arrays of the archive; only numbers, so no pickle is needed."""
    names = sorted(vecattrs)
    bad = next((name for name in names if vecattrs[name].dtype == object), None)
    if bad is not None:
        raise ValueError(
            f"Cannot save the attribute {bad!r}: it holds Python objects, and the "
            "format stores numbers only (it never pickles)."
        )
    header = {"format": FORMAT, "version": VERSION, "keys": keys, "attrs": names}
    if subwords is not None:
        header["version"] = SUBWORDS_VERSION
        header["subwords"] = {
            "min_n": subwords.min_n,
            "max_n": subwords.max_n,
            "n_buckets": subwords.n_buckets,
        }
    arrays = {
        "header": np.frombuffer(json.dumps(header).encode("ascii"), dtype=np.uint8),
        "vectors": vectors,
    }
    if subwords is not None:
        arrays["subword_buckets"] = subwords.buckets
        arrays["subword_vectors"] = subwords.vectors
    arrays.update((f"attr{i}", vecattrs[name]) for i, name in enumerate(names))
    return arrays


def _read_archive(path):
    """Keys, vectors, per-key attributes and subwords of a file written by ``save``."""
    with open(path, "rb") as fin:  # a missing file: FileNotFoundError, as open's
        is_archive = zipfile.is_zipfile(fin)
    if not is_archive:
        raise ValueError(
            "not a file written by KeyedVectors.save (an .npz archive); read "
            "word2vec files with load_word2vec_format."
        )
    with np.load(path, allow_pickle=False) as archive:
        if "header" not in archive.files or "vectors" not in archive.files:
            raise ValueError(
                "an .npz archive, but not one written by KeyedVectors.save."
            )
        header = json.loads(archive["header"].tobytes().decode("ascii"))
        version = header.get("version")
        if header.get("format") != FORMAT or version not in (VERSION, SUBWORDS_VERSION):
            raise ValueError(
                f"format {header.get('format')!r} version {version!r}; "
                f"expected {FORMAT!r} version {VERSION} or {SUBWORDS_VERSION}."
            )
        vectors = archive["vectors"]
        attrs = {name: archive[f"attr{i}"] for i, name in enumerate(header["attrs"])}
        subwords = None
        if version == SUBWORDS_VERSION:
            subwords = Subwords(
                **header["subwords"],
                buckets=archive["subword_buckets"],
                vectors=archive["subword_vectors"],
            )
    if vectors.dtype not in DTYPES:
        raise ValueError(f"vectors of dtype {vectors.dtype}; expected floats.")
    bad = next((n for n, v in attrs.items() if v.shape != (len(header["keys"]),)), None)
    if bad is not None:
        raise ValueError(
            f"attribute {bad!r} has shape {attrs[bad].shape}; expected one value "
            f"per key ({len(header['keys'])})."
        )
    return header["keys"], vectors, attrs, subwords


class NpzFormatMixin:
    """The ``save`` and ``load`` methods of :class:`~sklearn_w2v.KeyedVectors`."""

    def save(self, fname):
        """Write the vectors, keys, numeric per-key attributes and subwords to `fname`.

        An uncompressed ``.npz`` archive of the vectors (in their dtype), the
        numeric attributes (such as ``'count'``), the buckets and rows of
        ``subwords`` if any, and a JSON header holding the keys, written to
        exactly `fname` (no suffix is added). The file is written beside
        `fname` under a temporary name and renamed once complete, so that a
        failed save leaves an existing `fname` as it was.

        Unlike gensim's ``save``, nothing is pickled, so :meth:`load` can read
        files from untrusted sources; the two formats do not read each other
        (exchange vectors with gensim through :meth:`save_word2vec_format`).

        Parameters
        ----------
        fname : str or path-like
            Destination.

        Raises
        ------
        ValueError
            If an attribute set with :meth:`set_vecattr` holds Python objects
            rather than numbers; nothing is written then.

        See Also
        --------
        load : Read the file back.
        save_word2vec_format : The word2vec C tool's format, which gensim reads.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["cat", "dog"], [[0.5, 1.0], [-2.0, 0.25]], counts=[3, 8])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     kv.save(pathlib.Path(tmp) / "vectors.kv")
        ...     loaded = KeyedVectors.load(pathlib.Path(tmp) / "vectors.kv")
        >>> loaded.index_to_key, loaded.get_vecattr("dog", "count")
        (['cat', 'dog'], 8)
        """
        arrays = _archive_arrays(
            self.index_to_key, self._vectors, self._vecattrs, self.subwords
        )
        with open_output(fname, "wb") as fout:
            np.savez(fout, **arrays)

    @classmethod
    def load(cls, fname):
        """Read vectors written by :meth:`save`, without unpickling anything.

        The file is read with ``np.load(fname, allow_pickle=False)``: a file
        from an untrusted source cannot run code. gensim's pickled
        ``KeyedVectors`` files are not read; convert them with gensim's
        ``save_word2vec_format`` and read that with
        :meth:`load_word2vec_format`.

        Parameters
        ----------
        fname : str or path-like
            A file written by :meth:`save`.

        Returns
        -------
        KeyedVectors
            The vectors, in their saved dtype, with their attributes and
            subwords.

        Raises
        ------
        ValueError
            If the file is not one written by :meth:`save`, or is malformed;
            the message names the file.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from sklearn_w2v import KeyedVectors
        >>> kv = KeyedVectors(["cat", "dog"], [[0.5, 1.0], [-2.0, 0.25]])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     kv.save(pathlib.Path(tmp) / "vectors.kv")
        ...     loaded = KeyedVectors.load(pathlib.Path(tmp) / "vectors.kv")
        >>> loaded["dog"].tolist(), loaded.vectors.dtype
        ([-2.0, 0.25], dtype('float32'))
        """
        try:
            keys, vectors, attrs, subwords = _read_archive(fname)
            kv = cls(keys, vectors, dtype=vectors.dtype, subwords=subwords)
        except (
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
            zipfile.BadZipFile,
        ) as exc:
            # Malformed content, whatever its form, is one error naming the file.
            raise ValueError(f"{os.fspath(fname)}: {exc}") from exc
        kv._vecattrs = dict(attrs)
        return kv
