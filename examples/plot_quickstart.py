"""
==========
Quickstart
==========

Train word vectors on the bundled State of the Union addresses, query them,
save them in the word2vec format, and use
:class:`~sklearn_w2v.Word2VecVectorizer` as the first step of a scikit-learn
pipeline that predicts the era of an address from its text.
"""

# %%
# Load the data
# -------------
# :func:`~sklearn_w2v.datasets.load_sotu` returns a scikit-learn
# :class:`~sklearn.utils.Bunch`: the texts of 233 addresses (1790-2021), the
# era of each as the target, and the year, president and party.
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_w2v import KeyedVectors, Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu

sotu = load_sotu()
print(f"{len(sotu.data)} addresses; eras: {', '.join(sotu.target_names)}")
print(sotu.data[0][:200], "...")

# %%
# Train word vectors
# ------------------
# ``fit`` analyses the raw text as
# :class:`~sklearn.feature_extraction.text.CountVectorizer` does, keeps the
# words occurring at least ``min_count`` times and trains one vector per
# word. CBOW trains faster than skip-gram; ``verbose=1`` prints a line per
# epoch on stderr.
w2v = Word2VecVectorizer(algorithm="cbow", learning_rate=0.05, random_state=0)
w2v.fit(sotu.data)
print(f"{len(w2v.wv_):,} words of {w2v.wv_.vector_size} dimensions")
print("loss per epoch:", w2v.loss_curve_.round(2))

# %%
# Query the vectors
# -----------------
# ``wv_`` is a :class:`~sklearn_w2v.KeyedVectors` with gensim's query
# methods: nearest neighbours by cosine similarity, similarity of two words,
# analogies.
for word in ("war", "economy", "freedom", "railroad"):
    neighbours = ", ".join(w for w, _ in w2v.wv_.most_similar(word, topn=5))
    print(f"{word:>9}: {neighbours}")
print(f"similarity(army, navy) = {w2v.wv_.similarity('army', 'navy'):.2f}")
print(f"similarity(army, tax)  = {w2v.wv_.similarity('army', 'tax'):.2f}")

# %%
# Save and load
# -------------
# The word2vec text and binary formats are read by gensim, the original C
# tool and most other libraries, and by the ``sklearn-w2v`` command line.
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "sotu.bin"
    w2v.wv_.save_word2vec_format(path, binary=True)
    loaded = KeyedVectors.load_word2vec_format(path, binary=True)
print(loaded, "read back from", path.name)

# %%
# Document vectors in a pipeline
# ------------------------------
# ``transform`` maps each document to the mean of its word vectors, a dense
# array any estimator takes. In a pipeline the word vectors are learned on
# the training addresses only.
X_train, X_test, y_train, y_test = train_test_split(
    sotu.data, sotu.target, test_size=0.3, stratify=sotu.target, random_state=0
)
pipeline = make_pipeline(
    Word2VecVectorizer(algorithm="cbow", learning_rate=0.05, random_state=0),
    StandardScaler(),
    LogisticRegression(max_iter=2000),
)
pipeline.fit(X_train, y_train)
accuracy = pipeline.score(X_test, y_test)
print(f"accuracy on {len(X_test)} held-out addresses: {accuracy:.2f}")

ConfusionMatrixDisplay.from_estimator(
    pipeline, X_test, y_test, display_labels=sotu.target_names, colorbar=False
)
plt.title("Era of held-out addresses")
plt.tight_layout()
plt.show()
