"""Streaming fit: LineCorpus, re-iterable corpora, the encoded spool, chunking."""

import bz2
import gzip
import lzma
import re
import tempfile

import _reference as ref
import numpy as np
import pytest
from conftest import make_topic_corpus
from numpy.testing import assert_allclose, assert_array_equal

import sklearn_w2v._corpus.spool as spool_module
import sklearn_w2v._engine.steps as steps
from sklearn_w2v import LineCorpus, Word2VecVectorizer
from sklearn_w2v._corpus.spool import CorpusSpool
from sklearn_w2v._engine.sampling import stream_segments

LINES = ["the cat sat", "", "a dog ran\r", "the end"]


@pytest.fixture(scope="module")
def documents():
    return make_topic_corpus(n_documents=120, seed=3)[0]


@pytest.fixture
def chunk_tokens(monkeypatch):
    """Set the spool's block and chunk size."""

    def set_size(size):
        monkeypatch.setattr(spool_module, "CHUNK_TOKENS", size)

    return set_size


def _params(**params):
    defaults = dict(
        n_components=8,
        min_count=1,
        epochs=2,
        window=3,
        batch_size=16,
        subsample=1e-2,
        random_state=0,
    )
    return {**defaults, **params}


def _write(path, lines, opener=open):
    with opener(path, "wt", encoding="utf-8", newline="") as file:
        file.write("".join(line + "\n" for line in lines))
    return path


# LineCorpus


@pytest.mark.parametrize(
    "suffix, opener",
    [(".txt", open), (".gz", gzip.open), (".bz2", bz2.open), (".xz", lzma.open)],
)
def test_line_corpus_reads_plain_and_compressed_files(tmp_path, suffix, opener):
    path = _write(tmp_path / f"corpus{suffix}", LINES, opener)
    corpus = LineCorpus(path)
    # One document per line, blank lines included, line endings stripped.
    assert list(corpus) == ["the cat sat", "", "a dog ran", "the end"]
    assert list(corpus) == list(corpus)
    assert LineCorpus(str(path)).paths == [path]


def test_line_corpus_reads_a_directory_in_name_order(tmp_path):
    _write(tmp_path / "b.txt.gz", ["second"], gzip.open)
    _write(tmp_path / "a.txt", ["first", "first again"])
    _write(tmp_path / ".hidden", ["never"])
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub" / "c.txt", ["nested, never"])
    corpus = LineCorpus(tmp_path)
    assert [path.name for path in corpus.paths] == ["a.txt", "b.txt.gz"]
    assert list(corpus) == ["first", "first again", "second"]
    both = LineCorpus([tmp_path / "b.txt.gz", tmp_path / "a.txt"])
    assert list(both) == ["second", "first", "first again"]
    assert repr(both).startswith("LineCorpus([")


def test_line_corpus_only_splits_at_newlines(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_bytes(b"one\rstill one\r\ntwo\n")
    assert list(LineCorpus(path)) == ["one\rstill one", "two"]


def test_line_corpus_encoding_and_errors(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("caf\xe9\n".encode("latin-1"))
    assert list(LineCorpus(path, encoding="latin-1")) == ["caf\xe9"]
    with pytest.raises(ValueError, match="line 1 .*cannot decode with encoding"):
        list(LineCorpus(path))
    assert list(LineCorpus(path, decode_error="replace")) == ["caf\ufffd"]


def test_line_corpus_missing_path_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="no file or directory"):
        LineCorpus(tmp_path / "missing.txt")


def test_fit_on_a_line_corpus_equals_fit_on_its_lines(tmp_path, documents):
    path = _write(tmp_path / "corpus.txt.gz", documents, gzip.open)
    from_file = Word2VecVectorizer(**_params()).fit(LineCorpus(path))
    from_list = Word2VecVectorizer(**_params()).fit(documents)
    assert from_file.wv_.index_to_key == from_list.wv_.index_to_key
    assert_array_equal(from_file.wv_.vectors, from_list.wv_.vectors)
    assert_array_equal(
        from_file.transform(LineCorpus(path)), from_list.transform(documents)
    )


# Any iterable corpus, read once


class ReIterable:
    """A corpus whose __iter__ starts over, the way a file-backed one would."""

    def __init__(self, documents):
        self.documents = documents
        self.n_passes = 0

    def __iter__(self):
        self.n_passes += 1
        for document in self.documents:
            yield document.split()


def test_re_iterable_class_is_accepted_and_read_once(documents):
    corpus = ReIterable(documents)
    vectorizer = Word2VecVectorizer(**_params()).fit(corpus)
    expected = Word2VecVectorizer(**_params()).fit(documents)
    assert_array_equal(vectorizer.wv_.vectors, expected.wv_.vectors)
    # The epochs read the encoded copy, not the corpus.
    assert corpus.n_passes == 1


@pytest.mark.parametrize(
    "make_iterator",
    [
        lambda docs: (d for d in docs),
        lambda docs: iter(docs),
        lambda docs: map(str.upper, docs),
    ],
    ids=["generator", "list_iterator", "map"],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_one_shot_iterators_train_as_the_list_does(documents, make_iterator, method):
    expected = Word2VecVectorizer(**_params()).fit(list(make_iterator(documents)))
    vectorizer = getattr(Word2VecVectorizer(**_params()), method)(
        make_iterator(documents)
    )
    assert vectorizer.wv_.index_to_key == expected.wv_.index_to_key
    assert_array_equal(vectorizer.wv_.vectors, expected.wv_.vectors)
    assert_array_equal(vectorizer.loss_curve_, expected.loss_curve_)


def test_partial_fit_takes_a_generator_after_fit(documents):
    vectorizer = Word2VecVectorizer(**_params()).fit(documents[:60])
    expected = Word2VecVectorizer(**_params()).fit(documents[:60])
    vectorizer.partial_fit(d for d in documents[60:])
    expected.partial_fit(documents[60:])
    assert_array_equal(vectorizer.wv_.vectors, expected.wv_.vectors)


def test_an_empty_iterator_is_an_empty_corpus(documents):
    with pytest.raises(ValueError, match=r"\.fit needs at least one document"):
        Word2VecVectorizer(**_params()).fit(iter([]))


def test_an_open_file_is_a_corpus(tmp_path, documents):
    path = _write(tmp_path / "corpus.txt", documents)
    with open(path, encoding="utf-8") as file:
        vectorizer = Word2VecVectorizer(**_params()).fit(file)
    expected = Word2VecVectorizer(**_params()).fit(LineCorpus(path))
    assert_array_equal(vectorizer.wv_.vectors, expected.wv_.vectors)
    with open(path, encoding="utf-8") as file:
        assert_array_equal(vectorizer.transform(file), vectorizer.transform(documents))


# Long documents


def test_a_25000_token_document_is_trained_in_full(monkeypatch, chunk_tokens):
    rng = np.random.default_rng(0)
    # 10,000 filler tokens (gensim would stop after them), then two topics in
    # alternating runs of 10 tokens whose words never occur before.
    filler = [f"filler{i}" for i in rng.integers(0, 50, 10_000)]
    topics = [[f"a{i}" for i in range(8)], [f"b{i}" for i in range(8)]]
    late = [word for run in range(1500) for word in rng.choice(topics[run % 2], 10)]
    document = filler + late
    assert len(document) == 25_000

    segments = []

    def recording(chunks, *args, **kwargs):
        for segment in stream_segments(chunks, *args, **kwargs):
            segments.append(segment)
            yield segment

    monkeypatch.setattr(steps, "stream_segments", recording)
    chunk_tokens(4096)  # the document is read in 7 chunks
    params = _params(subsample=0.0, epochs=3, batch_size=64, window=3)
    vectorizer = Word2VecVectorizer(**params).fit([document])
    assert vectorizer.n_words_trained_ == 3 * 25_000

    # Each epoch's centers are the whole document, in order, each with its
    # true neighbours.
    ids = np.array([vectorizer.vocabulary_[word] for word in document])
    padded = np.r_[[len(vectorizer.wv_)] * 3, ids, [len(vectorizer.wv_)] * 3]
    for tokens, _, spans, first in segments:
        assert_array_equal(tokens, padded[first : first + len(spans) + 6])
    assert sum(len(segment[2]) for segment in segments) == 3 * 25_000

    # The words past token 10,000 are learned: same-topic pairs are closer.
    vectors = vectorizer.wv_
    same = np.mean([vectors.similarity("a0", f"a{i}") for i in range(1, 8)])
    other = np.mean([vectors.similarity("a0", f"b{i}") for i in range(8)])
    assert same > other + 0.15


# Chunking


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_chunk_size_does_not_change_the_fit(documents, chunk_tokens, algorithm):
    results = []
    for size in (1 << 20, 97, 10, 1):
        chunk_tokens(size)
        vectorizer = Word2VecVectorizer(**_params(algorithm=algorithm))
        results.append((vectorizer.fit_transform(documents), vectorizer))
    X, first = results[0]
    for X_chunked, vectorizer in results[1:]:
        assert vectorizer.wv_.index_to_key == first.wv_.index_to_key
        assert_array_equal(vectorizer.word_counts_, first.word_counts_)
        assert_array_equal(vectorizer.wv_.vectors, first.wv_.vectors)
        assert_array_equal(vectorizer.output_vectors_, first.output_vectors_)
        assert vectorizer.n_words_trained_ == first.n_words_trained_
        # Losses are summed per segment, in another order.
        assert_allclose(vectorizer.loss_curve_, first.loss_curve_, rtol=1e-10)
        assert_array_equal(X_chunked, X)


@pytest.mark.parametrize("algorithm", ["skipgram", "cbow"])
def test_small_corpora_are_read_once_with_the_same_fit(
    documents, monkeypatch, algorithm
):
    reads = []
    original_iter = CorpusSpool.__iter__

    def counting_iter(self):
        reads.append(1)
        yield from original_iter(self)

    monkeypatch.setattr(CorpusSpool, "__iter__", counting_iter)
    params = _params(algorithm=algorithm, epochs=3)
    in_memory = Word2VecVectorizer(**params).fit(documents)
    assert len(reads) == 1
    monkeypatch.setattr(spool_module, "IN_MEMORY_TOKENS", 0)
    reads.clear()
    from_disk = Word2VecVectorizer(**params).fit(documents)
    assert len(reads) == 3  # once per epoch
    assert_array_equal(from_disk.wv_.vectors, in_memory.wv_.vectors)
    assert_array_equal(from_disk.output_vectors_, in_memory.output_vectors_)


@pytest.mark.parametrize("pooling", ["tfidf", "sif"])
def test_pooling_statistics_over_blocks(documents, chunk_tokens, pooling):
    one_block = Word2VecVectorizer(**_params(pooling=pooling)).fit(documents)
    chunk_tokens(50)
    blocks = Word2VecVectorizer(**_params(pooling=pooling)).fit(documents)
    if pooling == "tfidf":
        assert_array_equal(blocks.idf_, one_block.idf_)
    else:
        assert_allclose(blocks.sif_component_, one_block.sif_component_, atol=1e-12)


def test_stream_segments_are_slices_of_one_stream():
    rng = np.random.default_rng(1)
    lengths = rng.integers(0, 30, 60)
    ids = rng.integers(0, 12, lengths.sum()).astype(np.int32)
    doc_ids = np.repeat(np.arange(60), lengths).astype(np.int32)
    keep_prob = np.linspace(0.3, 1.0, 12)
    settings = dict(window=4, batch_size=8, shrink_windows=True, seed=5)
    ((stream, docs, spans, _),) = stream_segments(
        [(ids, doc_ids)], keep_prob, **{**settings, "batch_size": 10**9}
    )
    for size in (1, 7, 50, 1000):
        cuts = range(0, len(ids), size)
        chunks = [(ids[i : i + size], doc_ids[i : i + size]) for i in cuts]
        n_centers = 0
        for tokens, segment_docs, segment_spans, first in stream_segments(
            chunks, keep_prob, **settings
        ):
            assert first == n_centers
            n = len(segment_spans)
            assert_array_equal(tokens, stream[first : first + n + 8])
            assert_array_equal(segment_docs, docs[first : first + n + 8])
            assert_array_equal(segment_spans, spans[first : first + n])
            # Whole minibatches, and buffers bounded by a chunk plus a batch.
            assert first % 8 == 0
            assert n < size + 8 + 4
            n_centers += n
        assert n_centers == len(spans)


def test_training_segments_stay_chunk_sized(monkeypatch, chunk_tokens, documents):
    sizes = []

    def recording(chunks, *args, **kwargs):
        for segment in stream_segments(chunks, *args, **kwargs):
            sizes.append(len(segment[0]))
            yield segment

    monkeypatch.setattr(steps, "stream_segments", recording)
    chunk_tokens(100)
    Word2VecVectorizer(**_params(subsample=0.0)).fit(documents)
    n_tokens = sum(len(document.split()) for document in documents)
    assert len(sizes) > n_tokens // 100
    # A chunk, the pending tail of a minibatch and the two context margins.
    assert max(sizes) <= 100 + 16 + 4 * 3


# The spool


def _spool_round_trip(directory, token_lists, rows=None):
    spool = CorpusSpool(directory)
    spool.write(iter(token_lists))
    spool.map_slots(np.arange(len(spool.slots)) if rows is None else rows)
    return spool


@pytest.mark.parametrize("size", [1, 3, 1000])
def test_spool_reads_back_what_it_wrote(tmp_path, chunk_tokens, size):
    chunk_tokens(size)
    token_lists = [["a", "b", "a"], [], ["c"] * 7, [], [], ["b", "d"], ["a"]]
    words, expected_ids, offsets = ref.encode_documents(token_lists)
    spool = _spool_round_trip(tmp_path, token_lists)
    assert list(spool.slots) == words
    assert spool.counts.tolist() == [3, 2, 7, 1]
    assert (spool.n_documents, spool.n_tokens) == (7, 13)
    # Training chunks: at most `size` tokens each, documents numbered.
    chunks = list(spool)
    assert all(len(ids) <= size for ids, _ in chunks)
    assert_array_equal(np.concatenate([ids for ids, _ in chunks]), expected_ids)
    doc_ids = np.repeat(np.arange(7), np.diff(offsets))
    assert_array_equal(np.concatenate([docs for _, docs in chunks]), doc_ids)
    # Pooling blocks: whole documents.
    blocks = list(spool.documents())
    assert_array_equal(np.concatenate([ids for ids, _ in blocks]), expected_ids)
    lengths = np.concatenate([np.diff(block_offsets) for _, block_offsets in blocks])
    assert_array_equal(lengths, np.diff(offsets))
    # Blocks end at the first document that reaches the size.
    for _, n_tokens, n_documents in spool.blocks:
        assert n_tokens + n_documents < size + 8


def test_spool_drops_words_without_a_row(tmp_path):
    spool = _spool_round_trip(tmp_path, [["a", "b"], ["b", "c", "a"]], [1, -1, 0])
    ((ids, docs),) = list(spool)
    assert ids.tolist() == [1, 0, 1]
    assert docs.tolist() == [0, 1, 1]
    ((ids, offsets),) = list(spool.documents())
    assert ids.tolist() == [1, 0, 1]
    assert offsets.tolist() == [0, 1, 3]


def test_temporary_files_are_removed(monkeypatch, tmp_path, documents):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    Word2VecVectorizer(**_params()).fit(documents)
    with pytest.raises(ValueError, match="empty vocabulary"):
        Word2VecVectorizer(**_params(min_count=10**6)).fit(documents)
    assert list(tmp_path.iterdir()) == []


# max_vocab_size


def _pruned_counts(token_lists, max_vocab_size):
    """The C tool's ReduceVocab after each document, with a plain dict."""
    counts, threshold = {}, 0
    for tokens in token_lists:
        for token in tokens:
            counts[token] = counts.get(token, 0) + 1
        if len(counts) > max_vocab_size:
            threshold += 1
            counts = {w: c for w, c in counts.items() if c > threshold}
    return counts


@pytest.mark.parametrize("size", [2, 1000])
def test_max_vocab_size_prunes_like_the_c_tool(tmp_path, chunk_tokens, size):
    chunk_tokens(size)
    rng = np.random.default_rng(0)
    # Zipf-like: a few frequent words and many rare ones.
    token_lists = [
        [f"w{int(k)}" for k in rng.zipf(1.3, rng.integers(1, 15))] for _ in range(300)
    ]
    spool = CorpusSpool(tmp_path, max_vocab_size=40)
    spool.write(token_lists)
    expected = _pruned_counts(token_lists, 40)
    assert spool.n_prunings > 2
    assert dict(zip(spool.slots, spool.counts.tolist(), strict=True)) == expected
    assert len(spool.slots) <= 40 + 15
    true_counts = {}
    for token in (t for tokens in token_lists for t in tokens):
        true_counts[token] = true_counts.get(token, 0) + 1
    # Counts are exact for the frequent words, underestimates otherwise.
    assert expected["w1"] == true_counts["w1"]
    assert all(count <= true_counts[word] for word, count in expected.items())
    assert len(true_counts) > 3 * 40


def test_max_vocab_size_in_the_estimator(documents, chunk_tokens):
    # One word of its own per document: many more words than max_vocab_size.
    corpus = [f"{document} rare{i}" for i, document in enumerate(documents)]
    chunk_tokens(64)
    params = _params(subsample=0.0, epochs=2)
    full = Word2VecVectorizer(**params).fit(corpus)
    pruned = Word2VecVectorizer(**params, max_vocab_size=30).fit(corpus)
    # Frequent words are never pruned: same counts; the rare ones go.
    frequent = [w for w in full.wv_.index_to_key if not w.startswith("rare")]
    assert set(frequent) <= set(pruned.wv_.index_to_key)
    for word in frequent:
        assert (
            pruned.word_counts_[pruned.vocabulary_[word]]
            == (full.word_counts_[full.vocabulary_[word]])
        )
    assert len(pruned.wv_) < len(full.wv_)
    # Training covers exactly the occurrences counted.
    assert pruned.n_words_trained_ == 2 * pruned.word_counts_.sum()
    assert np.all(np.isfinite(pruned.transform(corpus)))


# Reporting


def test_verbose_2_reports_the_counting_pass_and_tenths(documents, capsys):
    Word2VecVectorizer(**_params(verbose=2, subsample=0.0)).fit(documents)
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("counted ")
    assert "distinct words" in lines[0]
    tenths = [line for line in lines if re.match(r"epoch 1/2 \d0%: loss ", line)]
    assert len(tenths) >= 5
    assert all("words/s" in line and "ETA" in line for line in tenths)
    assert sum(line.startswith("epoch 2/2: loss ") for line in lines) == 1
