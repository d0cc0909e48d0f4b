"""Shared pieces of the benchmarks: corpora, timing, stage times, quality, memory."""

import gzip
import importlib.util
import json
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import numpy as np

from sklearn_w2v import KeyedVectors
from sklearn_w2v._engine import hooks
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
# The large corpus, which tools/make_large_corpus.py builds (git ignores it).
LARGE = Path(__file__).resolve().parent / "data" / "large.txt"
_MAKE_LARGE = Path(__file__).resolve().parents[1] / "tools" / "make_large_corpus.py"
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


def load(corpus):
    """Tokenised sentences of ``"sotu"``, ``"large"`` (built on first use) or a path."""
    if corpus == "sotu":
        return load_sentences()
    if corpus == "large":
        if not LARGE.exists():
            command = [sys.executable, str(_MAKE_LARGE), "--out", str(LARGE)]
            subprocess.run(command, check=True)
        return load_sentences(LARGE)
    return load_sentences(corpus)


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


# The stages the engine times during training, in the order a minibatch
# meets them (see sklearn_w2v/_engine/hooks.py); "pooling" follows training.
TRAINING_STAGES = [
    "stream",
    "noise",
    "layout",
    "gather ctx",
    "gather out",
    "arithmetic",
    "damping",
    "scatter",
]
_SLOTS = [*TRAINING_STAGES, "pooling", "unlisted", "first", "last"]


class StageTimes:
    """An observer of the engine's hook: seconds per stage, in every process.

    Installed with ``hooks.observing``, it adds up the ``"stage"`` events of
    the process it runs in, and of every process forked while it observes
    (training jobs inherit it), each into its own file of ``directory``: a
    memory map, which a job leaving with ``os._exit`` leaves complete. It
    also keeps when the process's first training stage began and its last
    one ended, on ``time.perf_counter`` (on Linux the system's monotonic
    clock, the same in every process). Stages that are not in
    :data:`TRAINING_STAGES` or ``"pooling"`` are summed as ``"unlisted"``.
    """

    def __init__(self, directory):
        self.directory = directory
        self._pid = None
        self._table = None
        self._trained = 0.0  # exclusive seconds of this process's training stages

    def __call__(self, event, fields):
        if event != "stage":
            return
        now = time.perf_counter()
        pid = os.getpid()
        if pid != self._pid:
            self._pid, self._table, self._trained = pid, self._new_table(pid), 0.0
        name, seconds = fields["name"], fields["seconds"]
        slot = _SLOTS.index(name) if name in _SLOTS[:-2] else _SLOTS.index("unlisted")
        self._table[slot] += seconds
        if name in TRAINING_STAGES:
            # Stages report on exit, nested ones first, with exclusive times:
            # at the exit of the process's first (outermost) stage, the times
            # reported so far add up to its whole time, so now - trained is
            # its start; at any other exit, now - trained is no earlier.
            self._trained += seconds
            self._table[-2] = min(self._table[-2], now - self._trained)
            self._table[-1] = now

    def _new_table(self, pid):
        path = os.path.join(self.directory, f"stages-{pid}.f8")
        table = np.memmap(path, dtype=np.float64, mode="w+", shape=len(_SLOTS))
        table[-2:] = math.inf, -math.inf
        return table

    def read(self):
        """Return ``{stage: seconds}`` summed over processes, the start and end
        of training (NaN if no training stage fired) and the summed time from
        each process's first training stage to its last."""
        tables = [
            np.fromfile(os.path.join(self.directory, name), dtype=np.float64)
            for name in sorted(os.listdir(self.directory))
        ]
        totals = np.sum(tables, axis=0) if tables else np.zeros(len(_SLOTS))
        stages = dict(zip(_SLOTS[:-2], totals[:-2].tolist(), strict=True))
        trained = [table for table in tables if table[-1] >= table[-2]]
        if not trained:
            return stages, math.nan, math.nan, 0.0
        start = min(table[-2] for table in trained)
        end = max(table[-1] for table in trained)
        return stages, start, end, sum(table[-1] - table[-2] for table in trained)


def fit_observed(model, X):
    """Fit ``model`` on ``X`` while :class:`StageTimes` observes the engine.

    Returns a dict: ``stages`` (seconds per stage, summed over processes),
    ``wall`` (seconds of ``fit``), ``count`` (seconds before the first
    training stage began), ``training`` (seconds from then to the end of the
    last training stage, in any process) and ``job_walls`` (that span per
    process, summed). When no training stage fires, the training time is
    unknown: ``count`` is then the fit's time but pooling's, training
    included, ``training`` is NaN and ``job_walls`` 0.
    """
    with tempfile.TemporaryDirectory() as directory:
        times = StageTimes(directory)
        started = time.perf_counter()
        with hooks.observing(times):
            model.fit(X)
        wall = time.perf_counter() - started
        stages, start, end, job_walls = times.read()
    if math.isnan(start):
        count = wall - stages["pooling"]
    else:
        count = start - started
    return dict(
        stages=stages,
        wall=wall,
        count=count,
        training=end - start,
        job_walls=job_walls,
    )
