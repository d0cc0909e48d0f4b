"""What a second job adds: training time of 1 and 2 jobs, and of 2 fits at once.

Training seconds of 1 job, of 2 jobs sharing the weights, and of two
independent 1-job fits run at once, against gensim's 1 and 2 workers. Two
independent single-job fits run at once in two processes, each on its own
weights: if they scale no better than two jobs sharing one matrix, the cost of
the second job is the machine's (memory, caches, clock), not contention on
shared rows.

A fit's training time is read through the engine's hook
(``sklearn_w2v._engine.hooks``): from the start of its first training stage
to the end of its last, in any of its processes, so counting and pooling are
excluded. If the engine times no training stage, the fit's time but
pooling's is used instead (counting included) and a note says so. gensim's
time is that of its ``train`` (vocabulary excluded).

Usage: python benchmarks/profile_scaling.py [--corpus {sotu,large,both}]
    [--algorithm {cbow,skipgram}] [--epochs N] [--batch-size N]
"""

import argparse
import math
import multiprocessing
import time

from _common import DEFAULTS, fit_observed, load, make_gensim

from sklearn_w2v import Word2VecVectorizer


def train_seconds(sentences, algorithm, n_jobs, epochs, batch_size=512):
    """Seconds of ``fit``'s training, the centers it trained, and whether the
    engine timed its stages (else the seconds include counting)."""
    model = Word2VecVectorizer(
        algorithm=algorithm,
        epochs=epochs,
        n_jobs=n_jobs,
        batch_size=batch_size,
        random_state=0,
    )
    timings = fit_observed(model, sentences)
    if math.isnan(timings["training"]):
        return timings["count"], model.n_words_trained_, False
    return timings["training"], model.n_words_trained_, True


def scaling(sentences, algorithm, epochs, batch_size=512):
    """Training seconds and speed-ups of ours and gensim's, and whether the
    engine's stages timed ours."""
    one, centers, staged = train_seconds(sentences, algorithm, 1, epochs, batch_size)
    two, _, _ = train_seconds(sentences, algorithm, 2, epochs, batch_size)
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        pair = pool.starmap(
            train_seconds, [(sentences, algorithm, 1, epochs, batch_size)] * 2
        )
    paired = max(seconds for seconds, _, _ in pair)
    gensim = {}
    for workers in (1, 2):
        model = make_gensim(dict(DEFAULTS, algorithm=algorithm), workers, 0)
        model.build_vocab(sentences)
        started = time.perf_counter()
        model.train(sentences, total_examples=len(sentences), epochs=epochs)
        gensim[workers] = time.perf_counter() - started
    result = {
        "ours 1 job s": one,
        "ours 2 jobs s": two,
        "ours 2 jobs speed-up": one / two,
        "2 independent fits s": paired,
        "2 independent fits speed-up": 2 * one / paired,
        "gensim 1 worker s": gensim[1],
        "gensim 2 workers s": gensim[2],
        "gensim 2 workers speed-up": gensim[1] / gensim[2],
        "centers per fit": centers,
    }
    return result, staged


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["sotu", "large", "both"], default="both")
    parser.add_argument("--algorithm", choices=["cbow", "skipgram"], default="cbow")
    parser.add_argument("--epochs", type=int, default=DEFAULTS["epochs"])
    parser.add_argument("--batch-size", type=int, default=512)
    args = parser.parse_args()
    for corpus in ["sotu", "large"] if args.corpus == "both" else [args.corpus]:
        result, staged = scaling(
            load(corpus), args.algorithm, args.epochs, args.batch_size
        )
        print(
            f"{corpus}, {args.algorithm}, {args.epochs} epoch(s), "
            f"batch_size={args.batch_size}, training only"
            + ("" if staged else " (no training stage timed: counting included)")
            + ":"
        )
        for name, value in result.items():
            print(f"  {name:<30} {value:,.2f}", flush=True)


if __name__ == "__main__":
    main()
