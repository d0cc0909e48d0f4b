"""Shared fixtures: a tiny two-topic corpus, one small fitted vectorizer, and
the evaluation files that gensim ships; the options of test_identical.py."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from sklearn_w2v import Word2VecVectorizer

ANIMALS = ["cat", "dog", "horse", "cow", "sheep", "goat", "pig", "duck"]
VEHICLES = ["car", "truck", "bus", "train", "plane", "boat", "bike", "tram"]
FUNCTION_WORDS = ["the", "and", "with", "from"]

FAST_PARAMS = dict(n_components=8, min_count=1, epochs=2, random_state=0)


def pytest_addoption(parser):
    """``--identical-save`` and ``--identical-compare`` of test_identical.py."""
    group = parser.getgroup("identical", "bit identity of fits (test_identical.py)")
    group.addoption(
        "--identical-save",
        metavar="PATH",
        help="write the SHA-256 of each fit of test_identical.py to PATH (JSON)",
    )
    group.addoption(
        "--identical-compare",
        metavar="PATH",
        help="fail test_identical.py's fits whose SHA-256 differs from PATH's",
    )


def make_topic_corpus(n_documents=60, seed=0):
    """Documents alternating between an animal and a vehicle topic.

    Each document has 10 topic words and 3 shared function words, shuffled;
    its label is its topic. Word co-occurrence is structured (topic words
    only meet their own topic), so training has something to learn.
    """
    rng = np.random.default_rng(seed)
    documents, labels = [], []
    for i in range(n_documents):
        topic = i % 2
        words = rng.choice((ANIMALS, VEHICLES)[topic], 10).tolist()
        words += rng.choice(FUNCTION_WORDS, 3).tolist()
        rng.shuffle(words)
        documents.append(" ".join(words))
        labels.append(topic)
    return documents, np.array(labels)


@pytest.fixture
def fast_params():
    """Parameters of a fit that takes milliseconds on the topic corpus."""
    return dict(FAST_PARAMS)


@pytest.fixture(scope="session")
def topic_corpus():
    """(documents, labels) of the two-topic corpus; do not mutate."""
    return make_topic_corpus()


@pytest.fixture(scope="module")
def fitted_vectorizer(topic_corpus):
    """A vectorizer fitted on the topic corpus, shared read-only by query tests."""
    documents, _ = topic_corpus
    return Word2VecVectorizer(**FAST_PARAMS, subsample=0.0).fit(documents)


@pytest.fixture(scope="session")
def gensim_test_data():
    """Folder of the evaluation files gensim ships, found without importing it.

    gensim's ``test/test_data`` holds ``questions-words.txt`` and
    ``wordsim353.tsv``; the ``tests`` extra installs gensim, so a fresh clone
    needs no other data. Without gensim, the tests using this fixture skip.
    """
    spec = importlib.util.find_spec("gensim")
    if spec is None:
        pytest.skip("gensim is not installed: pip install -e '.[tests]'")
    return Path(spec.submodule_search_locations[0]) / "test" / "test_data"
