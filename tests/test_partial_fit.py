"""partial_fit: vocabulary growth, continued training, reporting across calls."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone

import sklearn_w2v._fitting as fitting
from sklearn_w2v import KeyedVectors, Word2VecVectorizer
from sklearn_w2v._corpus.text import encode_known
from sklearn_w2v._engine.tables import keep_probabilities, noise_table
from sklearn_w2v._pooling import document_frequency, idf_from_frequency

TOPICS = [[f"animal{i}" for i in range(8)], [f"vehicle{i}" for i in range(8)]]
PARAMS = dict(
    n_components=16,
    min_count=3,
    epochs=2,
    window=3,
    batch_size=32,
    subsample=0.0,
    learning_rate=0.02,
    random_state=0,
)


def _topic_documents(n_documents, seed, topics=TOPICS, length=12):
    """Documents alternating between topics; a document uses one topic's words."""
    rng = np.random.default_rng(seed)
    return [
        " ".join(rng.choice(topics[i % len(topics)], length))
        for i in range(n_documents)
    ]


def _separation(vectorizer, topics=TOPICS):
    """Mean within-topic minus mean across-topic cosine similarity."""
    vectors = vectorizer.wv_
    within, across = [], []
    for a, topic in enumerate(topics):
        for b, other in enumerate(topics):
            pairs = [(u, v) for u in topic for v in other if u != v]
            similarities = [vectors.similarity(u, v) for u, v in pairs]
            (within if a == b else across).append(np.mean(similarities))
    return np.mean(within) - np.mean(across)


def test_first_call_is_fit():
    documents = _topic_documents(60, seed=0)
    fitted = Word2VecVectorizer(**PARAMS).fit(documents)
    partial = Word2VecVectorizer(**PARAMS).partial_fit(documents)
    assert partial.wv_.index_to_key == fitted.wv_.index_to_key
    assert_array_equal(partial.wv_.vectors, fitted.wv_.vectors)
    assert_array_equal(partial.output_vectors_, fitted.output_vectors_)
    assert_array_equal(partial.loss_curve_, fitted.loss_curve_)
    assert_array_equal(partial.word_counts_, fitted.word_counts_)


def test_vocabulary_grows_and_old_words_keep_their_rows():
    first = _topic_documents(40, seed=0)
    birds = [[f"bird{i}" for i in range(4)]]
    second = _topic_documents(40, seed=1, topics=TOPICS + birds)
    vectorizer = Word2VecVectorizer(**PARAMS).partial_fit(first)
    keys = list(vectorizer.wv_.index_to_key)
    counts = vectorizer.word_counts_.copy()
    vectorizer.partial_fit(second)
    new_keys = vectorizer.wv_.index_to_key
    assert new_keys[: len(keys)] == keys
    assert sorted(new_keys[len(keys) :]) == [f"bird{i}" for i in range(4)]
    assert all(vectorizer.vocabulary_[key] == row for row, key in enumerate(keys))
    # Counts add up; new words come after, most frequent first.
    second_counts = {}
    for token in " ".join(second).split():
        second_counts[token] = second_counts.get(token, 0) + 1
    expected = [counts[row] + second_counts.get(key, 0) for row, key in enumerate(keys)]
    assert vectorizer.word_counts_[: len(keys)].tolist() == expected
    new_counts = vectorizer.word_counts_[len(keys) :]
    assert np.all(np.diff(new_counts) <= 0)
    assert new_counts.tolist() == [second_counts[key] for key in new_keys[len(keys) :]]
    # New words start with zero output vectors and train from there.
    assert vectorizer.wv_.vectors.shape == (len(new_keys), 16)
    assert np.all(np.abs(vectorizer.output_vectors_[len(keys) :]).sum(axis=1) > 0)
    assert vectorizer.transform(second).shape == (40, 16)


def test_new_words_need_min_count_in_the_new_documents():
    vectorizer = Word2VecVectorizer(**PARAMS).partial_fit(_topic_documents(40, seed=0))
    n_words = len(vectorizer.wv_)
    # 'rare' occurs twice in each of two calls: 4 times, but never 3 in a call.
    vectorizer.partial_fit(
        _topic_documents(20, seed=1) + ["often often often rare rare"]
    )
    assert "often" in vectorizer.vocabulary_
    assert "rare" not in vectorizer.vocabulary_
    vectorizer.partial_fit(_topic_documents(20, seed=2) + ["rare rare"])
    assert "rare" not in vectorizer.vocabulary_
    assert len(vectorizer.wv_) == n_words + 1


def test_max_features_caps_the_growth():
    params = dict(PARAMS, max_features=18)
    vectorizer = Word2VecVectorizer(**params).partial_fit(_topic_documents(40, seed=0))
    assert len(vectorizer.wv_) == 16
    birds = TOPICS + [[f"bird{i}" for i in range(4)]]
    vectorizer.partial_fit(_topic_documents(60, seed=1, topics=birds))
    assert len(vectorizer.wv_) == 18
    vectorizer.set_params(max_features=5).partial_fit(_topic_documents(10, seed=2))
    assert len(vectorizer.wv_) == 18  # the vocabulary never shrinks


def test_loss_curve_and_words_trained_accumulate():
    calls = [_topic_documents(30, seed=seed) for seed in range(3)]
    vectorizer = Word2VecVectorizer(**PARAMS)
    curves = []
    for documents in calls:
        curves.append(vectorizer.partial_fit(documents).loss_curve_.copy())
    assert [len(curve) for curve in curves] == [2, 4, 6]
    assert_array_equal(curves[2][:4], curves[1])
    assert curves[2].dtype == np.float64
    n_tokens = sum(len(d.split()) for documents in calls for d in documents)
    assert vectorizer.n_words_trained_ == PARAMS["epochs"] * n_tokens


def test_vectors_keep_improving_across_calls():
    # Word2vec first pulls all vectors together, then pushes the topics
    # apart: after the first call, each call on new documents of the same
    # two topics separates them further.
    vectorizer = Word2VecVectorizer(**dict(PARAMS, epochs=5))
    separations = []
    for seed in range(5):
        vectorizer.partial_fit(_topic_documents(30, seed=seed))
        separations.append(_separation(vectorizer))
    assert np.all(np.diff(separations) > 0), separations
    assert separations[-1] > 0.8


def test_partial_fit_after_fit_continues_and_fit_starts_over():
    first, second = _topic_documents(40, seed=0), _topic_documents(40, seed=1)
    vectorizer = Word2VecVectorizer(**PARAMS).fit(first).partial_fit(second)
    assert len(vectorizer.loss_curve_) == 4
    refitted = vectorizer.fit(second)
    assert len(refitted.loss_curve_) == 2
    assert_array_equal(
        refitted.wv_.vectors, Word2VecVectorizer(**PARAMS).fit(second).wv_.vectors
    )


def test_continuing_is_reproducible_through_pickle():
    first, second = _topic_documents(40, seed=0), _topic_documents(40, seed=1)
    vectorizer = Word2VecVectorizer(**PARAMS).partial_fit(first)
    copy = pickle.loads(pickle.dumps(vectorizer))
    vectorizer.partial_fit(second)
    copy.partial_fit(second)
    assert_array_equal(copy.wv_.vectors, vectorizer.wv_.vectors)
    # A clone is unfitted: its first call is a fit.
    assert_array_equal(
        clone(vectorizer).partial_fit(second).wv_.vectors,
        Word2VecVectorizer(**PARAMS).fit(second).wv_.vectors,
    )


def test_two_jobs_continue_training():
    vectorizer = Word2VecVectorizer(**dict(PARAMS, n_jobs=2))
    vectorizer.partial_fit(_topic_documents(40, seed=0))
    vectorizer.partial_fit(_topic_documents(40, seed=1))
    assert np.all(np.isfinite(vectorizer.wv_.vectors))
    assert vectorizer.n_words_trained_ == 2 * 2 * 40 * 12


def test_tfidf_counts_the_documents_of_every_call():
    first, second = _topic_documents(30, seed=0), _topic_documents(50, seed=1)
    params = dict(PARAMS, pooling="tfidf")
    vectorizer = Word2VecVectorizer(**params).partial_fit(first).partial_fit(second)
    documents = [d.split() for d in first + second]
    ids, offsets = encode_known(documents, vectorizer.vocabulary_)
    frequency = document_frequency(ids, offsets, len(vectorizer.wv_))
    expected = idf_from_frequency(frequency, len(offsets) - 1)
    assert_allclose(vectorizer.idf_, expected)


def test_init_vectors_apply_to_new_words():
    birds = [f"bird{i}" for i in range(4)]
    pretrained = KeyedVectors(birds, np.eye(4, 16) * 3.0)
    params = dict(PARAMS, init_vectors=pretrained, epochs=1, learning_rate=1e-6)
    vectorizer = Word2VecVectorizer(**params).partial_fit(_topic_documents(40, 0))
    vectorizer.partial_fit(_topic_documents(40, 1, topics=TOPICS + [birds]))
    rows = [vectorizer.vocabulary_[bird] for bird in birds]
    assert_allclose(
        vectorizer.input_vectors_[rows], pretrained[birds], rtol=1e-3, atol=1e-3
    )


def test_hierarchical_softmax_cannot_be_continued():
    params = dict(PARAMS, loss="hierarchical_softmax")
    vectorizer = Word2VecVectorizer(**params).partial_fit(_topic_documents(40, 0))
    keys = list(vectorizer.wv_.index_to_key)
    vectors = vectorizer.wv_.vectors.copy()
    message = "partial_fit cannot go on training with hierarchical softmax"
    with pytest.raises(ValueError, match=message):
        vectorizer.partial_fit(_topic_documents(40, 1))
    # Nothing changed, and a fit with another loss is not continued either.
    assert vectorizer.wv_.index_to_key == keys
    assert_array_equal(vectorizer.wv_.vectors, vectors)
    with pytest.raises(ValueError, match=message):
        vectorizer.set_params(loss="negative_sampling").partial_fit(["animal0"] * 3)
    # A fresh fit is always possible.
    vectorizer.fit(_topic_documents(40, 1))


def test_softmax_and_cbow_continue():
    for params in (dict(loss="softmax"), dict(algorithm="cbow")):
        vectorizer = Word2VecVectorizer(**PARAMS, **params)
        vectorizer.partial_fit(_topic_documents(40, 0))
        birds = TOPICS + [[f"bird{i}" for i in range(4)]]
        vectorizer.partial_fit(_topic_documents(40, 1, topics=birds))
        assert len(vectorizer.wv_) == 20
        assert vectorizer.output_vectors_.shape == (20, 16)
        assert np.all(np.isfinite(vectorizer.transform(["bird0 animal1"])))


def test_n_components_cannot_change():
    vectorizer = Word2VecVectorizer(**PARAMS).partial_fit(_topic_documents(40, 0))
    with pytest.raises(ValueError, match="partial_fit cannot change it"):
        vectorizer.set_params(n_components=8).partial_fit(_topic_documents(40, 1))


def test_documents_without_known_or_frequent_words():
    vectorizer = Word2VecVectorizer(**PARAMS).partial_fit(_topic_documents(40, 0))
    n_trained = vectorizer.n_words_trained_
    vectorizer.partial_fit(["unknown words only", ""])
    assert vectorizer.n_words_trained_ == n_trained
    assert_array_equal(vectorizer.loss_curve_[2:], 0.0)
    with pytest.raises(ValueError, match="partial_fit needs at least one document"):
        vectorizer.partial_fit([])


def test_noise_and_subsampling_use_the_updated_counts(monkeypatch):
    recorded = []

    def recording_make_settings(W, rng, **settings):
        recorded.append(settings)
        return make_settings(W, rng, **settings)

    make_settings = fitting.make_settings
    monkeypatch.setattr(fitting, "make_settings", recording_make_settings)
    params = dict(PARAMS, subsample=1e-2)
    vectorizer = Word2VecVectorizer(**params).partial_fit(_topic_documents(40, 0))
    birds = TOPICS + [[f"bird{i}" for i in range(4)]]
    second = _topic_documents(40, 1, topics=birds)
    vectorizer.partial_fit(second)
    settings = recorded[-1]
    counts = vectorizer.word_counts_
    assert_array_equal(settings["keep_prob"], keep_probabilities(counts, 1e-2))
    assert_array_equal(settings["noise_table"], noise_table(counts, 0.75))
    # The learning rate decays over the new documents' tokens.
    tokens = " ".join(second).split()
    in_second = [tokens.count(word) for word in vectorizer.wv_.index_to_key]
    assert settings["word_counts"].tolist() == in_second
