"""Training subword vectors: the composed input, and the estimator that builds it.

The engine's :class:`ComposedInput` is checked against a float64 per-word
reference (the mean of a word's rows) and against finite differences of the
skip-gram negative-sampling loss with respect to an n-gram row; the
estimator's ``subwords`` against its promises: reproducible, growing with
``partial_fit``, picklable, giving unseen words the vectors of their n-grams.
"""

import functools
import pickle

import numpy as np
import pytest
from _settings import settings_params
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v._cli.commands import main
from sklearn_w2v._corpus.subwords import ngram_buckets
from sklearn_w2v._engine.composition import ComposedInput
from sklearn_w2v._engine.layout import group_contexts
from sklearn_w2v._engine.loop import train
from sklearn_w2v._engine.losses.negative_sampling import NegativeSampling
from sklearn_w2v._engine.steps import make_settings
from sklearn_w2v._engine.tables import noise_table
from sklearn_w2v._subword_fitting import mean_of_rows

# Five words over seven parameter rows: rows 0-4 the words' own, 5 and 6
# n-grams; row 5 is shared by words 1 and 2, and word 3 holds row 6 twice.
NGRAMS = [[], [5], [5, 6], [6, 6], []]


def _composed(rng, n_components=4):
    indptr = np.cumsum([0] + [len(rows) for rows in NGRAMS])
    columns = np.concatenate([rows for rows in NGRAMS]).astype(np.int64)
    P = rng.uniform(-0.5, 0.5, (7, n_components)).astype(np.float32)
    return ComposedInput(*mean_of_rows(indptr, columns), P)


def _reference_vectors(P):
    """Each word's vector, word by word, in float64: the mean of its rows."""
    P = P.astype(np.float64)
    return np.array([P[[word, *rows]].mean(axis=0) for word, rows in enumerate(NGRAMS)])


def test_composed_vectors_are_the_mean_of_each_words_rows():
    composed = _composed(np.random.default_rng(0))
    W_in = np.full((6, 4), 7.0, dtype=np.float32)
    composed.compose(W_in)
    assert_allclose(W_in[:5], _reference_vectors(composed.parameters), rtol=1e-6)
    assert_array_equal(W_in[5], 7.0)  # the padding row is not a word's


# A skip-gram minibatch over the five words; 5 is the stream's padding.
TOKENS = np.array([5, 1, 2, 3, 1, 2, 0, 5], dtype=np.int32)
DOCS = np.array([-1, 0, 0, 0, 0, 0, 0, -1], dtype=np.int32)
SPANS = np.array([1, 1, 1, 1, 1, 1])
NOISE = np.array([[4, 3], [0, 4], [4, 1], [3, 0], [4, 2], [1, 4]])


def _reference_loss(X, W_out, batch, targets):
    """Skip-gram negative-sampling loss of word vectors X, pair by pair, in float64."""
    loss = 0.0
    windows = batch.window_of_positions()
    for position, (word, valid) in enumerate(
        zip(batch.contexts, batch.valid, strict=True)
    ):
        if not valid:
            continue
        row = targets[windows[position]]
        for k, target in enumerate(row):
            if k > 0 and target == row[0]:
                continue  # a noise word equal to the center is skipped
            sign = 1.0 if k == 0 else -1.0
            score = sign * X[word] @ W_out[target].astype(np.float64)
            loss += np.log1p(np.exp(-score))
    return loss


def _gradient(loss, x):
    """Central finite differences of ``loss`` at ``x``, a float64 array."""
    gradient = np.empty_like(x)
    for index in np.ndindex(x.shape):
        shifted = [x.copy(), x.copy()]
        shifted[0][index] += 1e-6
        shifted[1][index] -= 1e-6
        gradient[index] = (loss(shifted[0]) - loss(shifted[1])) / 2e-6
    return gradient


def test_each_row_of_a_word_takes_the_words_whole_step():
    rng = np.random.default_rng(0)
    composed = _composed(rng)
    W = np.zeros((2, 6, 4), dtype=np.float32)
    W[1, :5] = rng.uniform(-0.5, 0.5, (5, 4))
    W[0] = rng.normal(size=(6, 4))  # stale values the step must not read
    W[0, 5] = 0.0
    batch = group_contexts(TOKENS, DOCS, SPANS, 1)
    loss = NegativeSampling(noise_table(np.ones(5), 0.75), n_negative=2)
    targets = np.column_stack([batch.centers, NOISE])
    P, W_out = composed.parameters.astype(np.float64), W[1].copy()
    X = _reference_vectors(P)
    word_loss = functools.partial(
        _reference_loss, W_out=W_out, batch=batch, targets=targets
    )
    learning_rate = 1e-3
    step = functools.partial(loss.skipgram_step, W, batch, NOISE, learning_rate)
    value = composed.around_step(W[0], batch.input_rows(), step)
    assert value == pytest.approx(word_loss(X), rel=1e-4)
    # The word's step is -learning_rate times its gradient (no damping this
    # small); each of its rows takes it whole, once per occurrence, as in
    # fastText and gensim: row 5 the steps of words 1 and 2, row 6 twice
    # that of word 3.
    word_step = -learning_rate * _gradient(word_loss, X)
    occurrences = [[word, *rows] for word, rows in enumerate(NGRAMS)]
    expected = np.zeros_like(P)
    for word, rows in enumerate(occurrences):
        np.add.at(expected, rows, word_step[word])
    change = composed.parameters - P
    assert_allclose(change, expected, rtol=1e-3, atol=1e-7)
    assert np.abs(change[[5, 6]]).min() > 1e-5
    # Through the mean, an n-gram row's gradient is 1 / n of its words':
    # row 6, of word 3's 3 rows, moves by 3 times its own gradient.
    row_gradient = _gradient(lambda p: word_loss(_reference_vectors(p)), P)[6]
    assert_allclose(change[6], -learning_rate * 3 * row_gradient, rtol=1e-3)
    # Word 4 was no input of the minibatch (a noise word only): its row stays.
    assert_array_equal(change[4], 0.0)


CORPUS = [
    "she walked to the market and he walks to the park every day",
    "they walk along the river while the children talked and talks",
    "we talk about cheese and bread and the baker bakes bread",
    "the dog walked home and the cat walks on the wall",
] * 30

PARAMS = dict(
    n_components=16,
    min_count=1,
    window=3,
    epochs=3,
    subwords=(3, 5),
    n_buckets=5000,
    random_state=0,
)


@pytest.fixture(scope="module")
def fitted():
    return Word2VecVectorizer(**PARAMS).fit(CORPUS)


def test_fit_composes_every_words_vector_from_its_rows(fitted):
    subwords = fitted.wv_.subwords
    assert subwords.n_buckets == 5000
    assert (subwords.min_n, subwords.max_n) == (3, 5)
    # Only the buckets the vocabulary's n-grams use have a row, sorted.
    assert len(subwords.buckets) == len(subwords.vectors) < 5000
    assert np.all(np.diff(subwords.buckets) > 0)
    kv = fitted.wv_
    n_grams, found = subwords.vectors_of(kv.index_to_key)
    assert found.all()
    # A word's vector: the mean of its own row and its n-gram rows.
    indptr, _ = ngram_buckets(kv.index_to_key, 3, 5, 5000)
    n = np.diff(indptr)[:, None]
    expected = (fitted._word_rows + n * n_grams) / (n + 1)
    assert_allclose(kv.vectors, expected, rtol=1e-4, atol=1e-6)


def test_an_unseen_inflection_is_near_the_seen_ones(fitted):
    kv = fitted.wv_
    assert "walking" not in kv.key_to_index
    walking = kv["walking"]
    assert walking.shape == (16,)

    def cosine(a, b):
        return a @ b / np.linalg.norm(a) / np.linalg.norm(b)

    near = min(cosine(walking, kv[word]) for word in ("walked", "walks"))
    far = max(cosine(walking, kv[word]) for word in ("cheese", "bread", "river"))
    assert near > far


@pytest.mark.parametrize(
    "algorithm, loss",
    [("cbow", "negative_sampling"), ("cbow", "hierarchical_softmax"),
     ("skipgram", "softmax")],
)  # fmt: skip
def test_every_algorithm_and_output_layer_trains_subwords(algorithm, loss):
    params = dict(PARAMS, algorithm=algorithm, loss=loss, epochs=5, subsample=0)
    vectorizer = Word2VecVectorizer(**params).fit(CORPUS)
    assert vectorizer.loss_curve_[-1] < vectorizer.loss_curve_[0]
    kv = vectorizer.wv_
    assert np.isfinite(kv.vectors).all()
    assert kv.similarity("walking", "walked") > kv.similarity("walking", "cheese")


def test_a_fixed_random_state_repeats_the_fit(fitted):
    again = Word2VecVectorizer(**PARAMS).fit(CORPUS)
    assert_array_equal(again.wv_.vectors, fitted.wv_.vectors)
    assert_array_equal(again.wv_.subwords.vectors, fitted.wv_.subwords.vectors)
    other = Word2VecVectorizer(**{**PARAMS, "random_state": 1}).fit(CORPUS)
    assert not np.array_equal(other.wv_.subwords.vectors, fitted.wv_.subwords.vectors)


def test_partial_fit_adds_rows_for_new_words_and_new_buckets(fitted):
    vectorizer = pickle.loads(pickle.dumps(fitted))
    before = vectorizer.wv_.subwords
    vectorizer.partial_fit(["the zebra zigzagged quizzically"] * 5)
    after = vectorizer.wv_.subwords
    assert "zigzagged" in vectorizer.wv_.key_to_index
    assert np.isin(before.buckets, after.buckets).all()
    assert len(after.buckets) > len(before.buckets)
    assert len(vectorizer._word_rows) == len(vectorizer.wv_)
    # The old words keep their rows; the new words' n-grams were trained.
    assert vectorizer.wv_.index_to_key[: len(fitted.wv_)] == fitted.wv_.index_to_key
    assert np.all(np.isfinite(after.vectors))


def test_pickled_model_answers_unseen_words_alike(fitted):
    copy = pickle.loads(pickle.dumps(fitted))
    assert_array_equal(copy.wv_["walking"], fitted.wv_["walking"])
    documents = ["walking home"]
    assert_array_equal(copy.transform(documents), fitted.transform(documents))


def test_parallel_jobs_share_the_parameters():
    # Documents of 16 tokens, minibatches of 16 centers taking turns between
    # two jobs: job 0 trains the documents of words 0 and 1, job 1 those of
    # words 2 and 3, whose rows move only if job 1 writes where the fit reads.
    ids = np.concatenate([np.tile([0, 1], 8), np.tile([2, 3], 8)] * 10)
    doc_ids = np.repeat(np.arange(20), 16).astype(np.int32)
    rng = np.random.default_rng(0)
    initial = rng.uniform(-0.5, 0.5, (4, 4)).astype(np.float32)
    no_ngrams = mean_of_rows(np.zeros(5, dtype=np.int64), np.zeros(0, np.int64))
    composed = ComposedInput(*no_ngrams, initial.copy())
    W = np.zeros((2, 5, 4), dtype=np.float32)
    composed.compose(W[0])
    counts = np.bincount(ids, minlength=4)
    params = settings_params(counts, "skipgram", epochs=1, batch_size=16, n_jobs=2)
    settings = make_settings(W, rng, **params, composed_input=composed)
    assert settings.turn_length == 1
    train(W, [(ids.astype(np.int32), doc_ids)], settings, rng)
    assert np.all(np.abs(composed.parameters - initial).max(axis=1) > 1e-4)
    # The weights end composed of the trained parameters.
    assert_array_equal(W[0, :4], composed.parameters)


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(subwords=(4, 2)), "1 <= min_n <= max_n"),
        (dict(subwords=(3, 5), n_shards=2), "n_shards=None"),
        (dict(subwords=(3, 5), word_vectors="sum"), "word_vectors='input'"),
        (dict(subwords=(3, 5), loss="softmax", n_jobs=2), "set n_jobs=1"),
    ],
)
def test_invalid_subword_settings_fail_before_reading(params, message):
    def documents():
        raise AssertionError("the corpus was read")
        yield

    with pytest.raises(ValueError, match=message):
        Word2VecVectorizer(**params).fit(documents())


def test_partial_fit_cannot_change_the_subwords(fitted):
    vectorizer = pickle.loads(pickle.dumps(fitted))
    with pytest.raises(ValueError, match="cannot change subwords"):
        vectorizer.set_params(subwords=(2, 4)).partial_fit(CORPUS[:2])
    with pytest.raises(ValueError, match="cannot add or drop subwords"):
        vectorizer.set_params(subwords=None).partial_fit(CORPUS[:2])
    plain = Word2VecVectorizer(**dict(PARAMS, subwords=None)).fit(CORPUS[:4])
    with pytest.raises(ValueError, match="cannot add or drop subwords"):
        plain.set_params(subwords=(3, 5)).partial_fit(CORPUS[:2])


def test_cli_subwords_train_the_vectors_of_the_estimator(tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(CORPUS) + "\n", encoding="utf-8")
    output = tmp_path / "vectors.txt"
    argv = ["train", str(corpus), "-o", str(output), "--quiet", "--seed", "0"]
    argv += ["--n-components", "16", "--min-count", "1", "--window", "3"]
    argv += ["--epochs", "3", "--subwords", "3", "5", "--buckets", "5000"]
    assert main(argv) == 0
    lines = output.read_text(encoding="utf-8").splitlines()
    words = dict(line.split(" ", 1) for line in lines[1:])
    expected = Word2VecVectorizer(**PARAMS).fit(CORPUS).wv_
    vector = np.array(words["walked"].split(), dtype=np.float32)
    assert_allclose(vector, expected["walked"], atol=1e-5)


def test_fit_transform_pools_unseen_words_as_fit_then_transform():
    # Words under min_count have no row of their own but n-grams: fit_transform
    # pools them through their n-grams, as fit(X).transform(X) does.
    params = dict(PARAMS, min_count=3)
    rare = [*CORPUS, "walkable cats walking"]
    expected = Word2VecVectorizer(**params).fit(rare).transform(rare)
    assert_array_equal(Word2VecVectorizer(**params).fit_transform(rare), expected)
    with pytest.raises(ValueError, match="one-pass iterator"):
        Word2VecVectorizer(**params).fit_transform(iter(rare))
