"""
===========================================================
Word similarities and analogies in State of the Union texts
===========================================================

This example trains word2vec on the 233 State of the Union addresses bundled
with sklearn-w2v (about 1.8 million words, 1790-2021), then looks at what the
word vectors learned: nearest neighbours, analogies ("man is to king as woman
is to ?"), the accuracy on the analogy test set published with the original
word2vec tool, and a 2-D map of a few groups of words.

A corpus of this size is small for word2vec (the published vectors were
trained on billions of words), so expect sensible neighbours but modest
analogy accuracy.
"""

# %%
# Train word vectors
# ------------------
# :class:`~sklearn_w2v.Word2VecVectorizer` analyses the raw addresses as
# :class:`~sklearn.feature_extraction.text.CountVectorizer` does (lowercased
# words of two letters or more) and learns one vector per word occurring at
# least ``min_count`` times. CBOW trains faster than skip-gram for the same
# number of epochs; a wide window favours topical similarity.
from pathlib import Path
from time import perf_counter

import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import PCA

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu
from sklearn_w2v.evaluation import evaluate_word_analogies

addresses = load_sotu().data
print(f"{len(addresses)} addresses, {sum(map(len, map(str.split, addresses)))} words")

vectorizer = Word2VecVectorizer(
    algorithm="cbow",
    n_components=100,
    window=8,
    min_count=5,
    epochs=5,
    random_state=0,
)
start = perf_counter()
vectorizer.fit(addresses)
print(f"trained in {perf_counter() - start:.1f} s")
wv = vectorizer.wv_
print(f"{len(wv)} words of {wv.vector_size} dimensions")
print("mean loss per epoch:", np.round(vectorizer.loss_curve_, 3))

# %%
# Nearest neighbours
# ------------------
# :meth:`~sklearn_w2v.KeyedVectors.most_similar` ranks the vocabulary by
# cosine similarity. Words used in the same contexts come out close:
# synonyms, but also words of the same topic or the same kind.
for word in ["war", "economy", "freedom", "tax", "railroad", "congress"]:
    neighbours = ", ".join(neighbour for neighbour, _ in wv.most_similar(word, topn=6))
    print(f"{word:>10}: {neighbours}")

# %%
# Analogies
# ---------
# "a is to b as c is to ?" is answered by the word closest to
# ``b - a + c`` (3CosAdd). Relations the speeches use often come out right
# (``he : his :: she : her``, ``army : soldiers :: navy : sailors``) or
# among the first three answers (Berlin, "worse"). The famous
# ``man : king :: woman : queen`` fails: "queen" occurs 14 times in 1.8
# million words, too few for a reliable vector.
questions = [
    ("he", "his", "she"),
    ("army", "soldiers", "navy"),
    ("france", "paris", "germany"),
    ("good", "better", "bad"),
    ("man", "king", "woman"),
]
for a, b, c in questions:
    answers = wv.most_similar(positive=[b, c], negative=[a], topn=3)
    ranked = ", ".join(f"{word} ({score:.2f})" for word, score in answers)
    print(f"{a} : {b} :: {c} : ?  ->  {ranked}")

# %%
# Accuracy on the word2vec analogy test set
# -----------------------------------------
# :func:`~sklearn_w2v.evaluation.evaluate_word_analogies` answers the 19,544
# questions of ``questions-words.txt`` and reports the accuracy of each
# section, as gensim and the word2vec C tool do. Questions with a word outside
# the vocabulary are skipped; many are here (world capitals, currencies).
# The file is not shipped with the package; gensim ships it with its tests
# (the ``docs`` extra installs gensim), so the example takes it from there and
# skips this step without gensim.
try:
    from gensim.test.utils import datapath

    QUESTIONS = Path(datapath("questions-words.txt"))
except ImportError:
    QUESTIONS = None

if QUESTIONS is not None:
    result = evaluate_word_analogies(wv, QUESTIONS)
    print(
        f"accuracy {result.accuracy:.1%} on {result.n_correct + result.n_incorrect} "
        f"questions ({result.n_skipped} skipped)"
    )
    for section in result.sections:
        answered = section.n_correct + section.n_incorrect
        print(f"{section.name:>28}: {section.accuracy:6.1%} of {answered:4d}")
else:
    print("gensim is not installed: skipping the analogy evaluation.")

# %%
# A map of a few groups of words
# ------------------------------
# Projecting the unit-normalised vectors of a few groups of words on their
# first two principal components shows the groups as clusters. Two
# dimensions keep only part of the 100-dimensional geometry, so some words
# land between the groups.
groups = {
    "countries": ["france", "germany", "japan", "china", "russia", "mexico", "spain"],
    "economy": ["taxes", "inflation", "unemployment", "budget", "deficit", "wages"],
    "military": ["army", "navy", "soldiers", "troops", "enemy", "military"],
    "people": ["children", "families", "parents", "students", "teachers", "workers"],
}
words = [word for members in groups.values() for word in members if word in wv]
vectors = wv[words]
vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
coordinates = PCA(n_components=2, random_state=0).fit_transform(vectors)

fig, ax = plt.subplots(figsize=(8, 7))
for name, members in groups.items():
    rows = [i for i, word in enumerate(words) if word in members]
    ax.scatter(*coordinates[rows].T, label=name, s=40)
    # Labels alternate above and below their points to overlap less.
    for k, i in enumerate(sorted(rows, key=lambda i: coordinates[i, 1])):
        offset = (5, 4) if k % 2 else (5, -11)
        ax.annotate(words[i], coordinates[i], xytext=offset, textcoords="offset points")
ax.set_xlabel("first principal component")
ax.set_ylabel("second principal component")
ax.set_title("word2vec vectors of State of the Union addresses, PCA")
ax.legend()
fig.tight_layout()
plt.show()
