"""Subword vectors: sklearn_w2v with and without subwords against gensim.

Four models train skip-gram with negative sampling on the tokenised SOTU
sentences (``_common.DEFAULTS``: 100 components, window 5, 5 epochs): ours
as word2vec, ours with ``subwords=(3, 6)``, gensim's Word2Vec and gensim's
FastText (``min_n=3, max_n=6``, the same buckets). Each trains in a fresh
child process, which reports its training seconds, its peak resident memory
(the loaded corpus included), analogy accuracy on questions-words.txt by
section kind (semantic, syntactic: the ``gram*`` sections, where n-grams
should help) and WordSim-353 Spearman, on the vectors of the vocabulary.

With several ``--seeds`` each model is fitted once per seed; a line per
seed is printed, then the mean over seeds. ``--models`` fits only some of
the models, named as in ``MODELS`` (quoted: "ours subwords").

Usage: python benchmarks/bench_subwords.py [--n-jobs N] [--buckets N]
    [--seeds N [N ...]] [--models NAME [NAME ...]]
"""

import argparse
import json
import subprocess
import sys

import numpy as np
from _common import (
    DEFAULTS,
    GENSIM_DATA,
    fit_gensim,
    fit_ours,
    load_sentences,
    make_ours,
    peak_rss_mib,
    timed,
)

from sklearn_w2v import KeyedVectors
from sklearn_w2v.evaluation import evaluate_word_analogies, evaluate_word_pairs

MODELS = ["ours word2vec", "ours subwords", "gensim Word2Vec", "gensim FastText"]
PARAMS = dict(DEFAULTS, algorithm="skipgram")


def fit_ours_subwords(sentences, n_jobs, seed, buckets):
    model = make_ours(
        PARAMS, n_jobs=n_jobs, random_state=seed, subwords=(3, 6), n_buckets=buckets
    ).fit(sentences)
    return model.wv_.index_to_key, model.wv_.vectors


def fit_gensim_fasttext(sentences, n_jobs, seed, buckets):
    from gensim.models import FastText

    model = FastText(
        sentences,
        sg=1,
        vector_size=PARAMS["n_components"],
        window=PARAMS["window"],
        min_count=PARAMS["min_count"],
        negative=PARAMS["n_negative"],
        sample=PARAMS["subsample"],
        epochs=PARAMS["epochs"],
        min_n=3,
        max_n=6,
        bucket=buckets,
        workers=n_jobs,
        seed=seed,
    )
    return model.wv.index_to_key, model.wv.vectors


def scores(keys, vectors):
    """Semantic and syntactic analogy accuracy, and WordSim-353 Spearman."""
    kv = KeyedVectors(keys, vectors)
    analogies = evaluate_word_analogies(kv, GENSIM_DATA / "questions-words.txt")
    kinds = {"semantic": [0, 0], "syntactic": [0, 0]}
    for section in analogies.sections:
        kind = kinds["syntactic" if section.name.startswith("gram") else "semantic"]
        kind[0] += section.n_correct
        kind[1] += section.n_correct + section.n_incorrect
    accuracy = {name: correct / max(n, 1) for name, (correct, n) in kinds.items()}
    pairs = evaluate_word_pairs(kv, GENSIM_DATA / "wordsim353.tsv")
    return accuracy, pairs.spearman.statistic


def child(model, n_jobs, seed, buckets):
    sentences = load_sentences()
    fit = {
        "ours word2vec": lambda: fit_ours(sentences, PARAMS, n_jobs, seed),
        "ours subwords": lambda: fit_ours_subwords(sentences, n_jobs, seed, buckets),
        "gensim Word2Vec": lambda: fit_gensim(sentences, PARAMS, n_jobs, seed),
        "gensim FastText": lambda: fit_gensim_fasttext(
            sentences, n_jobs, seed, buckets
        ),
    }[model]
    (keys, vectors), seconds = timed(fit)
    accuracy, wordsim = scores(keys, vectors)
    report = dict(accuracy, wordsim=wordsim, seconds=seconds, peak_mib=peak_rss_mib())
    print(json.dumps(report))


def run_child(model, n_jobs, seed, buckets):
    """Fit ``model`` in a fresh process; return its report."""
    command = [sys.executable, __file__, "--child", model]
    command += ["--n-jobs", str(n_jobs), "--buckets", str(buckets)]
    command += ["--seeds", str(seed)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_row(label, report):
    print(
        f"{label:<24} {report['semantic']:>9.4f} {report['syntactic']:>9.4f} "
        f"{report['wordsim']:>8.4f} {report['seconds']:>8.1f} "
        f"{report['peak_mib']:>9.0f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--buckets", type=int, default=2_000_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument(
        "--models", nargs="+", choices=MODELS, default=MODELS, metavar="NAME"
    )
    parser.add_argument("--child", choices=MODELS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.n_jobs, args.seeds[0], args.buckets)
        return
    seeds = ", ".join(map(str, args.seeds))
    print(
        f"SOTU, skip-gram, 5 epochs, n_jobs={args.n_jobs}, subwords 3-6, "
        f"{args.buckets:,} buckets, seeds {seeds}"
    )
    print(
        f"{'model':<24} {'semantic':>9} {'syntactic':>9} {'wordsim':>8} "
        f"{'seconds':>8} {'peak MiB':>9}"
    )
    for model in args.models:
        reports = []
        for seed in args.seeds:
            reports.append(run_child(model, args.n_jobs, seed, args.buckets))
            print_row(f"{model}, seed {seed}", reports[-1])
        if len(reports) > 1:
            mean = {key: np.mean([r[key] for r in reports]) for key in reports[0]}
            print_row(f"{model}, mean", mean)


if __name__ == "__main__":
    main()
