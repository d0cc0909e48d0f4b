"""Reading and writing the word2vec text and binary formats (and GloVe's).

Used by :meth:`KeyedVectors.save_word2vec_format` and
:meth:`KeyedVectors.load_word2vec_format`; files are read in chunks, and a
malformed file raises ValueError naming the line or byte offset.
"""

import bz2
import gzip
import os
from itertools import chain

import numpy as np

_READ_CHUNK = 1 << 20
_TEXT_CHUNK_LINES = 10_000
# A binary entry whose key has no space within this many bytes is garbage.
_MAX_KEY_BYTES = 1 << 16


def open_vectors_file(path, mode):
    """Open a file in binary `mode`, through gzip or bz2 by its suffix."""
    path = os.fspath(path)
    if path.endswith(".gz"):
        return gzip.open(path, mode)
    if path.endswith(".bz2"):
        return bz2.open(path, mode)
    return open(path, mode)


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


def read_binary(fin, limit, encoding, unicode_errors):
    header = fin.readline(1024)
    size = _parse_header(header.decode("ascii", "replace"))
    if size is None or not header.endswith(b"\n"):
        raise ValueError(
            f"line 1: expected a header 'n_keys vector_size', got {header[:80]!r}."
        )
    n_declared, vector_size = size
    _check_vector_size(vector_size, "line 1")
    n_keys = n_declared if limit is None else min(n_declared, limit)
    vectors = np.empty((n_keys, vector_size), dtype=np.float32)
    keys, first_seen = [], {}
    n_bytes = 4 * vector_size
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
        raw_key = buffer[pos:space]
        key = _decode_key(raw_key, encoding, unicode_errors, offset + pos)
        _add_key(keys, first_seen, key, "byte offset", offset + pos)
        vectors[len(keys) - 1] = np.frombuffer(
            buffer, dtype="<f4", count=vector_size, offset=space + 1
        )
        pos = space + 1 + n_bytes
    rest = buffer[pos:] + fin.read(_READ_CHUNK) if n_keys == n_declared else b""
    if rest.strip():
        raise ValueError(
            f"byte offset {offset + pos + len(rest) - len(rest.lstrip())}: data after "
            f"the {n_declared} vectors declared in the header."
        )
    return keys, vectors


def _text_lines(fin, encoding, unicode_errors):
    """Yield ``(line_number, line)`` for non-blank lines, trailing space removed."""
    for line_no, raw in enumerate(fin, start=1):
        try:
            line = raw.decode(encoding, unicode_errors).rstrip()
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"line {line_no}: cannot decode with encoding {encoding!r} ({exc}); "
                "pass unicode_errors='replace' to load it anyway."
            ) from exc
        if line:
            yield line_no, line


def read_text(fin, limit, encoding, unicode_errors):
    lines = _text_lines(fin, encoding, unicode_errors)
    first = next(lines, None)
    if first is None:
        raise ValueError("Empty file: no header and no vectors.")
    size = _parse_header(first[1])
    if size is None:  # headerless, like GloVe
        n_declared, vector_size = None, len(first[1].split(" ")) - 1
        lines = chain([first], lines)
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
            blocks.append(_parse_values(values, block_lines, vector_size))
            values, block_lines = [], []
    blocks.append(_parse_values(values, block_lines, vector_size))
    if n_declared is not None and len(keys) < n_keys:
        raise ValueError(
            f"File ends after {len(keys)} vectors but the header declares {n_declared}."
        )
    return keys, np.concatenate(blocks)


def _parse_values(values, line_numbers, vector_size):
    """Parse the value strings of a block of lines, naming the line of a bad one."""
    try:
        return np.array(values, dtype=np.float32).reshape(-1, vector_size)
    except ValueError:
        for i, line_no in enumerate(line_numbers):
            try:
                np.array(values[i * vector_size : (i + 1) * vector_size], np.float32)
            except ValueError as exc:
                raise ValueError(f"line {line_no}: {exc}.") from None
        raise
