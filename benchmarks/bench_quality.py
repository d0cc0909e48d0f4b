"""Embedding quality of sklearn_w2v against gensim on the SOTU corpus.

Both libraries train skip-gram and CBOW with the same hyperparameters on the
same tokenised sentences, over several seeds (quality on a 1.8M-token corpus
is noisy). Prints, per algorithm and library: analogy accuracy on
questions-words.txt, WordSim-353 Spearman, and training words/s, as mean and
standard deviation over seeds, then the acceptance checks: analogy >= 0.9 x
gensim's and WordSim >= gensim's - 0.03.

With ``--loss hierarchical_softmax`` both train hierarchical softmax (gensim
``hs=1, negative=0``) instead of negative sampling.

Usage: python benchmarks/bench_quality.py [--seeds N] [--n-jobs N] [--loss LOSS]
"""

import argparse
from functools import partial

import numpy as np
from _common import DEFAULTS, fit_gensim, fit_ours, load_sentences, quality, timed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument(
        "--loss",
        choices=["negative_sampling", "hierarchical_softmax"],
        default="negative_sampling",
    )
    args = parser.parse_args()
    sentences = load_sentences()
    n_tokens = sum(map(len, sentences))
    print(
        f"SOTU: {len(sentences):,} sentences, {n_tokens:,} tokens; "
        f"{args.seeds} seeds, n_jobs={args.n_jobs}, loss={args.loss}"
    )
    print(
        f"{'algorithm':<9} {'library':<13} {'analogy':>15} {'wordsim':>15} "
        f"{'words/s':>10}"
    )
    for algorithm in ("skipgram", "cbow"):
        params = dict(DEFAULTS, algorithm=algorithm, loss=args.loss)
        means = {}
        for name, fit in (("sklearn_w2v", fit_ours), ("gensim", fit_gensim)):
            rows = []
            for seed in range(args.seeds):
                (keys, vectors), seconds = timed(
                    partial(fit, sentences, params, args.n_jobs, seed)
                )
                rows.append(
                    (*quality(keys, vectors), n_tokens * params["epochs"] / seconds)
                )
            rows = np.array(rows)
            mean, std = rows.mean(axis=0), rows.std(axis=0)
            means[name] = mean
            print(
                f"{algorithm:<9} {name:<13} {mean[0]:>7.4f} ± {std[0]:.4f} "
                f"{mean[1]:>7.4f} ± {std[1]:.4f} {mean[2]:>10,.0f}",
                flush=True,
            )
        ours, theirs = means["sklearn_w2v"], means["gensim"]
        print(
            f"{algorithm:<9} check: speed ratio {ours[2] / theirs[2]:.2f}, "
            f"analogy ratio {ours[0] / theirs[0]:.2f} "
            f"(>= 0.90: {ours[0] >= 0.9 * theirs[0]}), wordsim difference "
            f"{ours[1] - theirs[1]:+.4f} (>= -0.03: {ours[1] >= theirs[1] - 0.03})"
        )


if __name__ == "__main__":
    main()
