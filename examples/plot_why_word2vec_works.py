"""
===========================================
Why words that share contexts end up close
===========================================

Skip-gram with negative sampling trains a network with one hidden layer to
tell the words that really occur around a word from random "noise" words.
Nobody asks it for word vectors, yet its input weights become good ones. This
example shows why on the bundled State of the Union addresses:

1. what the two weight matrices hold: the input vectors of words that can
   replace each other are close, while an input vector points at the *output*
   vectors of the words around it;
2. words used in similar contexts have similar vectors, and training
   separates them from words used differently;
3. directions in the space carry meaning, which vector arithmetic exposes.

The :ref:`user guide <word2vec_explained>` derives the update rule that
explains all three; here we watch its effects.
"""

# %%
# Tokenise once, train three times
# --------------------------------
# The addresses are tokenised once with CountVectorizer's analyser, and the
# token lists are given to :class:`~sklearn_w2v.Word2VecVectorizer`, which
# takes lists of tokens as they are. We train skip-gram for 1, 2 and 3
# epochs with the same seed; the last model is used throughout.
from time import perf_counter

import matplotlib.pyplot as plt
import numpy as np
from scipy import sparse
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import CountVectorizer

from sklearn_w2v import KeyedVectors, Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu

analyzer = CountVectorizer().build_analyzer()
documents = [analyzer(text) for text in load_sotu().data]
print(f"{len(documents)} addresses, {sum(map(len, documents)):,} tokens")

started = perf_counter()
models = {
    epochs: Word2VecVectorizer(epochs=epochs, random_state=0).fit(documents)
    for epochs in (1, 2, 3)
}
w2v = models[3]
print(f"{len(w2v.wv_):,} words, trained in {perf_counter() - started:.0f}s")

# %%
# Input vectors, output vectors
# -----------------------------
# The network scores a (word, context) pair by the dot product of the word's
# *input* vector (a row of ``input_vectors_``, the usual word vector) and the
# context's *output* vector (a row of ``output_vectors_``), and is trained to
# make that score high for pairs seen in the corpus and low for noise words.
#
# So the output vectors with the highest score against a word's input vector
# are the words *around* it ("world war ii", "cold war"), while the nearest
# input vectors are words that occur *in place of* it, having the same
# kind of neighbours. The output vectors alone (``word_vectors='output'``)
# give neighbours much like the input vectors.
inputs = w2v.wv_
outputs = KeyedVectors(inputs.index_to_key, w2v.output_vectors_)


def top_words(scores, exclude, n=6):
    """The ``n`` words of highest score, ``exclude`` left out."""
    order = np.argsort(-scores)
    return [inputs.index_to_key[i] for i in order if i != exclude][:n]


for word in ("war", "tax", "army", "congress"):
    row = inputs.key_to_index[word]
    print(f"{word}")
    print(
        "  input . input   :",
        ", ".join(w for w, _ in inputs.most_similar(word, topn=6)),
    )
    print(
        "  output . output :",
        ", ".join(w for w, _ in outputs.most_similar(word, topn=6)),
    )
    contexts = top_words(w2v.output_vectors_ @ w2v.input_vectors_[row], row)
    print("  input . output  :", ", ".join(contexts))

# %%
# Shared contexts make close vectors
# ----------------------------------
# Each time a word is trained, its input vector is pulled toward the output
# vectors of its contexts and pushed away from those of the noise words. Two
# words with the same context distribution get the same pulls, and with only
# ``n_components=100`` dimensions for 12,000 words the model cannot give each
# word its own direction: such words end up close.
#
# We check the claim directly. For the 2,000 most frequent words we count the
# words within 5 positions of each occurrence, weight the counts by positive
# pointwise mutual information (PPMI, Levy and Goldberg 2014: skip-gram
# implicitly factorises a shifted PMI matrix) and compare, over random pairs
# of words, the cosine of their context profiles with the cosine of their
# word2vec vectors.
n_top, window = 2000, 5
ids = np.concatenate(
    [[inputs.key_to_index.get(token, -1) for token in doc] for doc in documents]
)
doc_of = np.repeat(np.arange(len(documents)), [len(doc) for doc in documents])
rows, cols = [], []
for offset in range(1, window + 1):
    left, right = ids[:-offset], ids[offset:]
    keep = (doc_of[:-offset] == doc_of[offset:]) & (left >= 0) & (right >= 0)
    keep &= (left < n_top) & (right < n_top)
    rows += [left[keep], right[keep]]
    cols += [right[keep], left[keep]]
rows, cols = np.concatenate(rows), np.concatenate(cols)
counts = sparse.coo_matrix(
    (np.ones(len(rows)), (rows, cols)), shape=(n_top, n_top)
).toarray()
expected = counts.sum(1, keepdims=True) * counts.sum(0, keepdims=True) / counts.sum()
with np.errstate(divide="ignore"):
    ppmi = np.maximum(np.log(counts / expected), 0)

rng = np.random.default_rng(0)
a, b = rng.integers(n_top, size=(2, 5000))
a, b = a[a != b], b[a != b]


def pair_cosines(X):
    X = X / np.linalg.norm(X, axis=1, keepdims=True)
    return np.einsum("ij,ij->i", X[a], X[b])


context_similarity = pair_cosines(ppmi)
vector_similarity = pair_cosines(w2v.input_vectors_[:n_top])
rho = spearmanr(context_similarity, vector_similarity).statistic
print(f"Spearman correlation over {len(a)} pairs: {rho:.2f}")

# %%
# Training separates words whose contexts differ
# ----------------------------------------------
# The initial vectors are random, so two words start with a cosine similarity
# near 0 (about +/- 0.1 in 100 dimensions). After one epoch *every* pair is
# similar: the first updates pull all words toward the output vectors of the
# same frequent contexts. Then the noise words do their part: each update also
# pushes a word away from random words, and only the words whose real
# contexts keep pulling them together stay close. With more epochs the
# average similarity of random pairs falls, a pair from different topics
# (army and tax) drifts apart, and pairs of words used alike (army and navy,
# soldiers and sailors, tax and taxes) stay close: the contrast grows.
pairs = [
    ("army", "navy"),
    ("soldiers", "sailors"),
    ("tax", "taxes"),
    ("senate", "house"),
    ("army", "tax"),
]
fig, (ax_scatter, ax_epochs) = plt.subplots(1, 2, figsize=(11, 4.5))
ax_scatter.scatter(context_similarity, vector_similarity, s=4, alpha=0.3)
ax_scatter.set_xlabel("cosine of PPMI context profiles")
ax_scatter.set_ylabel("cosine of word2vec vectors")
ax_scatter.set_title(f"Pairs of frequent words: Spearman {rho:.2f}")

epochs = sorted(models)
for first, second in pairs:
    similarity = [models[e].wv_.similarity(first, second) for e in epochs]
    ax_epochs.plot(epochs, similarity, marker="o", label=f"{first} - {second}")
baseline = [pair_cosines(models[e].input_vectors_[:n_top]).mean() for e in epochs]
ax_epochs.plot(epochs, baseline, "k--", marker="o", label="random pairs (mean)")
ax_epochs.axhspan(-0.1, 0.1, color="0.9", label="random initial vectors")
ax_epochs.set_xticks(epochs)
ax_epochs.set_xlabel("epochs")
ax_epochs.set_ylabel("cosine similarity")
ax_epochs.set_title("Similarity after 1, 2 and 3 epochs")
ax_epochs.legend(fontsize="small")
fig.tight_layout()
plt.show()
print("mean similarity of random pairs by epochs:", np.round(baseline, 2))

# %%
# Vector arithmetic
# -----------------
# If "soldiers" differs from "army" roughly as "sailors" differs from "navy",
# the offset ``soldiers - army`` is a direction of its own, and
# ``soldiers - army + navy`` lands near "sailors" (``most_similar`` with
# ``positive`` and ``negative`` words, the 3CosAdd rule). On a corpus of 1.8
# million words this works only for relations the addresses use often, so we
# first check that the words are frequent and have sensible neighbours.
analogies = [
    ("army", "soldiers", "navy", "sailors"),
    ("he", "his", "she", "her"),
    ("men", "man", "women", "woman"),
    ("britain", "british", "france", "french"),
    ("war", "wars", "treaty", "treaties"),
]
for a, b, c, expected in analogies:
    neighbours = ", ".join(w for w, _ in inputs.most_similar(c, topn=3))
    answers = [w for w, _ in inputs.most_similar(positive=[b, c], negative=[a], topn=3)]
    verdict = "right" if answers[0] == expected else f"expected {expected}"
    question = f"{a} : {b} = {c} : ?"
    print(f"{question:<34} {answers[0]:<9} ({verdict}; then {', '.join(answers[1:])})")
    count = w2v.word_counts_[inputs.key_to_index[c]]
    print(f"{'':<34} ({c}: {count:,} occurrences, neighbours {neighbours})")
