"""
==========================================================
Subword vectors: misspelled words through their n-grams
==========================================================

A word2vec model has no vector for a word it never saw, so a misspelling is
lost. A subword model (``Word2VecVectorizer(subwords=(3, 6))``, fastText's
model) composes a vector for any word from the rows of its character
n-grams, which it shares with the words of the vocabulary: "goverment"
keeps ``<go``, ``gov``, ``over``, ``ment>`` of "government".

This example trains a subword model on part of the bundled State of the
Union passages, misspells words of its vocabulary with one random letter
substituted, and measures how near each misspelling's composed vector is to
its word's, against the number of its n-grams that have a row: many shared
n-grams make a good vector, a few generic ones (``<th``, ``he>``) do not.
That is why ``transform`` pools an unseen token with the weight
``min(1, n / 20)`` of a word, ``n`` its n-grams with a row.
"""

# %%
# Train a subword model
# ---------------------
# The n-grams of each word are hashed into ``n_buckets`` buckets; only the
# buckets that the vocabulary uses get a row. A fifth of the training
# passages keep this example to seconds.
from time import perf_counter

import matplotlib.pyplot as plt
import numpy as np

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu_passages

passages = load_sotu_passages(subset="train").data[::5]
start = perf_counter()
vectorizer = Word2VecVectorizer(
    n_components=50,
    epochs=5,
    subwords=(3, 6),
    n_buckets=100_000,
    random_state=0,
).fit(passages)
wv = vectorizer.wv_
print(
    f"{len(passages)} passages, {len(wv)} words, {len(wv.subwords.buckets)} "
    f"n-gram rows, trained in {perf_counter() - start:.1f} s"
)

# %%
# Unseen words get vectors
# ------------------------
# Misspellings and inflections missing from the vocabulary have vectors
# composed from their n-grams; their nearest words of the vocabulary share
# their stems.
for word in ["goverment", "congresional", "constitutionaly", "taxpayers'"]:
    neighbours = ", ".join(w for w, _ in wv.most_similar(word, topn=4))
    print(f"{word:>16} (in vocabulary: {wv.has_index_for(word)}): {neighbours}")

# %%
# How near is a misspelling to its word?
# --------------------------------------
# Each word of the vocabulary gets one letter substituted at random; a
# misspelling that happens to be a word of the vocabulary is left out.
# ``vectors_and_counts`` returns the composed vectors and how many n-gram rows
# each one averages.
rng = np.random.default_rng(0)
letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
words = [w for w in wv.index_to_key if len(w) >= 2 and w.isalpha()]
misspelled = []
for word in words:
    i = rng.integers(len(word))
    misspelled.append(word[:i] + rng.choice(letters) + word[i + 1 :])
unseen = [k for k, typo in enumerate(misspelled) if not wv.has_index_for(typo)]
typo_vectors, n_known = wv.subwords.vectors_and_counts([misspelled[k] for k in unseen])
correct = wv[[words[k] for k in unseen]]


def unit(vectors):
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


cosine = np.sum(unit(typo_vectors) * unit(correct), axis=1)
random_words = wv.vectors[rng.integers(len(wv), size=len(unseen))]
baseline = np.mean(np.sum(unit(typo_vectors) * unit(random_words), axis=1))
print(
    f"{len(unseen)} misspellings: mean cosine {cosine[n_known > 0].mean():.2f} "
    f"to their words, {baseline:.2f} to random words"
)

# %%
# The cosine grows with the number of n-grams that have a row: a misspelled
# short word keeps one or two generic n-grams and is no nearer its word than
# a random word is; a long word keeps most of its stem. The dashed curve is
# the weight that ``transform`` gives an unseen token.
edges = np.array([1, 3, 6, 10, 15, 20, 30, 100])
bins = np.digitize(n_known, edges) - 1
kept = (n_known > 0) & (bins < len(edges) - 1)
centres = [n_known[kept & (bins == b)].mean() for b in range(len(edges) - 1)]
means = [cosine[kept & (bins == b)].mean() for b in range(len(edges) - 1)]

fig, ax = plt.subplots(figsize=(7, 4.5))
ax.plot(centres, means, "o-", label="misspelling to its word")
ax.axhline(baseline, color="grey", linestyle=":", label="misspelling to random words")
n = np.arange(0, 41)
ax.plot(n, np.minimum(1, n / 20), "k--", label="pooling weight min(1, n / 20)")
ax.set_xlabel("n-grams of the misspelling that have a row (n)")
ax.set_ylabel("cosine similarity / weight")
ax.set_ylim(0, 1.05)
ax.set_title("Misspelled words: composed vector against the word's vector")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
