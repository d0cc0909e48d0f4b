"""
=====================================================
Hierarchical softmax: a Huffman tree over the words
=====================================================

``Word2VecVectorizer(loss='hierarchical_softmax')`` predicts a word by a walk
from the root of a binary tree down to the word's leaf, one left-or-right
decision per inner node. This example builds the tree that training uses
(a Huffman tree of the word counts) for a toy vocabulary, draws it, checks
that the probabilities of all words sum to one, and measures how long the
paths are on the bundled corpus. The user guide's :ref:`hierarchical_softmax`
section explains the model.
"""

# %%
# The tree of a toy vocabulary
# ----------------------------
# Ten words with made-up counts, most frequent first (the order of a fitted
# vocabulary). :func:`~sklearn_w2v._engine.tables.huffman_tree` returns, for
# each word, the inner nodes on its path from the root (``points``), the
# branch taken at each of them (``codes``, 0 or 1) and the path length.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from sklearn_w2v._engine.tables import huffman_tree
from sklearn_w2v.datasets import load_sotu

words = ["the", "of", "and", "war", "people", "peace", "army", "navy", "tax", "treaty"]
counts = np.array([120, 80, 60, 45, 40, 30, 22, 15, 10, 6])
points, codes, lengths = huffman_tree(counts)
for word, length in enumerate(lengths):
    path = zip(points[word, :length], codes[word, :length], strict=True)
    steps = " ".join(f"n{node}:{code}" for node, code in path)
    print(f"{words[word]:>7} ({counts[word]:3d}): {steps}")

# %%
# Drawing it
# ----------
# Each inner node knows its two children: the next node on a path through
# it, on the side of that path's code (0 left, 1 right), or a word's leaf at
# the end of the path. Leaves are spread left to right, inner nodes sit above
# the middle of their children, depth grows downwards.
n_words = len(words)
children = {}
for word in range(n_words):
    path = points[word, : lengths[word]]
    branches = codes[word, : lengths[word]]
    for depth, (node, code) in enumerate(zip(path, branches, strict=True)):
        below = path[depth + 1] if depth + 1 < len(path) else -1 - word
        children.setdefault(node, {})[code] = below
root = n_words - 2  # the last inner node made is the root


def place(node, depth, x_next, positions):
    """Positions of the subtree under ``node``; leaves are negative, -1 - word."""
    if node < 0:
        positions[node] = (x_next, -depth)
        return x_next + 1
    for code in (0, 1):
        x_next = place(children[node][code], depth + 1, x_next, positions)
    left, right = (positions[children[node][code]][0] for code in (0, 1))
    positions[node] = ((left + right) / 2, -depth)
    return x_next


positions = {}
place(root, 0, 0, positions)

fig, ax = plt.subplots(figsize=(9, 5))
for node, branches in children.items():
    x, y = positions[node]
    for code, child in branches.items():
        cx, cy = positions[child]
        ax.plot([x, cx], [y, cy], color="0.6", zorder=1)
        ax.text(
            (x + cx) / 2,
            (y + cy) / 2,
            str(code),
            color="tab:red",
            ha="center",
            va="center",
            backgroundcolor="white",
            fontsize=9,
        )
    ax.scatter([x], [y], s=500, color="tab:blue", zorder=2)
    ax.text(x, y, f"n{node}", color="white", ha="center", va="center", fontsize=8)
for word in range(n_words):
    x, y = positions[-1 - word]
    ax.text(
        x,
        y,
        f"{words[word]}\n{counts[word]}",
        ha="center",
        va="top",
        fontsize=9,
        bbox={"boxstyle": "round", "facecolor": "lightyellow"},
    )
ax.set_title("Huffman tree of ten words: frequent words sit near the root")
ax.axis("off")
fig.tight_layout()
plt.show()

# %%
# The probabilities of all words sum to one
# -----------------------------------------
# With an input (hidden) vector :math:`h` and one output vector :math:`u_n`
# per inner node, the probability of a word is the product, along its path,
# of :math:`\sigma(u_n^\top h)` where the path goes left (code 0) and
# :math:`\sigma(-u_n^\top h) = 1 - \sigma(u_n^\top h)` where it goes right.
# At every inner node the two branches share its probability, so whatever
# the vectors, the leaves share exactly 1. Random vectors show it.
rng = np.random.default_rng(0)
n_components = 5
h = rng.normal(size=n_components)
inner_vectors = rng.normal(size=(n_words - 1, n_components))


def word_probability(word):
    path, signs = points[word, : lengths[word]], 1 - 2 * codes[word, : lengths[word]]
    return np.prod(1 / (1 + np.exp(-signs * (inner_vectors[path] @ h))))


probabilities = np.array([word_probability(word) for word in range(n_words)])
print(np.round(probabilities, 3), "sum:", probabilities.sum().round(6))

# %%
# Paths on a real vocabulary
# --------------------------
# The cost of one prediction is the length of the word's path. A Huffman
# tree gives a word of frequency :math:`f` a path of about
# :math:`\log_2(1/f)` nodes, so the average over the running text is close to
# the entropy of the word distribution, below :math:`\log_2 V` for a
# balanced tree and far below the :math:`V` output vectors of a full
# softmax. We check on the words of the State of the Union addresses that
# occur 5 times or more.
word_counts = np.asarray(
    CountVectorizer(min_df=1).fit_transform(load_sotu().data).sum(axis=0)
).ravel()
word_counts = np.sort(word_counts[word_counts >= 5])[::-1]
_, _, sotu_lengths = huffman_tree(word_counts)
frequencies = word_counts / word_counts.sum()
n_vocabulary = len(word_counts)
print(f"vocabulary: {n_vocabulary:,} words, log2(V) = {np.log2(n_vocabulary):.1f}")
print(f"path length per token (frequency-weighted): {frequencies @ sotu_lengths:.2f}")
print(f"entropy of the word distribution: {-frequencies @ np.log2(frequencies):.2f}")
print(f"shortest and longest paths: {sotu_lengths.min()}, {sotu_lengths.max()}")

fig, ax = plt.subplots(figsize=(6, 4))
ax.scatter(-np.log2(frequencies), sotu_lengths, s=6, alpha=0.3)
ax.plot([0, sotu_lengths.max()], [0, sotu_lengths.max()], color="0.5", ls="--")
ax.set_xlabel("log2(1 / frequency)")
ax.set_ylabel("path length (inner nodes)")
ax.set_title("Rarer words get longer paths")
fig.tight_layout()
plt.show()
