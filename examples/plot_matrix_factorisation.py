"""
=========================================
word2vec as matrix factorisation
=========================================

Skip-gram with negative sampling (SGNS) never builds a matrix, yet Levy and
Goldberg (2014) showed that it factorises one: at its optimum the dot product
of a word's input vector and a context's output vector is the word-context
pointwise mutual information (PMI) shifted by ``log(n_negative)``.
``Word2VecVectorizer(solver='svd')`` builds that matrix from the counts of
the corpus's windows and factorises it directly. On the bundled State of the
Union addresses this example shows:

1. that the dot products SGNS learns follow the shifted PMI of the pairs;
2. that the vectors of a truncated SVD of the positive PMI find many of the
   neighbours that SGNS's find, in a fraction of the time.

The :ref:`user guide <matrix_factorisation>` has the details and the
measurements on a larger corpus.
"""

# %%
# Two solvers, one estimator
# --------------------------
# The corpus is tokenised once; both fits use the same windows, subsampling
# and vocabulary. ``solver='sgd'`` trains skip-gram for 3 epochs;
# ``solver='svd'`` reads the corpus once to count its (word, context) pairs,
# then computes 100 singular vectors.
from time import perf_counter

import matplotlib.pyplot as plt
import numpy as np
from scipy import sparse
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import CountVectorizer

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu

analyzer = CountVectorizer().build_analyzer()
documents = [analyzer(text) for text in load_sotu().data]
print(f"{len(documents)} addresses, {sum(map(len, documents)):,} tokens")

seconds = {}
models = {}
for solver in ("sgd", "svd"):
    started = perf_counter()
    models[solver] = Word2VecVectorizer(solver=solver, epochs=3, random_state=0)
    models[solver].fit(documents)
    seconds[solver] = perf_counter() - started
    print(f"solver={solver!r}: {seconds[solver]:.1f}s")
sgns, svd = models["sgd"], models["svd"]

# %%
# SGNS dot products track the shifted PMI
# ---------------------------------------
# We count, for the 2,000 most frequent words, the pairs within 5 positions,
# each weighted by the chance ``(6 - distance) / 5`` that a shrunk window
# reaches that far, as training draws them. PMI uses the contexts' counts
# raised to 0.75, as the noise words are drawn, and is shifted by
# ``log(5)``, for 5 noise words. Over the pairs seen often enough for their
# PMI to be estimated, SGNS's score ``input[w] . output[c]`` rises with it,
# loosely: 100 dimensions cannot hold the whole matrix, and training
# subsamples frequent words, which changes their counts.
n_top, window = 2000, 5
vocabulary = sgns.vocabulary_
ids = np.concatenate(
    [[vocabulary.get(token, -1) for token in doc] for doc in documents]
)
doc_of = np.repeat(np.arange(len(documents)), [len(doc) for doc in documents])
rows, cols, weights = [], [], []
for distance in range(1, window + 1):
    left, right = ids[:-distance], ids[distance:]
    keep = (doc_of[:-distance] == doc_of[distance:]) & (left >= 0) & (right >= 0)
    keep &= (left < n_top) & (right < n_top)
    rows += [left[keep], right[keep]]
    cols += [right[keep], left[keep]]
    weights.append(np.full(2 * keep.sum(), (window + 1 - distance) / window))
counts = sparse.coo_matrix(
    (np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))),
    shape=(n_top, n_top),
).toarray()
context_law = counts.sum(0) ** 0.75 / (counts.sum(0) ** 0.75).sum()
word_law = counts.sum(1) / counts.sum()
seen = counts >= 20
pmi = np.log(counts[seen] / counts.sum() / np.outer(word_law, context_law)[seen])
scores = (sgns.input_vectors_[:n_top] @ sgns.output_vectors_[:n_top].T)[seen]
rho = spearmanr(pmi - np.log(5), scores).statistic
print(f"{seen.sum():,} pairs seen 20 times or more; Spearman correlation {rho:.2f}")

# %%
# The SVD vectors find the same neighbours
# ----------------------------------------
# For frequent words, we compare the nearest neighbours of the two models'
# vectors. Both find related words (*tax*: *taxes*, *income*, *excise*;
# *army*: *navy*, *corps*), and on 1.8 million tokens both are noisy: about
# one in five of the 10 nearest neighbours is the same for the two solvers.
for word in ("war", "tax", "army", "congress", "education"):
    for name, model in models.items():
        neighbours = ", ".join(w for w, _ in model.wv_.most_similar(word, topn=6))
        print(f"{word:<10} {name}: {neighbours}")

words = sgns.wv_.index_to_key[50:550]
overlap = [
    len(
        {w for w, _ in sgns.wv_.most_similar(word, topn=10)}
        & {w for w, _ in svd.wv_.most_similar(word, topn=10)}
    )
    / 10
    for word in words
]
print(
    f"mean overlap of the 10 nearest neighbours, words 50-550: {np.mean(overlap):.2f}"
)

# %%
# A picture of both
# -----------------
fig, (ax_pmi, ax_overlap) = plt.subplots(1, 2, figsize=(11, 4.5))
ax_pmi.hexbin(pmi - np.log(5), scores, gridsize=60, bins="log", mincnt=1)
low, high = np.percentile(pmi - np.log(5), [1, 99])
ax_pmi.plot([low, high], [low, high], "k--", label="score = PMI - log 5")
ax_pmi.set_xlabel("shifted PMI of the pair (w, c)")
ax_pmi.set_ylabel("SGNS score input[w] . output[c]")
ax_pmi.set_title(f"Spearman {rho:.2f}")
ax_pmi.legend()
ax_overlap.hist(overlap, bins=np.arange(12) / 10 - 0.05)
ax_overlap.set_xlabel("shared nearest neighbours (of 10)")
ax_overlap.set_ylabel("words")
ax_overlap.set_title(
    f"SGNS {seconds['sgd']:.0f}s vs PPMI-SVD {seconds['svd']:.0f}s: "
    f"{np.mean(overlap):.0%} shared"
)
fig.tight_layout()
plt.show()
