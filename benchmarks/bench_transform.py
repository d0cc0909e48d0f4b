"""Pooling speed of Word2VecVectorizer.transform against the usual Python loop.

Pools 100,000 pre-tokenised documents (sentences of the SOTU corpus, repeated)
with ``transform`` (pooling='mean') and with the loop people write,
``np.mean([wv[w] for w in doc if w in wv], axis=0)``, checks that both give
the same vectors, and prints tokens/s of each and their ratio.

Usage: python benchmarks/bench_transform.py [--documents N]
"""

import argparse

import numpy as np
from _common import load_sentences, timed

from sklearn_w2v import Word2VecVectorizer


def python_loop(wv, documents):
    """Mean word vector of each document, one Python expression per document."""
    rows = []
    for doc in documents:
        known = [wv[w] for w in doc if w in wv]
        rows.append(np.mean(known, axis=0) if known else np.zeros(wv.vector_size))
    return np.array(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    args = parser.parse_args()
    sentences = load_sentences()
    vectorizer = Word2VecVectorizer(algorithm="cbow", epochs=1, random_state=0).fit(
        sentences
    )
    repeats = -(-args.documents // len(sentences))
    documents = (sentences * repeats)[: args.documents]
    n_tokens = sum(map(len, documents))
    ours, ours_seconds = timed(lambda: vectorizer.transform(documents))
    loop, loop_seconds = timed(lambda: python_loop(vectorizer.wv_, documents))
    np.testing.assert_allclose(ours, loop, rtol=1e-4, atol=1e-6)
    print(
        f"{len(documents):,} documents, {n_tokens:,} tokens, "
        f"{len(vectorizer.wv_):,} words; same vectors: yes"
    )
    print(f"transform:   {n_tokens / ours_seconds:>14,.0f} tokens/s")
    print(f"python loop: {n_tokens / loop_seconds:>14,.0f} tokens/s")
    print(f"ratio (transform / loop): {loop_seconds / ours_seconds:.1f}x")


if __name__ == "__main__":
    main()
