"""PhraseTransformer: counts against a slow reference, output against gensim."""

import math
import pickle
from itertools import chain

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import make_pipeline

from sklearn_w2v import PhraseTransformer, Word2VecVectorizer
from sklearn_w2v._corpus.phrases import (
    ENGLISH_CONNECTOR_WORDS,
    Lexicon,
    PhraseCounts,
    decode_candidates,
    default_scores,
    greedy_choice,
    npmi_score,
    npmi_scores,
)
from sklearn_w2v.datasets import load_sotu

# The slow, obvious reference: gensim's algorithm written out token by token.


def reference_counts(documents, connectors, delimiter="_", max_vocab_size=None):
    """Word and candidate counts, pruned after each document, as a dict."""
    counts, min_reduce, n_tokens = {}, 1, 0
    for document in documents:
        start, between = None, []
        for word in document:
            n_tokens += 1
            if word in connectors:
                if start is not None:
                    between.append(word)
                continue
            counts[word] = counts.get(word, 0) + 1
            if start is not None:
                key = delimiter.join([start, *between, word])
                counts[key] = counts.get(key, 0) + 1
            start, between = word, []
        if max_vocab_size is not None and len(counts) > max_vocab_size:
            counts = {k: v for k, v in counts.items() if v >= min_reduce}
            min_reduce += 1
    return counts, n_tokens


def reference_join(document, phrases, connectors, delimiter="_"):
    """Left-to-right greedy joining of one document."""
    out, start, between = [], None, []
    for word in document:
        if word in connectors:
            if start is not None:
                between.append(word)
            else:
                out.append(word)
            continue
        if start is not None:
            key = delimiter.join([start, *between, word])
            if key in phrases:
                out.append(key)
                start, between = None, []
                continue
            out.extend([start, *between])
        start, between = word, []
    if start is not None:
        out.extend([start, *between])
    return out


def counts_as_dict(counts, delimiter="_"):
    counts.consolidate()
    lexicon = counts.lexicon
    words = lexicon.words
    held = {words[i]: int(c) for i, c in enumerate(counts.unigram) if c}
    left, runs, right = decode_candidates(counts.codes, counts.bits)
    for a, r, b, c in zip(
        left.tolist(), runs.tolist(), right.tolist(), counts.counts, strict=True
    ):
        held[lexicon.phrase_text(a, r, b, delimiter)] = int(c)
    return held


# Documents of words seen once: the default score grows with the words and
# pairs counted, so tiny corpora need these for any pair to score high.
FILLER = [[f"x{k}", f"y{k}"] for k in range(30)]


def random_corpus(seed, n_documents=200, n_words=12, connectors=("of", "the")):
    rng = np.random.default_rng(seed)
    vocabulary = [f"w{k}" for k in range(n_words)] + list(connectors)
    # Skewed frequencies give both frequent and rare pairs.
    p = 1.0 / np.arange(1, len(vocabulary) + 1)
    p[-len(connectors) :] = 0.5
    p /= p.sum()
    return [
        rng.choice(vocabulary, size=rng.integers(0, 15), p=p).tolist()
        for _ in range(n_documents)
    ]


@pytest.fixture(scope="module")
def sotu_slice():
    analyzer = CountVectorizer().build_analyzer()
    return [analyzer(text) for text in load_sotu().data[:12]]


# Counting


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("connectors", [(), ("of", "the")])
def test_counts_equal_reference(seed, connectors):
    documents = random_corpus(seed, connectors=connectors or ("of",))
    counts = PhraseCounts(Lexicon(connectors), max_vocab_size=10**9)
    counts.add_documents(documents[:70])
    counts.add_documents(documents[70:])
    expected, n_tokens = reference_counts(documents, set(connectors))
    assert counts_as_dict(counts) == expected
    assert len(counts) == len(expected)
    assert counts.n_tokens == n_tokens


@pytest.mark.parametrize("max_vocab_size", [15, 40, 90])
def test_pruning_equals_reference(max_vocab_size):
    # Small chunks and one large one: the pruning must fall after the same
    # documents either way.
    documents = random_corpus(1, n_documents=300, n_words=30)
    expected, _ = reference_counts(
        documents, {"of", "the"}, max_vocab_size=max_vocab_size
    )
    for size in (7, 300):
        counts = PhraseCounts(Lexicon({"of", "the"}), max_vocab_size=max_vocab_size)
        for start in range(0, len(documents), size):
            counts.add_documents(documents[start : start + size])
        assert counts_as_dict(counts) == expected
        assert counts.min_reduce > 1


def test_greedy_choice_equals_reference_scan():
    rng = np.random.default_rng(0)
    documents = random_corpus(2)
    words = sorted(set(chain.from_iterable(documents)) - {"of", "the"})
    pairs = {f"{a}_{b}" for a in words for b in words if rng.random() < 0.4}
    phrases = PhraseTransformer(min_count=1, threshold=1e-9, connector_words=None)
    phrases.fit(documents)
    # Replace the learned phrases with random ones through the lexicon.
    phrase_pass = phrases._passes[0]
    texts = sorted(pairs)
    lexicon = phrase_pass.lexicon
    left = np.array([lexicon.slots[t.split("_")[0]] for t in texts])
    right = np.array([lexicon.slots[t.split("_")[1]] for t in texts])
    codes = (left << phrase_pass.counts.bits) | right
    order = np.argsort(codes)
    phrase_pass.codes = codes[order]
    phrase_pass.texts = np.array(texts, dtype=object)[order]
    expected = [reference_join(d, pairs, set()) for d in documents]
    assert phrases.transform(documents) == expected


def test_greedy_choice_skips_every_other_in_a_chain():
    ok = np.array([True, True, True, True, False, True, True])
    left = np.array([0, 1, 2, 3, 4, 7, 8])
    right = np.array([1, 2, 3, 4, 5, 8, 9])
    # A new document starts at position 7: its chain starts afresh.
    assert greedy_choice(ok, left, right).tolist() == [
        True,
        False,
        True,
        False,
        False,
        True,
        False,
    ]


# Scores against gensim's functions


def test_default_scores_equal_gensim_bit_for_bit():
    phrases = pytest.importorskip("gensim.models.phrases")
    rng = np.random.default_rng(0)
    a, b = rng.integers(1, 10**6, 500), rng.integers(1, 10**6, 500)
    ab = rng.integers(1, 10**4, 500)
    for min_count in (5, 2.5):
        ours = default_scores(a, b, ab, 123_457, min_count)
        theirs = [
            phrases.original_scorer(x, y, z, 123_457, min_count, 0)
            for x, y, z in zip(a.tolist(), b.tolist(), ab.tolist(), strict=True)
        ]
        assert ours.tolist() == theirs


def test_npmi_scores_match_gensim():
    phrases = pytest.importorskip("gensim.models.phrases")
    rng = np.random.default_rng(1)
    a, b = rng.integers(1, 10**5, 500), rng.integers(1, 10**5, 500)
    ab = rng.integers(1, 10**3, 500)
    n = 10**7
    theirs = [
        phrases.npmi_scorer(x, y, z, 0, 5, n)
        for x, y, z in zip(a.tolist(), b.tolist(), ab.tolist(), strict=True)
    ]
    exact = [
        npmi_score(x, y, z, n, 5)
        for x, y, z in zip(a.tolist(), b.tolist(), ab.tolist(), strict=True)
    ]
    assert exact == theirs
    np.testing.assert_allclose(npmi_scores(a, b, ab, n, 5), theirs, rtol=1e-12)
    assert npmi_score(3, 3, 2, n, 5) == -math.inf


# Parity with gensim's Phrases and FrozenPhrases


def _gensim_phrases(documents, **params):
    phrases = pytest.importorskip("gensim.models.phrases")
    if params.get("connector_words") == "english":
        params["connector_words"] = phrases.ENGLISH_CONNECTOR_WORDS
    elif params.get("connector_words") is None:
        params["connector_words"] = frozenset()
    return phrases.Phrases(documents, **params)


PARITY_PARAMS = [
    {"scoring": "default", "threshold": 10.0, "connector_words": None},
    {"scoring": "default", "threshold": 10.0, "connector_words": "english"},
    {"scoring": "npmi", "threshold": 0.5, "connector_words": None},
    {"scoring": "npmi", "threshold": 0.3, "connector_words": "english"},
    {"scoring": "default", "threshold": 5.0, "min_count": 2, "max_vocab_size": 5000},
]


@pytest.mark.parametrize("params", PARITY_PARAMS)
def test_phrases_and_output_equal_gensim_on_sotu_slice(sotu_slice, params):
    gensim_model = _gensim_phrases(sotu_slice, **params).freeze()
    ours = PhraseTransformer(**params)
    output = ours.fit_transform(sotu_slice)
    assert ours.phrases_ == gensim_model.phrasegrams
    assert len(ours.phrases_) > 20
    assert output == list(gensim_model[sotu_slice])


@pytest.mark.slow
@pytest.mark.parametrize("params", PARITY_PARAMS[:4])
def test_phrases_and_output_equal_gensim_on_sotu(params):
    analyzer = CountVectorizer().build_analyzer()
    documents = [analyzer(text) for text in load_sotu().data]
    gensim_model = _gensim_phrases(documents, **params).freeze()
    ours = PhraseTransformer(**params).fit(documents)
    assert ours.phrases_ == gensim_model.phrasegrams
    assert ours.transform(documents) == list(gensim_model[documents])


def test_partial_fit_equals_gensim_add_vocab():
    documents = random_corpus(3, n_documents=400, n_words=40)
    params = {"min_count": 2, "threshold": 2.0, "max_vocab_size": 120}
    gensim_model = _gensim_phrases(documents[:150], **params)
    gensim_model.add_vocab(documents[150:])
    ours = PhraseTransformer(**params).partial_fit(documents[:150])
    ours.partial_fit(documents[150:])
    assert ours.phrases_ == gensim_model.export_phrases()
    assert ours.n_tokens_ == gensim_model.corpus_word_count
    assert ours._passes[0].counts.min_reduce == gensim_model.min_reduce


def frozen_phrases(transformer):
    """gensim FrozenPhrases models from export_phrases, as the user guide says."""
    phrases = pytest.importorskip("gensim.models.phrases")
    models = []
    for phrasegrams in transformer.export_phrases():
        model = phrases.FrozenPhrases.__new__(phrases.FrozenPhrases)
        model.threshold = transformer.threshold
        model.min_count = transformer.min_count
        model.delimiter = transformer.delimiter
        model.scoring = phrases.original_scorer
        model.connector_words = transformer.connector_words_
        model.phrasegrams = phrasegrams
        models.append(model)
    return models


def test_exported_phrases_give_the_same_output_in_gensim(sotu_slice):
    ours = PhraseTransformer(connector_words="english").fit(sotu_slice)
    (frozen,) = frozen_phrases(ours)
    assert list(frozen[sotu_slice]) == ours.transform(sotu_slice)
    assert ours.export_phrases() == [ours.phrases_]


def test_two_passes_equal_stacked_gensim_phrases():
    phrases = pytest.importorskip("gensim.models.phrases")
    documents = [["new", "york", "city", "hall"], ["in", "new", "york", "city"]] * 20
    documents += [["new", "car"], ["old", "city"], ["york", "minster"]] * 3 + FILLER
    params = {"min_count": 1, "threshold": 1.0}
    one = PhraseTransformer(**params).fit(documents)
    two = PhraseTransformer(**params, n_passes=2).fit(documents)
    assert two.transform(documents[:2]) == [
        ["new_york_city_hall"],
        ["in_new_york_city"],
    ]
    assert set(one.phrases_) < set(two.phrases_)
    # Stacked Phrases models, not frozen ones: freezing a second model scores
    # "new_york_city_hall" as new ... hall (gensim issue 3326).
    bigrams = phrases.Phrases(documents, **params)
    trigrams = phrases.Phrases(bigrams[documents], **params)
    assert two.transform(documents) == list(trigrams[bigrams[documents]])


# Input handling


def test_raw_text_is_analysed_like_count_vectorizer():
    documents = ["New York is big.", "I love NEW YORK!", "new york, new york"] * 3
    documents += [" ".join(words) for words in FILLER]
    phrases = PhraseTransformer(min_count=1, threshold=1.0).fit(documents)
    assert phrases.transform(["The New York times"]) == [["the", "new_york", "times"]]


def test_unknown_tokens_are_kept():
    documents = [["new", "york"]] * 5 + FILLER
    phrases = PhraseTransformer(min_count=1, threshold=1.0).fit(documents)
    assert phrases.transform([["zz", "new", "york", "qq", "york"]]) == [
        ["zz", "new_york", "qq", "york"]
    ]


def test_empty_documents_keep_their_place():
    documents = [["new", "york"]] * 5 + FILLER + [[]]
    phrases = PhraseTransformer(min_count=1, threshold=1.0).fit(documents)
    assert phrases.transform([[], ["new", "york"], []]) == [[], ["new_york"], []]


def test_fit_without_tokens_raises():
    with pytest.raises(ValueError, match="X holds no tokens"):
        PhraseTransformer().fit([[], ""])
    with pytest.raises(ValueError, match="X holds no tokens"):
        PhraseTransformer().fit([])


def test_bare_string_raises():
    with pytest.raises(ValueError, match="string object received"):
        PhraseTransformer().fit("new york")


def test_non_str_token_raises_naming_document():
    with pytest.raises(TypeError, match="Document 1 .* int token 3"):
        PhraseTransformer().fit([["a", "b"], ["c", 3]])
    phrases = PhraseTransformer(min_count=1, threshold=1.0).fit([["a", "b"]] * 3)
    with pytest.raises(TypeError, match="Document 0 .* list token"):
        phrases.transform([["a", ["b"]]])


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"threshold": -1.0}, "threshold=-1.0 must be positive"),
        ({"scoring": "npmi", "threshold": 2.0}, r"must be in \[-1, 1\]"),
        ({"delimiter": ""}, "delimiter=''"),
    ],
)
def test_inconsistent_parameters_raise(params, match):
    with pytest.raises(ValueError, match=match):
        PhraseTransformer(**params).fit([["a", "b"]])


def test_transform_after_changing_threshold_raises():
    phrases = PhraseTransformer(min_count=1, threshold=1.0).fit([["a", "b"]] * 3)
    phrases.set_params(threshold=2.0)
    with pytest.raises(ValueError, match="call fit again"):
        phrases.transform([["a", "b"]])


# scikit-learn conventions


def test_not_fitted_raises():
    with pytest.raises(NotFittedError):
        PhraseTransformer().transform([["a"]])


def test_clone_and_pickle_round_trip(sotu_slice):
    phrases = PhraseTransformer(connector_words="english").fit(sotu_slice)
    restored = pickle.loads(pickle.dumps(phrases))
    assert restored.phrases_ == phrases.phrases_
    assert restored.transform(sotu_slice[:3]) == phrases.transform(sotu_slice[:3])
    # The restored lexicon still numbers new words in partial_fit.
    restored.partial_fit([["zebra", "crossing"]])
    assert "zebra" in restored._passes[0].lexicon.slots
    fresh = clone(phrases)
    assert fresh.get_params() == phrases.get_params()
    assert not hasattr(fresh, "phrases_")


def test_pipeline_learns_phrase_vectors(sotu_slice):
    pipeline = make_pipeline(
        PhraseTransformer(),
        Word2VecVectorizer(n_components=8, min_count=2, epochs=1, random_state=0),
    )
    vectors = pipeline.fit_transform(sotu_slice[:4])
    assert vectors.shape == (4, 8)
    assert "united_states" in pipeline[-1].wv_.key_to_index


def test_english_connectors_are_gensims():
    phrases = pytest.importorskip("gensim.models.phrases")
    assert ENGLISH_CONNECTOR_WORDS == phrases.ENGLISH_CONNECTOR_WORDS


def test_partial_fit_after_an_empty_batch_starts_cleanly():
    documents = [["new", "york"]] * 5 + FILLER
    phrases = PhraseTransformer(min_count=1, threshold=1.0)
    with pytest.raises(ValueError, match="X holds no tokens"):
        phrases.partial_fit([[]])
    phrases.partial_fit(documents)
    expected = PhraseTransformer(min_count=1, threshold=1.0).fit(documents)
    assert phrases.phrases_ == expected.phrases_


def test_partial_fit_refuses_new_connector_words():
    phrases = PhraseTransformer(min_count=1, threshold=1.0).partial_fit(FILLER)
    phrases.set_params(connector_words="english")
    with pytest.raises(ValueError, match="cannot change between partial_fit"):
        phrases.partial_fit(FILLER)
