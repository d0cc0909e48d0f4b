"""Facebook's fastText .bin models read by KeyedVectors.load_facebook_vectors."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_w2v import EmbeddingVectorizer, KeyedVectors

fasttext = pytest.importorskip("gensim.models.fasttext")

CORPUS = [
    ["the", "cat", "sat", "on", "the", "mat"],
    ["the", "dog", "sat", "on", "the", "log"],
    ["naïve", "café", "東京", "🙂", "cats", "dogs"],
] * 5
# Unseen: misspelled, inflected, accented, CJK, emoji, a word sharing no
# n-gram with anything (all buckets of a published model have rows, so it
# still has a vector).
UNSEEN = ["catz", "sitting", "cafés", "東京都", "🙂🙂", "qqqqxj"]
# Offsets in a file gensim writes: magic, version, 12 int32 and a float64.
ARGS_OFFSET = 8
DICTIONARY_OFFSET = ARGS_OFFSET + 12 * 4 + 8


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    model = fasttext.FastText(
        CORPUS,
        vector_size=8,
        min_count=1,
        bucket=997,
        min_n=2,
        max_n=5,
        epochs=3,
        seed=0,
        workers=1,
    )
    path = tmp_path_factory.mktemp("fasttext") / "model.bin"
    fasttext.save_facebook_model(model, str(path))
    return model, path


def test_vectors_of_seen_and_unseen_words_equal_gensims(model_file):
    model, path = model_file
    kv = KeyedVectors.load_facebook_vectors(path)
    expected = fasttext.load_facebook_vectors(str(path))
    assert kv.index_to_key == expected.index_to_key
    assert kv.vectors.dtype == np.float32
    assert_allclose(kv.vectors, expected.vectors, rtol=1e-6, atol=1e-7)
    assert_allclose(kv[UNSEEN], [expected[w] for w in UNSEEN], rtol=1e-6, atol=1e-7)
    for word in UNSEEN:
        assert word in kv and not kv.has_index_for(word)
    # The file was written from the trained model: same vectors as it.
    assert_allclose(kv.vectors, model.wv.vectors, rtol=1e-6, atol=1e-7)


def test_subwords_hold_every_bucket_and_the_counts_are_read(model_file):
    model, path = model_file
    kv = KeyedVectors.load_facebook_vectors(path)
    subwords = kv.subwords
    assert (subwords.min_n, subwords.max_n, subwords.n_buckets) == (2, 5, 997)
    assert_array_equal(subwords.buckets, np.arange(997))
    assert_array_equal(subwords.vectors, model.wv.vectors_ngrams)
    counts = [model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key]
    assert [kv.get_vecattr(w, "count") for w in kv.index_to_key] == counts


def test_a_model_without_ngrams_gives_the_words_own_rows(model_file, tmp_path):
    model, path = model_file
    data = bytearray(path.read_bytes())
    maxn = ARGS_OFFSET + 10 * 4  # dim ws epoch min_count neg word_ngrams loss
    data[maxn : maxn + 4] = np.int32(0).tobytes()  # model bucket minn, then maxn
    (tmp_path / "no_ngrams.bin").write_bytes(bytes(data))
    kv = KeyedVectors.load_facebook_vectors(tmp_path / "no_ngrams.bin")
    assert kv.subwords is None
    assert_array_equal(kv.vectors, model.wv.vectors_vocab)
    with pytest.raises(KeyError, match="catz"):
        kv["catz"]


def test_embedding_vectorizer_pools_unseen_words_of_a_fasttext_model(model_file):
    _, path = model_file
    kv = KeyedVectors.load_facebook_vectors(path)
    vectorizer = EmbeddingVectorizer(kv, analyzer=str.split).fit([" ".join(CORPUS[0])])
    X = vectorizer.transform(["cat catz", "sitting qqqqxj"])
    # An unseen word weighs min(1, n / 20) of a word, n its n-grams with a row.
    pairs = [("cat", "catz"), ("sitting", "qqqqxj")]
    for row, (seen, unseen) in zip(X, pairs, strict=True):
        n_known = kv.subwords.vectors_and_counts([unseen])[1][0]
        weight = min(1.0, n_known / 20)
        expected = (kv[seen] + weight * kv[unseen]) / (1 + weight)
        assert_allclose(row, expected, rtol=1e-5)
    assert vectorizer.vocabulary_coverage(["cat catz"]).oov_fraction == 0.5


def _patched(path, tmp_path, offset, value):
    data = bytearray(path.read_bytes())
    data[offset : offset + len(value)] = value
    patched = tmp_path / "patched.bin"
    patched.write_bytes(bytes(data))
    return patched


def _quant_offset(path, model):
    # The dictionary: 3 int32, 2 int64, then per word its bytes, NUL, int64, int8.
    words = sum(len(w.encode("utf-8")) + 10 for w in model.wv.index_to_key)
    return DICTIONARY_OFFSET + 3 * 4 + 2 * 8 + words


def test_a_quantized_model_is_refused(model_file, tmp_path):
    model, path = model_file
    patched = _patched(path, tmp_path, _quant_offset(path, model), b"\x01")
    with pytest.raises(ValueError, match=r"patched\.bin: a quantized .*\.ftz"):
        KeyedVectors.load_facebook_vectors(patched)


def test_a_supervised_model_is_refused(model_file, tmp_path):
    _, path = model_file
    nlabels = DICTIONARY_OFFSET + 2 * 4
    patched = _patched(path, tmp_path, nlabels, np.int32(1).tobytes())
    with pytest.raises(ValueError, match="supervised"):
        KeyedVectors.load_facebook_vectors(patched)


@pytest.mark.parametrize(
    "offset, value, match",
    [
        (0, np.int32(12345).tobytes(), "not a fastText .bin model"),
        (4, np.int32(13).tobytes(), "version 13"),
        (ARGS_OFFSET, np.int32(9).tobytes(), r"shape \(\d+, 8\); expected \(\d+, 9\)"),
    ],
)
def test_malformed_headers_are_refused_naming_the_file(
    model_file, tmp_path, offset, value, match
):
    _, path = model_file
    patched = _patched(path, tmp_path, offset, value)
    with pytest.raises(ValueError, match=rf"patched\.bin: .*{match}"):
        KeyedVectors.load_facebook_vectors(patched)


@pytest.mark.parametrize("keep", [3, 100, -1000])
def test_a_truncated_file_is_refused(model_file, tmp_path, keep):
    model, path = model_file
    data = path.read_bytes()
    end = _quant_offset(path, model) + 17 + 4 * 8 * (len(model.wv) + 997)
    # The output layer is never read: a file cut after the input matrix loads.
    (tmp_path / "input_only.bin").write_bytes(data[:end])
    KeyedVectors.load_facebook_vectors(tmp_path / "input_only.bin")
    (tmp_path / "cut.bin").write_bytes(data[: keep if keep > 0 else end + keep])
    with pytest.raises(ValueError, match=r"cut\.bin: .*(ends|not a fastText)"):
        KeyedVectors.load_facebook_vectors(tmp_path / "cut.bin")


def test_a_word2vec_text_file_is_not_a_fasttext_model(tmp_path):
    path = tmp_path / "vectors.vec"
    KeyedVectors(["a"], [[1.0, 2.0]]).save_word2vec_format(path)
    with pytest.raises(ValueError, match="load_word2vec_format"):
        KeyedVectors.load_facebook_vectors(path)
