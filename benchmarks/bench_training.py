"""Training speed and quality of sklearn_w2v against gensim, in one run.

For skip-gram and CBOW at 1 and 2 threads (``n_jobs`` vs gensim's
``workers``), both libraries train on the same tokenised corpus with the same
hyperparameters (d=100, window 5, min_count 5, 5 negatives, subsample 1e-3,
5 epochs), in alternating runs. Words/s is corpus tokens x epochs over the
whole fit (vocabulary included) and the median over the repeats is shown,
with analogy accuracy and WordSim-353 Spearman of the last run. The last line
is the smallest of the four speed ratios. Run on a quiet machine: another busy
process halves every figure on 2 cores.

Usage: python benchmarks/bench_training.py [CORPUS] [--repeats N]
CORPUS is a text file with one sentence per line (default: the SOTU corpus).
"""

import argparse
import statistics
from functools import partial

from _common import (
    DEFAULTS,
    fit_gensim,
    fit_ours,
    load_sentences,
    peak_rss_mib,
    quality,
    timed,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=None)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sentences = load_sentences(args.corpus)
    n_tokens = sum(map(len, sentences))
    print(
        f"corpus: {len(sentences):,} sentences, {n_tokens:,} tokens; "
        f"{args.repeats} alternating runs per setting"
    )
    header = (
        f"{'algorithm':<9} {'jobs':>4} {'ours w/s':>10} {'gensim w/s':>10} "
        f"{'ratio':>6} {'analogy ours/gensim':>20} {'wordsim ours/gensim':>20}"
    )
    print(header)
    ratios = []
    for algorithm in ("skipgram", "cbow"):
        for n_jobs in (1, 2):
            params = dict(DEFAULTS, algorithm=algorithm)
            speeds = {"ours": [], "gensim": []}
            for repeat in range(args.repeats):
                for name, fit in (("ours", fit_ours), ("gensim", fit_gensim)):
                    (keys, vectors), seconds = timed(
                        partial(fit, sentences, params, n_jobs, repeat)
                    )
                    speeds[name].append(n_tokens * params["epochs"] / seconds)
                    if repeat == args.repeats - 1:
                        speeds[name + "_quality"] = quality(keys, vectors)
            ours = statistics.median(speeds["ours"])
            theirs = statistics.median(speeds["gensim"])
            ratio = ours / theirs
            ratios.append(ratio)
            qa, qs = speeds["ours_quality"]
            ga, gs = speeds["gensim_quality"]
            print(
                f"{algorithm:<9} {n_jobs:>4} {ours:>10,.0f} {theirs:>10,.0f} "
                f"{ratio:>6.2f} {qa:>9.4f} / {ga:<8.4f} {qs:>9.4f} / {gs:<8.4f}",
                flush=True,
            )
    print(f"peak RSS: {peak_rss_mib():,.0f} MiB")
    print(f"smallest speed ratio (ours/gensim): {min(ratios):.2f}")


if __name__ == "__main__":
    main()
