"""The word2vec text and binary formats (and GloVe's), and vocabulary files.

The readers and writers behind KeyedVectors' ``save_word2vec_format`` and
``load_word2vec_format`` (:mod:`~sklearn_w2v._keyedvectors.word2vec_files`).
Files are read in chunks;
nothing is allocated on the word of a header; a malformed file raises a one-line
ValueError naming the file and the line, byte offset or entry. Files are written
through :func:`~sklearn_w2v._corpus.files.open_output`, never left half-written.
"""

import codecs
import os
import stat
from contextlib import contextmanager
from itertools import chain

import numpy as np

from .._corpus.files import is_compressed, open_file

DTYPES = (np.float16, np.float32, np.float64)
_READ_CHUNK = 1 << 20
_TEXT_CHUNK_LINES = 10_000
# A binary entry whose key has no space within this many bytes is garbage.
_MAX_KEY_BYTES = 1 << 16


def write_text(fout, keys, vectors):
    step = max(1, _READ_CHUNK // max(1, vectors.shape[1]))
    for start in range(0, len(keys), step):
        # str() of a float32 scalar is its shortest round-tripping repr, as gensim.
        lines = [
            f"{key} {' '.join(map(str, row))}\n"
            for key, row in zip(
                keys[start : start + step], vectors[start : start + step], strict=True
            )
        ]
        fout.write("".join(lines).encode("utf8"))


def write_binary(fout, keys, vectors):
    vectors = vectors.astype("<f4", copy=False)
    step = max(1, _READ_CHUNK // max(1, 4 * vectors.shape[1]))
    for start in range(0, len(keys), step):
        fout.write(
            b"".join(
                key.encode("utf8") + b" " + row.tobytes() + b"\n"
                for key, row in zip(
                    keys[start : start + step],
                    vectors[start : start + step],
                    strict=True,
                )
            )
        )


def _parse_header(text):
    """``(n_keys, vector_size)`` from a header line, or None if it is not one."""
    parts = text.split()
    if len(parts) != 2 or not all(part.isascii() and part.isdigit() for part in parts):
        return None
    return int(parts[0]), int(parts[1])


def _check_vector_size(vector_size, where):
    if vector_size < 1:
        raise ValueError(f"{where}: vector_size must be at least 1, got {vector_size}.")


def _decode_key(raw, encoding, unicode_errors, offset):
    try:
        return raw.decode(encoding, unicode_errors)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"byte offset {offset}: cannot decode key with encoding {encoding!r} "
            f"({exc}); "
            "pass unicode_errors='replace' to load it anyway."
        ) from exc


def _add_key(keys, first_seen, key, unit, position):
    """Append `key`, first checking it is new; `unit` and `position` locate it."""
    if not key:
        raise ValueError(f"{unit} {position}: empty key.")
    if key in first_seen:
        raise ValueError(
            f"{unit} {position}: duplicate key {key!r}, "
            f"first seen at {unit} {first_seen[key]}."
        )
    first_seen[key] = position
    keys.append(key)


def read_binary(fin, limit, encoding, unicode_errors, datatype, file_size=None):
    """Keys and vectors of a binary file; `file_size` (if known) bounds the header."""
    header = fin.readline(1024)
    n_declared, vector_size = _binary_header(header, limit, file_size)
    n_keys = n_declared if limit is None else min(n_declared, limit)
    n_bytes = 4 * vector_size
    keys, first_seen, blocks = [], {}, []
    block, filled = np.empty((0, vector_size), dtype=datatype), 0
    buffer, pos, offset, eof = b"", 0, len(header), False  # offset: of buffer[0]
    while len(keys) < n_keys:
        while True:
            # the C tool ends each vector with a newline; gensim does not
            while buffer[pos : pos + 1] == b"\n":
                pos += 1
            space = buffer.find(b" ", pos)
            if space >= 0 and len(buffer) - space - 1 >= n_bytes:
                break
            if space < 0 and len(buffer) - pos > _MAX_KEY_BYTES:
                raise ValueError(
                    f"byte offset {offset + pos}: no space-terminated key within "
                    f"{_MAX_KEY_BYTES} bytes; is this a binary word2vec file?"
                )
            if eof:
                raise ValueError(
                    f"byte offset {offset + pos}: file truncated in vector "
                    f"{len(keys) + 1} of the {n_declared} declared in the header."
                )
            chunk = fin.read(_READ_CHUNK)
            eof = not chunk
            buffer, offset, pos = buffer[pos:] + chunk, offset + pos, 0
        if filled == len(block):
            # Blocks grow with the data actually read, never beyond it.
            blocks.append(_checked_block(block, filled, keys))
            room = (len(buffer) - pos) // (n_bytes + 2) + 1
            shape = (min(n_keys - len(keys), room), vector_size)
            block, filled = np.empty(shape, dtype=datatype), 0
        raw_key = buffer[pos:space]
        key = _decode_key(raw_key, encoding, unicode_errors, offset + pos)
        _add_key(keys, first_seen, key, "byte offset", offset + pos)
        with np.errstate(over="ignore"):  # values beyond float16: caught as inf
            block[filled] = np.frombuffer(
                buffer, dtype="<f4", count=vector_size, offset=space + 1
            )
        filled += 1
        pos = space + 1 + n_bytes
    blocks.append(_checked_block(block, filled, keys))
    rest = buffer[pos:] + fin.read(_READ_CHUNK) if n_keys == n_declared else b""
    if rest.strip():
        raise ValueError(
            f"byte offset {offset + pos + len(rest) - len(rest.lstrip())}: data after "
            f"the {n_declared} vectors declared in the header."
        )
    return keys, np.concatenate(blocks)


def _binary_header(header, limit, file_size):
    """``(n_declared, vector_size)``, checked against `file_size` if known."""
    # The byte-order mark that Windows editors put before UTF-8 text.
    text = header.removeprefix(codecs.BOM_UTF8).decode("ascii", "replace")
    size = _parse_header(text)
    if size is None or not header.endswith(b"\n"):
        raise ValueError(
            "does not look like a word2vec file: line 1 should be a header "
            f"'<count> <dimension>', got {_shorten(header)!r}."
        )
    n_declared, vector_size = size
    _check_vector_size(vector_size, "line 1")
    # Never allocate what a header claims: it may be garbage. Each entry needs
    # at least a one-byte key, a space and its values.
    n_read = n_declared if limit is None else min(n_declared, limit)
    if file_size is not None:
        room = (file_size - len(header)) // (4 * vector_size + 2)
        if n_read > room:
            raise ValueError(
                f"the header {text.strip()!r} declares "
                f"{n_declared} vectors of dimension {vector_size}, but the "
                f"{file_size - len(header)} bytes after it hold at most {room}."
            )
    return size


def _shorten(raw):
    text = raw.decode("utf8", "replace").strip()
    return text if len(text) <= 60 else text[:57] + "..."


def _checked_block(block, filled, keys):
    """``block[:filled]``, checked finite; the block ends at the last of `keys`."""
    finite = np.isfinite(block).all(axis=1)
    if not finite.all():
        index = len(keys) - filled + int(np.argmin(finite))
        raise ValueError(
            f"vector {index + 1} (key {keys[index]!r}) holds NaN, infinity or a "
            f"value beyond the range of {block.dtype}; word vectors must be finite."
        )
    return block


def _text_lines(fin, encoding, unicode_errors):
    """Yield ``(line_number, line)`` for non-blank lines, trailing space removed."""
    for line_no, raw in enumerate(fin, start=1):
        if line_no == 1:
            # The byte-order mark that Windows editors put before UTF-8 text.
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            line = raw.decode(encoding, unicode_errors).rstrip()
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"line {line_no}: cannot decode with encoding {encoding!r} ({exc}); "
                "pass unicode_errors='replace' to load it anyway."
            ) from exc
        if line:
            yield line_no, line


def read_text(fin, limit, encoding, unicode_errors, datatype, no_header):
    lines = _text_lines(fin, encoding, unicode_errors)
    first = next(lines, None)
    if first is None:
        raise ValueError("Empty file: no header and no vectors.")
    size = None if no_header else _parse_header(first[1])
    if size is None:  # headerless, like GloVe
        n_declared, vector_size = None, len(first[1].split(" ")) - 1
        lines = chain([first], lines)
        if not no_header:
            _check_first_vector(first[1], vector_size)
    else:
        n_declared, vector_size = size
    _check_vector_size(vector_size, f"line {first[0]}")
    bounds = [n for n in (n_declared, limit) if n is not None]
    n_keys = min(bounds) if bounds else None
    keys, first_seen, blocks, values, block_lines = [], {}, [], [], []
    for line_no, line in lines:
        if len(keys) == n_keys:
            if n_keys == n_declared:
                raise ValueError(
                    f"line {line_no}: more vectors than the {n_declared} declared "
                    "in the header."
                )
            break
        parts = line.split(" ")
        if len(parts) != vector_size + 1:
            raise ValueError(
                f"line {line_no}: expected a key and {vector_size} values, "
                f"found {len(parts) - 1} values."
            )
        _add_key(keys, first_seen, parts[0], "line", line_no)
        values.extend(parts[1:])
        block_lines.append(line_no)
        if len(block_lines) == _TEXT_CHUNK_LINES:
            blocks.append(_parse_values(values, block_lines, vector_size, datatype))
            values, block_lines = [], []
    blocks.append(_parse_values(values, block_lines, vector_size, datatype))
    if n_declared is not None and len(keys) < n_keys:
        raise ValueError(
            f"File ends after {len(keys)} vectors but the header declares {n_declared}."
        )
    return keys, np.concatenate(blocks)


def _check_first_vector(line, vector_size):
    """Reject a first line that is neither a header nor a key and numbers."""
    try:
        if vector_size < 1:
            raise ValueError
        np.array(line.split(" ")[1:], dtype=np.float64)
    except ValueError:
        raise ValueError(
            "does not look like a word2vec file: line 1 is neither a header "
            "'<count> <dimension>' nor a key followed by numbers, "
            f"got {_shorten(line.encode())!r}."
        ) from None


def _parse_values(values, line_numbers, vector_size, datatype):
    """Parse the value strings of a block of lines, naming the line of a bad one."""
    try:
        with np.errstate(over="ignore"):  # values beyond the dtype: caught as inf
            block = np.array(values, dtype=datatype).reshape(-1, vector_size)
    except ValueError:
        for i, line_no in enumerate(line_numbers):
            try:
                np.array(values[i * vector_size : (i + 1) * vector_size], np.float64)
            except ValueError as exc:
                raise ValueError(f"line {line_no}: {exc}.") from None
        raise
    finite = np.isfinite(block)
    if not finite.all():
        row, column = np.argwhere(~finite)[0]
        raise ValueError(
            f"line {line_numbers[row]}: value {values[row * vector_size + column]!r} "
            f"is NaN, infinite or beyond the range of {block.dtype}; word vectors "
            "must be finite."
        )
    return block


def read_vocab(path, encoding, unicode_errors):
    """Word counts of a vocabulary file ``"word count"`` per line (``-save-vocab``)."""
    counts = {}
    with _naming(path), open_file(path, "rb") as fin:
        for line_no, line in _text_lines(fin, encoding, unicode_errors):
            parts = line.split()
            if len(parts) != 2 or not (parts[1].isascii() and parts[1].isdigit()):
                raise ValueError(
                    f"line {line_no}: expected 'word count', "
                    f"got {_shorten(line.encode())!r}."
                )
            if parts[0] in counts:
                raise ValueError(f"line {line_no}: duplicate word {parts[0]!r}.")
            counts[parts[0]] = int(parts[1])
    return counts


@contextmanager
def _naming(path):
    """Re-raise a ValueError, or a compressed file's EOFError, naming the file."""
    try:
        yield
    except EOFError as exc:
        raise ValueError(
            f"{os.fspath(path)}: compressed data ends early ({exc})."
        ) from exc
    except ValueError as exc:
        raise ValueError(f"{os.fspath(path)}: {exc}") from exc


def read_word2vec(
    path, fvocab, binary, encoding, unicode_errors, limit, datatype, no_header
):
    """Keys, vectors and counts (or None) of a word2vec file and its vocabulary.

    Every ValueError names the file; truncated compressed data is a ValueError too.
    """
    counts = None if fvocab is None else read_vocab(fvocab, encoding, unicode_errors)
    name = os.fspath(path)
    if binary and no_header:
        raise ValueError(
            f"{name}: no_header=True works only with text files: binary ones always "
            "have a header."
        )
    with _naming(path), open_file(path, "rb") as fin:
        if binary:
            keys, vectors = read_binary(
                fin, limit, encoding, unicode_errors, datatype, _plain_size(name)
            )
        else:
            keys, vectors = read_text(
                fin, limit, encoding, unicode_errors, datatype, no_header
            )
    if counts is not None:
        missing = next((key for key in keys if key not in counts), None)
        if missing is not None:
            raise ValueError(
                f"{os.fspath(fvocab)}: no count for {missing!r}, a key of {name}."
            )
        counts = np.array([counts[key] for key in keys], dtype=np.int64)
    return keys, vectors, counts


def _plain_size(path):
    """Size in bytes of an uncompressed regular file, else None."""
    if is_compressed(path):
        return None
    info = os.stat(path)
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def check_keys(keys, binary):
    """Refuse, before any file is touched, a key the format cannot hold."""
    bad = next((k for k in keys if not k or " " in k or "\n" in k), None)
    if bad is not None:
        raise ValueError(
            f"Cannot write key {_show_key(bad)}: keys in word2vec files must be "
            "non-empty and contain no spaces or newlines."
        )
    try:
        "".join(keys).encode("utf8")
    except UnicodeEncodeError:
        bad = next(k for k in keys if not _encodes(k))
        raise ValueError(
            f"Cannot write key {_show_key(bad)}: it holds a lone surrogate (an "
            "undecodable byte kept by errors='surrogateescape'), which UTF-8 "
            "cannot encode."
        ) from None
    if binary:
        _check_key_lengths(keys)


def _check_key_lengths(keys):
    """Refuse a binary key longer than the readers look for its space."""
    # A character is at most 4 bytes: only longer keys need encoding.
    long = (k for k in keys if len(k) > _MAX_KEY_BYTES // 4)
    bad = next((k for k in long if len(k.encode("utf8")) > _MAX_KEY_BYTES), None)
    if bad is not None:
        raise ValueError(
            f"Cannot write key {_show_key(bad)} of {len(bad.encode('utf8')):,} "
            f"bytes: keys in binary word2vec files may hold at most "
            f"{_MAX_KEY_BYTES:,} bytes in UTF-8."
        )


def _encodes(key):
    try:
        key.encode("utf8")
    except UnicodeEncodeError:
        return False
    return True


def _show_key(key):
    return repr(key) if len(key) <= 60 else f"{key[:40]!r}... ({len(key):,} characters)"


def write_word2vec(fout, keys, vectors, binary, header):
    """Write `keys` and `vectors` in the text or binary format, after `header`."""
    if header is not None:
        fout.write(f"{header[0]} {header[1]}\n".encode())
    (write_binary if binary else write_text)(fout, keys, vectors)


def write_vocab(fout, keys, counts):
    """Write ``"word count"`` lines, as the C tool's ``-save-vocab``."""
    fout.write(
        "".join(
            f"{key} {count}\n" for key, count in zip(keys, counts, strict=True)
        ).encode("utf8")
    )
