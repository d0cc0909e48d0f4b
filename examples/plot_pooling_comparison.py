"""
===================================================
Pooling word vectors into document vectors compared
===================================================

A classifier needs one vector per document, and word2vec gives one per
word. The ``pooling`` parameter of
:class:`~sklearn_w2v.Word2VecVectorizer` and
:class:`~sklearn_w2v.EmbeddingVectorizer` says how a document's word vectors
are combined:

* ``'mean'``: the average, insensitive to the length of the document;
* ``'sum'``: the sum, which grows with the length;
* ``'max'``: the element-wise maximum, keeping the strongest value of each
  dimension;
* ``'tfidf'``: an average weighted by inverse document frequency, so words
  that occur in every document count less;
* ``'sif'``: smooth inverse frequency (Arora, Liang and Ma, 2017): frequent
  words weigh less, then the component common to all documents is removed.

We compare them on predicting the era of a State of the Union address
(1790-1860, 1861-1932, 1933-2021), with a bag-of-words TF-IDF model as a
reference.
"""

# %%
# Word vectors, learned once
# --------------------------
# Word vectors need no labels, so we learn them once on all addresses, as one
# would on a large unlabelled corpus, and pool them with
# :class:`~sklearn_w2v.EmbeddingVectorizer`. Its ``fit`` learns only what the
# pooling needs (idf weights, word frequencies, the common component), so in
# the cross-validation below those, and the classifier, are fitted on the
# training folds only. (A pipeline starting with ``Word2VecVectorizer`` would
# also relearn the word vectors on every training fold, as in the
# grid-search example, at many times the cost.)
#
# The addresses are tokenised once; both vectorizers take lists of tokens.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_w2v import EmbeddingVectorizer, Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu

sotu = load_sotu()
analyzer = CountVectorizer().build_analyzer()
documents = [analyzer(text) for text in sotu.data]
w2v = Word2VecVectorizer(algorithm="cbow", learning_rate=0.05, random_state=0)
wv = w2v.fit(documents).wv_
print(f"{len(wv):,} word vectors of dimension {wv.vector_size}")

# %%
# Cross-validated accuracy of each pooling
# ----------------------------------------
# Pooled vectors have small and uneven scales, so they are standardised
# before the logistic regression.
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
scores = {}
for pooling in ("mean", "sum", "max", "tfidf", "sif"):
    pipeline = make_pipeline(
        EmbeddingVectorizer(wv, pooling=pooling),
        StandardScaler(),
        LogisticRegression(max_iter=2000),
    )
    scores[pooling] = cross_val_score(pipeline, documents, sotu.target, cv=cv)

# The reference: TF-IDF weights of the words themselves, no word vectors.
# ``analyzer=list`` because the documents are token lists already.
bag_of_words = make_pipeline(
    TfidfVectorizer(analyzer=list, min_df=2, sublinear_tf=True),
    LogisticRegression(max_iter=2000),
)
scores["bag of words\n(TF-IDF)"] = cross_val_score(
    bag_of_words, documents, sotu.target, cv=cv
)
for name, values in scores.items():
    print(f"{name.splitlines()[0]:>12}: {values.mean():.3f} +/- {values.std():.3f}")

# %%
# The bar chart
# -------------
names = list(scores)
means = np.array([scores[name].mean() for name in names])
stds = np.array([scores[name].std() for name in names])
colors = ["tab:blue"] * 5 + ["tab:gray"]
fig, ax = plt.subplots(figsize=(8, 4))
ax.bar(names, means, yerr=stds, capsize=4, color=colors)
ax.set_ylim(max(0.0, means.min() - 3 * stds.max() - 0.05), 1.0)
ax.set_ylabel("accuracy (5-fold cross-validation)")
ax.set_title("Era of State of the Union addresses by pooling")
for x, (mean, std) in enumerate(zip(means, stds, strict=True)):
    ax.text(x, mean - std - 0.01, f"{mean:.3f}", ha="center", va="top", color="w")
fig.tight_layout()
plt.show()

# %%
# Averaging (``'mean'``) is the usual default and a strong one. Weighted
# averages (``'tfidf'``, ``'sif'``) help when frequent, uninformative words
# dominate documents; ``'sum'`` only helps when the length of a document is
# itself informative. ``'max'`` suits short texts: over the thousands of
# words of an address, the maximum of every dimension comes from some rare
# word, and the pooled vectors say little about the rest.
#
# On a task that single words decide, such as dating a text by its
# vocabulary, a bag of words is hard to beat. Pooled word vectors pay off
# when documents are short and share few words, and when the vectors were
# learned on far more text than there are labelled documents.
