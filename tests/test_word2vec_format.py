"""The word2vec files: gensim's signatures, counts, dtypes, and hostile input."""

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from sklearn_w2v import KeyedVectors

DATA = Path(__file__).parent / "data"
GENSIM_DATA = DATA / "gensim"
KEYS = ["the", "of", "café", "and"]
VECTORS = np.array(
    [[0.5, -1.25, 2.0], [0.0, 0.25, -0.5], [1.0, 1.0, 1.0], [-3.5, 0.125, 0.0]],
    dtype=np.float32,
)


def _binary_entries(keys, vectors):
    return b"".join(
        key.encode() + b" " + struct.pack(f"<{len(row)}f", *row) + b"\n"
        for key, row in zip(keys, vectors, strict=True)
    )


# gensim's argument order: fvocab second


def test_positional_fvocab_writes_text_and_a_vocabulary(tmp_path):
    kv = KeyedVectors(KEYS, VECTORS, counts=[50, 20, 20, 7])
    kv.save_word2vec_format(tmp_path / "v.txt", tmp_path / "vocab.txt")
    assert (tmp_path / "v.txt").read_text(encoding="utf8").startswith("4 3\nthe 0.5")
    assert (tmp_path / "vocab.txt").read_text(encoding="utf8") == (
        "the 50\nof 20\ncafé 20\nand 7\n"
    )
    loaded = KeyedVectors.load_word2vec_format(
        tmp_path / "v.txt", tmp_path / "vocab.txt"
    )
    assert loaded.index_to_key == KEYS
    np.testing.assert_array_equal(loaded.vectors, VECTORS)
    assert [loaded.get_vecattr(k, "count") for k in KEYS] == [50, 20, 20, 7]


def test_positional_fvocab_must_be_a_path(tmp_path):
    with pytest.raises(TypeError, match="fvocab must be a path or None, got True"):
        KeyedVectors.load_word2vec_format(DATA / "tiny.bin", True)
    with pytest.raises(TypeError, match="pass binary by keyword"):
        KeyedVectors(KEYS, VECTORS).save_word2vec_format(tmp_path / "v.bin", True)
    assert not (tmp_path / "v.bin").exists()


@pytest.mark.parametrize("binary", [False, True])
def test_files_are_written_by_decreasing_count(tmp_path, binary):
    kv = KeyedVectors(KEYS, VECTORS, counts=[3, 9, 3, 5])
    kv.save_word2vec_format(tmp_path / "v", tmp_path / "vocab", binary=binary)
    loaded = KeyedVectors.load_word2vec_format(tmp_path / "v", binary=binary)
    assert loaded.index_to_key == ["of", "and", "the", "café"]  # ties in row order
    np.testing.assert_array_equal(loaded.vectors, VECTORS[[1, 3, 0, 2]])
    assert (tmp_path / "vocab").read_text(encoding="utf8").split("\n")[:2] == [
        "of 9",
        "and 5",
    ]
    kv.save_word2vec_format(tmp_path / "unsorted", sort_attr=None)
    assert KeyedVectors.load_word2vec_format(tmp_path / "unsorted").index_to_key == KEYS


def test_vocabulary_file_needs_counts(tmp_path):
    with pytest.raises(ValueError, match="the keys have no 'count'"):
        KeyedVectors(KEYS, VECTORS).save_word2vec_format(
            tmp_path / "v.txt", tmp_path / "vocab.txt"
        )
    assert not (tmp_path / "vocab.txt").exists()


def test_vectorizer_word_counts_reach_the_vocabulary_file(tmp_path, fitted_vectorizer):
    wv = fitted_vectorizer.wv_
    counts = dict(zip(wv.index_to_key, fitted_vectorizer.word_counts_, strict=True))
    wv.save_word2vec_format(tmp_path / "v.bin", tmp_path / "vocab.txt", binary=True)
    lines = (tmp_path / "vocab.txt").read_text(encoding="utf8").splitlines()
    assert {word: int(n) for word, n in map(str.split, lines)} == counts
    loaded = KeyedVectors.load_word2vec_format(
        tmp_path / "v.bin", tmp_path / "vocab.txt", binary=True
    )
    assert all(loaded.get_vecattr(w, "count") == n for w, n in counts.items())
    np.testing.assert_array_equal(loaded[wv.index_to_key], wv.vectors)


@pytest.mark.parametrize(
    "vocab, match",
    [
        ("the 5\nof 4\ncafé 3\n", "no count for 'and'"),
        ("the 5\nof\n", "line 2: expected 'word count'"),
        ("the 5\nof -4\n", "line 2: expected 'word count'"),
        ("the 5\nthe 4\n", "line 2: duplicate word 'the'"),
    ],
)
def test_bad_vocabulary_files_raise_naming_the_file(tmp_path, vocab, match):
    (tmp_path / "vocab.txt").write_text(vocab, encoding="utf8")
    with pytest.raises(ValueError, match=match) as info:
        KeyedVectors.load_word2vec_format(DATA / "tiny.txt", tmp_path / "vocab.txt")
    assert "vocab.txt" in str(info.value)


def test_total_vec_prefix_and_append_build_one_file(tmp_path):
    path = tmp_path / "both.txt"
    words = KeyedVectors(KEYS[:2], VECTORS[:2])
    words.save_word2vec_format(path, total_vec=4)
    KeyedVectors(KEYS[2:], VECTORS[2:]).save_word2vec_format(
        path, write_header=False, prefix="*dt_", append=True
    )
    loaded = KeyedVectors.load_word2vec_format(path)
    assert loaded.index_to_key == ["the", "of", "*dt_café", "*dt_and"]
    np.testing.assert_array_equal(loaded.vectors, VECTORS)


# headerless files


def test_no_header_reads_a_first_line_that_looks_like_a_header(tmp_path):
    path = tmp_path / "one_dimension.txt"
    KeyedVectors(["1", "b"], [[5.0], [6.0]]).save_word2vec_format(
        path, write_header=False
    )
    assert path.read_text() == "1 5.0\nb 6.0\n"
    loaded = KeyedVectors.load_word2vec_format(path, no_header=True)
    assert loaded.index_to_key == ["1", "b"]
    np.testing.assert_array_equal(loaded.vectors, [[5.0], [6.0]])


def test_no_header_is_for_text_files_only():
    with pytest.raises(ValueError, match="tiny.bin: no_header=True works only"):
        KeyedVectors.load_word2vec_format(
            DATA / "tiny.bin", binary=True, no_header=True
        )


# dtypes


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("datatype", [np.float16, np.float32, np.float64])
def test_datatype_sets_the_dtype_of_the_vectors(tmp_path, binary, datatype):
    KeyedVectors(KEYS, VECTORS).save_word2vec_format(tmp_path / "v", binary=binary)
    kv = KeyedVectors.load_word2vec_format(
        tmp_path / "v", binary=binary, datatype=datatype
    )
    assert kv.vectors.dtype == datatype
    assert kv.vectors.nbytes == VECTORS.size * np.dtype(datatype).itemsize
    np.testing.assert_array_equal(kv.vectors, VECTORS.astype(datatype))
    assert kv.most_similar("the", topn=1)[0][0] == "café"
    kv["new"] = [1.0, 2.0, 3.0]
    assert kv.vectors.dtype == datatype


def test_text_values_are_parsed_straight_into_float64():
    kv = KeyedVectors.load_word2vec_format(
        GENSIM_DATA / "high_precision.kv.txt", datatype=np.float64
    )
    assert kv["horse.n.01"][0] == -0.0008546282343595379  # the file's 19 digits
    assert kv.vectors.dtype == np.float64


def test_unsupported_datatype_is_rejected():
    with pytest.raises(ValueError, match="datatype must be float16, float32"):
        KeyedVectors.load_word2vec_format(DATA / "tiny.txt", datatype=np.int32)


# hostile input: never trust the header, name the file


@pytest.mark.parametrize(
    "header", [b"1000000000000 3", b"1 1000000000000", b"100000000 100"]
)
def test_binary_header_beyond_the_file_size_is_rejected(tmp_path, header):
    path = tmp_path / "lying.bin"
    path.write_bytes(header + b"\n" + _binary_entries(KEYS, VECTORS))
    with pytest.raises(ValueError, match=f"lying.bin: the header '{header.decode()}'"):
        KeyedVectors.load_word2vec_format(path, binary=True)


@pytest.mark.parametrize("header", [b"1000000000000 3", b"1 1000000000000"])
def test_compressed_binary_header_is_checked_against_the_data(tmp_path, header):
    path = tmp_path / "lying.bin.gz"
    path.write_bytes(gzip.compress(header + b"\n" + _binary_entries(KEYS, VECTORS)))
    with pytest.raises(ValueError, match=r"lying.bin.gz: byte offset \d+: file trunc"):
        KeyedVectors.load_word2vec_format(path, binary=True)


@pytest.mark.parametrize("binary", [False, True])
def test_truncated_gzip_file_raises_value_error_naming_it(tmp_path, binary):
    path = tmp_path / "cut.gz"
    KeyedVectors(KEYS, VECTORS).save_word2vec_format(path, binary=binary)
    path.write_bytes(path.read_bytes()[:-12])  # drops the end-of-stream marker
    with pytest.raises(ValueError, match="cut.gz: compressed data ends early"):
        KeyedVectors.load_word2vec_format(path, binary=binary)


@pytest.mark.parametrize("binary", [False, True])
def test_a_corpus_is_not_taken_for_vectors(tmp_path, binary):
    path = tmp_path / "corpus.txt"
    path.write_text("the cat sat on the mat\nand the dog barked\n")
    with pytest.raises(ValueError) as info:
        KeyedVectors.load_word2vec_format(path, binary=binary)
    message = str(info.value)
    assert message.startswith(f"{path}: does not look like a word2vec file")
    assert "the cat sat on the mat" in message and "binary" not in message
    assert "\n" not in message


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e39"])
def test_non_finite_text_values_raise_naming_the_line(tmp_path, value):
    path = tmp_path / "bad.txt"
    path.write_text(f"3 2\na 1 2\nb 1 {value}\nc 3 4\n")
    with pytest.raises(ValueError, match=f"bad.txt: line 3: value '{value}' is NaN"):
        KeyedVectors.load_word2vec_format(path)


def test_values_beyond_float16_raise_naming_the_line(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("2 2\na 1 2\nb 1 70000\n")
    with pytest.raises(ValueError, match="line 3: .* beyond the range of float16"):
        KeyedVectors.load_word2vec_format(path, datatype=np.float16)
    assert KeyedVectors.load_word2vec_format(path)["b"][1] == 70000


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_binary_values_raise_naming_the_entry(tmp_path, value):
    vectors = VECTORS.copy()
    vectors[2, 1] = value
    path = tmp_path / "bad.bin"
    path.write_bytes(b"4 3\n" + _binary_entries(KEYS, vectors))
    with pytest.raises(
        ValueError, match="bad.bin: vector 3 \\(key 'café'\\) holds NaN"
    ):
        KeyedVectors.load_word2vec_format(path, binary=True)


def test_reader_errors_name_the_file(tmp_path):
    path = tmp_path / "short.txt"
    path.write_text("3 2\na 1 2\n")
    with pytest.raises(ValueError, match="short.txt: File ends after 1 vectors"):
        KeyedVectors.load_word2vec_format(path)


# writing: nothing is touched before the keys are checked, nothing left half-done


@pytest.mark.parametrize("binary", [False, True])
def test_an_unencodable_key_is_refused_before_any_file_is_touched(tmp_path, binary):
    path, vocab = tmp_path / "v", tmp_path / "vocab.txt"
    KeyedVectors(KEYS, VECTORS, counts=[4, 3, 2, 1]).save_word2vec_format(
        path, vocab, binary=binary
    )
    previous = path.read_bytes(), vocab.read_bytes()
    # A lone surrogate: what os.listdir gives for a file name that is not UTF-8.
    kv = KeyedVectors(["the", "caf\udce9"], VECTORS[:2], counts=[2, 1])
    with pytest.raises(ValueError, match=r"key 'caf\\udce9'.* lone surrogate"):
        kv.save_word2vec_format(path, vocab, binary=binary)
    assert (path.read_bytes(), vocab.read_bytes()) == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v", "vocab.txt"]


def test_a_key_with_a_space_leaves_the_vocabulary_file_alone(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("the 4\n")
    kv = KeyedVectors(["the", "two words"], VECTORS[:2], counts=[2, 1])
    with pytest.raises(ValueError, match="Cannot write key 'two words'"):
        kv.save_word2vec_format(tmp_path / "v.txt", vocab)
    assert vocab.read_text() == "the 4\n"
    assert not (tmp_path / "v.txt").exists()


@pytest.mark.parametrize("append", [False, True])
def test_a_save_that_fails_part_way_leaves_both_files_as_they_were(
    tmp_path, monkeypatch, append
):
    from sklearn_w2v._keyedvectors import word2vec_format as _word2vec_format

    path, vocab = tmp_path / "v.bin", tmp_path / "vocab.txt"
    kv = KeyedVectors(KEYS, VECTORS, counts=[4, 3, 2, 1])
    kv.save_word2vec_format(path, vocab, binary=True)
    previous = path.read_bytes(), vocab.read_bytes()

    def write_part_then_fail(fout, keys, vectors):
        fout.write(b"the ")
        fout.flush()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_word2vec_format, "write_binary", write_part_then_fail)
    with pytest.raises(OSError, match="No space left"):
        kv.save_word2vec_format(path, vocab, binary=True, append=append)
    assert (path.read_bytes(), vocab.read_bytes()) == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.bin", "vocab.txt"]


def test_save_through_a_symlink_replaces_the_file_it_points_to(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    KeyedVectors(KEYS[:1], VECTORS[:1]).save_word2vec_format(runs / "v3.bin")
    (tmp_path / "latest.bin").symlink_to("runs/v3.bin")
    KeyedVectors(KEYS, VECTORS).save_word2vec_format(tmp_path / "latest.bin")
    assert (tmp_path / "latest.bin").is_symlink()
    assert KeyedVectors.load_word2vec_format(runs / "v3.bin").index_to_key == KEYS
    assert sorted(p.name for p in runs.iterdir()) == ["v3.bin"]


def test_save_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "v.txt"
    KeyedVectors(KEYS[:1], VECTORS[:1]).save_word2vec_format(path)
    path.chmod(0o600)
    KeyedVectors(KEYS, VECTORS).save_word2vec_format(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert KeyedVectors.load_word2vec_format(path).index_to_key == KEYS


def test_binary_keys_as_long_as_readers_read_round_trip_and_longer_are_refused(
    tmp_path,
):
    limit = 1 << 16  # bytes of a key that the binary reader looks for a space in
    longest = "é" * (limit // 2)  # two bytes each in UTF-8
    # 250,000 values put the long key across the reader's 1 MiB chunk boundary.
    vectors = np.ones((2, 250_000), dtype=np.float32)
    path = tmp_path / "long.bin"
    KeyedVectors(["a", longest], vectors).save_word2vec_format(path, binary=True)
    assert KeyedVectors.load_word2vec_format(path, binary=True).index_to_key == [
        "a",
        longest,
    ]
    too_long = longest + "x"
    with pytest.raises(ValueError, match="65,537 bytes: keys in binary .* 65,536"):
        KeyedVectors(["a", too_long], vectors[:, :2]).save_word2vec_format(
            tmp_path / "refused.bin", binary=True
        )
    assert not (tmp_path / "refused.bin").exists()
    # The text reader reads lines of any length.
    KeyedVectors(["a", too_long], vectors[:, :2]).save_word2vec_format(
        tmp_path / "long.txt"
    )
    loaded = KeyedVectors.load_word2vec_format(tmp_path / "long.txt")
    assert loaded.index_to_key == ["a", too_long]


# a UTF-8 byte-order mark, as Windows editors write one

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize(
    "header, no_header", [(b"2 2\n", False), (b"", False), (b"", True)]
)
def test_text_files_starting_with_a_byte_order_mark_read(tmp_path, header, no_header):
    path = tmp_path / "bom.txt"
    path.write_bytes(BOM + header + "thé 1 2\nof 3 4\n".encode())
    loaded = KeyedVectors.load_word2vec_format(path, no_header=no_header)
    assert loaded.index_to_key == ["thé", "of"]
    np.testing.assert_array_equal(loaded.vectors, [[1, 2], [3, 4]])


def test_binary_files_and_vocabularies_starting_with_a_byte_order_mark_read(
    tmp_path,
):
    path, vocab = tmp_path / "bom.bin", tmp_path / "vocab.txt"
    path.write_bytes(BOM + b"4 3\n" + _binary_entries(KEYS, VECTORS))
    vocab.write_bytes(BOM + "the 4\nof 3\ncafé 2\nand 1\n".encode())
    loaded = KeyedVectors.load_word2vec_format(path, vocab, binary=True)
    assert loaded.index_to_key == KEYS
    np.testing.assert_array_equal(loaded.vectors, VECTORS)
    assert loaded.get_vecattr("the", "count") == 4
