"""Training speed and quality of sklearn_w2v against gensim, in one run.

For skip-gram and CBOW, negative sampling and hierarchical softmax, at 1 and
2 jobs (``n_jobs`` vs gensim's ``workers``), both libraries train on the same
tokenised corpus with the same hyperparameters (d=100, window 5, min_count 5,
5 negatives, subsample 1e-3, 5 epochs), in alternating runs. Words/s is corpus
tokens x epochs over the whole fit (vocabulary included); the median over the
repeats is shown, with the speed ratio of each repeat (ours/gensim: min,
median, max) and the analogy accuracy and WordSim-353 Spearman of the last
run. The last lines give the smallest median ratio per output layer. Run on a
quiet machine: another busy process halves every figure on 2 cores.

Corpora: ``sotu`` is the bundled State of the Union corpus (1.8M tokens,
~12k words of count >= 5); ``large`` is the 10.9M-token corpus with 87,670
words of count >= 5 that ``tools/make_large_corpus.py`` builds from text packages
(built on first use); ``both`` runs the two, SOTU first.

Usage: python benchmarks/bench_training.py [--corpus {sotu,large,both}]
    [--repeats N] [--loss {negative_sampling,hierarchical_softmax,both}]
    [--algorithm {skipgram,cbow,both}] [--jobs N [N ...]] [--file PATH]
(--file: any text file with one sentence per line, instead of --corpus)
"""

import argparse
import statistics
from functools import partial

from _common import (
    DEFAULTS,
    fit_gensim,
    fit_ours,
    load,
    peak_rss_mib,
    quality,
    timed,
)

BOTH = {
    "loss": ("negative_sampling", "hierarchical_softmax"),
    "algorithm": ("skipgram", "cbow"),
}


def bench(name, sentences, args):
    """Time every configuration on one corpus; return {loss: [median ratios]}."""
    n_tokens = sum(map(len, sentences))
    print(
        f"\ncorpus {name}: {len(sentences):,} sentences, {n_tokens:,} tokens; "
        f"{args.repeats} alternating runs per setting"
    )
    print(
        f"{'loss':<4} {'algorithm':<9} {'jobs':>4} {'ours w/s':>10} "
        f"{'gensim w/s':>10} {'ratio min/median/max':>20} "
        f"{'analogy ours/gensim':>20} {'wordsim ours/gensim':>20}",
        flush=True,
    )
    medians = {}
    for loss in BOTH["loss"] if args.loss == "both" else (args.loss,):
        short = "ns" if loss == "negative_sampling" else "hs"
        algorithms = (
            BOTH["algorithm"] if args.algorithm == "both" else (args.algorithm,)
        )
        for algorithm in algorithms:
            for n_jobs in args.jobs:
                params = dict(DEFAULTS, algorithm=algorithm, loss=loss)
                speeds = {"ours": [], "gensim": []}
                for repeat in range(args.repeats):
                    for library, fit in (("ours", fit_ours), ("gensim", fit_gensim)):
                        (keys, vectors), seconds = timed(
                            partial(fit, sentences, params, n_jobs, repeat)
                        )
                        speeds[library].append(n_tokens * params["epochs"] / seconds)
                        if repeat == args.repeats - 1:
                            speeds[library + "_quality"] = quality(keys, vectors)
                ours = statistics.median(speeds["ours"])
                theirs = statistics.median(speeds["gensim"])
                ratios = [
                    o / g for o, g in zip(speeds["ours"], speeds["gensim"], strict=True)
                ]
                medians.setdefault(short, []).append(ours / theirs)
                qa, qs = speeds["ours_quality"]
                ga, gs = speeds["gensim_quality"]
                spread = f"{min(ratios):.2f}/{ours / theirs:.2f}/{max(ratios):.2f}"
                print(
                    f"{short:<4} {algorithm:<9} {n_jobs:>4} {ours:>10,.0f} "
                    f"{theirs:>10,.0f} {spread:>20} "
                    f"{qa:>9.4f} / {ga:<8.4f} {qs:>9.4f} / {gs:<8.4f}",
                    flush=True,
                )
    for short, values in medians.items():
        print(f"corpus {name}, {short}: smallest median ratio {min(values):.2f}")
    return medians


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["sotu", "large", "both"], default="sotu")
    parser.add_argument("--file", default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--loss",
        choices=["negative_sampling", "hierarchical_softmax", "both"],
        default="both",
    )
    parser.add_argument(
        "--algorithm", choices=["skipgram", "cbow", "both"], default="both"
    )
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    if args.file is not None:
        corpora = [args.file]
    else:
        corpora = ["sotu", "large"] if args.corpus == "both" else [args.corpus]
    for corpus in corpora:
        bench(corpus, load(corpus), args)
    print(f"peak RSS: {peak_rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
