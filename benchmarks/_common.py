"""Shared pieces of the benchmarks: corpus, timing, quality, memory."""

import gzip
import importlib.util
import json
import re
import resource
import time
from importlib import resources
from pathlib import Path

from sklearn_w2v import KeyedVectors
from sklearn_w2v.evaluation import evaluate_word_analogies, evaluate_word_pairs

# The bundled corpus, read in file order (load_sotu sorts it by year), and
# the evaluation files that gensim (the benchmark extra) ships with its tests.
SOTU = resources.files("sklearn_w2v.datasets") / "data" / "sotu.jsonl.gz"
_GENSIM = importlib.util.find_spec("gensim")
GENSIM_DATA = (
    None
    if _GENSIM is None
    else Path(_GENSIM.submodule_search_locations[0]) / "test" / "test_data"
)
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def tokenize(text):
    """Lowercase word tokens, the same for every library benchmarked."""
    return _TOKEN.findall(text.lower())


def load_sentences(path=None):
    """Tokenised sentences: the SOTU corpus split at sentence ends, or a file.

    ``path`` is a text file (plain or .gz) with one sentence per line.
    """
    if path is None:
        with SOTU.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
            texts = [json.loads(line)["text"] for line in lines]
        sentences = (s for text in texts for s in _SENTENCE_END.split(text))
    else:
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as lines:
            sentences = list(lines)
    return [tokens for tokens in map(tokenize, sentences) if tokens]


def quality(keys, vectors):
    """Analogy accuracy and WordSim-353 Spearman of word vectors."""
    if GENSIM_DATA is None:
        raise SystemExit(
            "The quality scores need the evaluation files gensim ships: "
            "pip install -e '.[benchmark]'."
        )
    kv = KeyedVectors(keys, vectors)
    analogies = evaluate_word_analogies(kv, GENSIM_DATA / "questions-words.txt")
    pairs = evaluate_word_pairs(kv, GENSIM_DATA / "wordsim353.tsv")
    return analogies.accuracy, pairs.spearman.statistic


def timed(function):
    """Run ``function()``; return its result and the wall time in seconds."""
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def peak_rss_mib():
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_ours(params, **overrides):
    """A Word2VecVectorizer with the hyperparameters of ``params``, unfitted.

    ``params`` holds those of :data:`DEFAULTS`, ``algorithm`` and optionally
    ``loss``; ``overrides`` are further parameters (n_jobs, random_state...).
    """
    from sklearn_w2v import Word2VecVectorizer

    return Word2VecVectorizer(
        algorithm=params["algorithm"],
        n_components=params["n_components"],
        window=params["window"],
        min_count=params["min_count"],
        n_negative=params["n_negative"],
        loss=params.get("loss", "negative_sampling"),
        subsample=params["subsample"],
        epochs=params["epochs"],
        **overrides,
    )


def fit_ours(sentences, params, n_jobs, seed):
    """Fit Word2VecVectorizer; return (keys, vectors)."""
    model = make_ours(params, n_jobs=n_jobs, random_state=seed).fit(sentences)
    return model.wv_.index_to_key, model.wv_.vectors


def make_gensim(params, n_jobs, seed, sentences=None):
    """gensim's Word2Vec with the same hyperparameters, trained on ``sentences``
    if given (else with no vocabulary yet)."""
    from gensim.models import Word2Vec

    hierarchical = params.get("loss") == "hierarchical_softmax"
    return Word2Vec(
        sentences,
        sg=int(params["algorithm"] == "skipgram"),
        vector_size=params["n_components"],
        window=params["window"],
        min_count=params["min_count"],
        # Hierarchical softmax in gensim is hs=1 with negative sampling off.
        negative=0 if hierarchical else params["n_negative"],
        hs=int(hierarchical),
        sample=params["subsample"],
        epochs=params["epochs"],
        workers=n_jobs,
        seed=seed,
    )


def fit_gensim(sentences, params, n_jobs, seed):
    """Fit gensim's Word2Vec with the same hyperparameters; return (keys, vectors)."""
    model = make_gensim(params, n_jobs, seed, sentences)
    return model.wv.index_to_key, model.wv.vectors


DEFAULTS = {
    "n_components": 100,
    "window": 5,
    "min_count": 5,
    "n_negative": 5,
    "subsample": 1e-3,
    "epochs": 5,
}
