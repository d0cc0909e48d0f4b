"""Facebook's fastText ``.bin`` models, read into KeyedVectors with subwords.

The layout is that of fastText's ``FastText::saveModel`` (read as gensim
4.4's ``_fasttext_bin.load`` reads it), all numbers little-endian:

- ``int32`` magic 793712314 and version (at most 12);
- the arguments: 12 ``int32`` (``dim, ws, epoch, min_count, neg,
  word_ngrams, loss, model, bucket, minn, maxn, lr_update_rate``) and the
  ``float64`` ``t``;
- the dictionary: ``int32`` size, nwords, nlabels, ``int64`` ntokens and
  pruneidx_size, then per entry the word's bytes, a NUL byte, its ``int64``
  count and an ``int8`` type (0 word, 1 label), then pruneidx_size pairs of
  ``int32``;
- ``bool`` quant_input, then the input matrix: ``int64`` rows (nwords +
  bucket) and columns (dim), and its float32 rows: the words' own rows,
  then the rows of the n-gram buckets;
- the output matrix, which word vectors do not need and is never read.
"""

import mmap
import os

import numpy as np

from .subwords import Subwords

MAGIC = 793712314
MAX_VERSION = 12
ARGS = np.dtype(
    [
        (name, "<i4")
        for name in (
            "dim",
            "ws",
            "epoch",
            "min_count",
            "neg",
            "word_ngrams",
            "loss",
            "model",
            "bucket",
            "minn",
            "maxn",
            "lr_update_rate",
        )
    ]
    + [("t", "<f8")]
)
DICTIONARY = np.dtype(
    [
        ("size", "<i4"),
        ("nwords", "<i4"),
        ("nlabels", "<i4"),
        ("ntokens", "<i8"),
        ("pruneidx_size", "<i8"),
    ]
)
# After an entry's NUL byte: its int64 count and int8 type.
ENTRY_TAIL = 9


def _read(buffer, dtype, offset):
    """One record of `dtype` at `offset`, as a dict, and the offset after it."""
    if offset + dtype.itemsize > len(buffer):
        raise ValueError(f"the file ends inside its header, at byte {len(buffer)}.")
    record = np.frombuffer(buffer[offset : offset + dtype.itemsize], dtype)[0]
    return {name: record[name].item() for name in dtype.names}, offset + dtype.itemsize


def _read_entries(buffer, offset, size):
    """Words and counts of the dictionary's `size` entries; offset after them."""
    starts, ends = [], []
    for _ in range(size):
        # bytes.find runs in C: one call per word is the cost of the format.
        end = buffer.find(b"\0", offset)
        if end < 0 or end + ENTRY_TAIL >= len(buffer):
            raise ValueError("the file ends inside its dictionary.")
        starts.append(offset)
        ends.append(end)
        offset = end + 1 + ENTRY_TAIL
    # As gensim: bytes that are not UTF-8 are kept as backslash escapes.
    words = [
        buffer[start:end].decode("utf-8", errors="backslashreplace")
        for start, end in zip(starts, ends, strict=True)
    ]
    tails = b"".join(buffer[end + 1 : end + 1 + ENTRY_TAIL] for end in ends)
    counts = np.frombuffer(tails, dtype=[("count", "<i8"), ("type", "i1")])["count"]
    return words, counts.astype(np.int64), offset


def _read_header(buffer):
    """Arguments, dictionary and offset of the input matrix's rows."""
    if len(buffer) < 8 or np.frombuffer(buffer[:4], "<i4")[0] != MAGIC:
        raise ValueError(
            "not a fastText .bin model: it does not start with fastText's magic "
            "number (decompress a .gz file first; .vec files are read with "
            "load_word2vec_format)."
        )
    version = int(np.frombuffer(buffer[4:8], "<i4")[0])
    if version > MAX_VERSION:
        raise ValueError(
            f"fastText format version {version}; versions up to {MAX_VERSION} are read."
        )
    args, offset = _read(buffer, ARGS, 8)
    if args["dim"] < 1 or args["bucket"] < 0:
        raise ValueError(f"dim={args['dim']} and bucket={args['bucket']}.")
    dictionary, offset = _read(buffer, DICTIONARY, offset)
    words, counts, offset = _read_entries(buffer, offset, dictionary["size"])
    offset += 8 * max(dictionary["pruneidx_size"], 0)
    if offset >= len(buffer):
        raise ValueError("the file ends before its input matrix.")
    if buffer[offset]:
        raise ValueError(
            "a quantized fastText model (.ftz): its input matrix is compressed "
            "by product quantization, which is not read; use the .bin model."
        )
    if dictionary["nlabels"] > 0:
        raise ValueError(
            "a supervised fastText model (its dictionary holds labels); only "
            "unsupervised (skipgram, cbow) models are read."
        )
    shape, offset = _read(buffer, np.dtype([("m", "<i8"), ("n", "<i8")]), offset + 1)
    nwords = dictionary["nwords"]
    expected = (nwords + args["bucket"], args["dim"])
    if (shape["m"], shape["n"]) != expected:
        raise ValueError(
            f"an input matrix of shape {(shape['m'], shape['n'])}; expected "
            f"{expected} (words plus buckets, dim)."
        )
    return args, words[:nwords], counts[:nwords], offset


class FastTextFormatMixin:
    """The fastText ``.bin`` reader of :class:`~sklearn_w2v.KeyedVectors`."""

    @classmethod
    def load_facebook_vectors(cls, path):
        """Word and subword vectors of a fastText model in Facebook's ``.bin`` format.

        gensim's ``load_facebook_vectors``: the vocabulary's full vectors
        (each word's own input row averaged with the rows of its n-gram
        buckets) and the bucket rows as ``subwords``, so that any word
        gets a vector, through its character n-grams when it is unseen.
        Only the input matrix is read (with ``np.fromfile``); the output
        layer, which gensim's ``load_facebook_model`` keeps to go on
        training, is skipped, as are the training arguments.

        Parameters
        ----------
        path : str or path-like
            An uncompressed ``.bin`` file written by fastText (``fasttext
            skipgram``, ``cbow``, ``save_model``) or by gensim's
            ``save_facebook_model``.

        Returns
        -------
        KeyedVectors
            float32 vectors with their counts and, unless the model was
            trained without n-grams (``-maxn 0``), their ``subwords``.

        Raises
        ------
        ValueError
            If the file is not an unsupervised fastText model: no magic
            number (a ``.vec`` or compressed file), a newer version, a
            quantized ``.ftz`` model, a supervised model, or a truncated
            file. The message names the file.

        Notes
        -----
        Memory: the bucket rows (``bucket x dim`` float32: 2.4 GB for the
        published ``cc.*.300.bin`` models) are all kept, since any unseen
        word may need any of them; the vocabulary's rows are composed in
        place. Words that are not valid UTF-8 are kept with backslash
        escapes, as gensim does, and their n-grams hashed from those.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from gensim.models.fasttext import FastText, save_facebook_model
        >>> from sklearn_w2v import KeyedVectors
        >>> model = FastText([["cat", "sat"], ["cats", "sit"]], vector_size=4,
        ...                  min_count=1, bucket=50, seed=0, workers=1)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     save_facebook_model(model, str(pathlib.Path(tmp) / "model.bin"))
        ...     kv = KeyedVectors.load_facebook_vectors(pathlib.Path(tmp) / "model.bin")
        >>> kv, kv.subwords
        (KeyedVectors(n_keys=4, vector_size=4), Subwords(min_n=3, max_n=6, \
n_buckets=50, n_rows=50))
        >>> "catsat" in kv, kv.has_index_for("catsat"), kv["catsat"].shape
        (True, False, (4,))
        """
        try:
            with open(path, "rb") as fin:
                size = os.fstat(fin.fileno()).st_size
                if size < 8:
                    raise ValueError("not a fastText .bin model: too short.")
                # Mapped, not read: only the header is touched here.
                with mmap.mmap(fin.fileno(), 0, access=mmap.ACCESS_READ) as buffer:
                    args, words, counts, offset = _read_header(buffer)
            dim, bucket = args["dim"], args["bucket"]
            n_values = (len(words) + bucket) * dim
            if offset + 4 * n_values > size:
                raise ValueError("the file ends inside its input matrix.")
            rows = np.fromfile(path, dtype="<f4", count=n_values, offset=offset)
        except ValueError as exc:
            raise ValueError(f"{os.fspath(path)}: {exc}") from exc
        # One array, never copied: the words' rows are composed in place and
        # become ``vectors``, the buckets' rows ``subwords.vectors``.
        rows = rows.astype(np.float32, copy=False).reshape(-1, dim)
        word_rows, bucket_rows = rows[: len(words)], rows[len(words) :]
        if args["maxn"] == 0 or bucket == 0:
            return cls(words, word_rows, counts=counts)
        subwords = Subwords(
            args["minn"], args["maxn"], bucket, np.arange(bucket), bucket_rows
        )
        vectors = subwords.compose(words, word_rows)
        return cls(words, vectors, counts=counts, subwords=subwords)
