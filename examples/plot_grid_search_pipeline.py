"""
=======================================================
Tuning word2vec features in a pipeline with grid search
=======================================================

:class:`~sklearn_w2v.Word2VecVectorizer` is a transformer like any other: it
sits in a :class:`~sklearn.pipeline.Pipeline` in front of a classifier, and
:class:`~sklearn.model_selection.GridSearchCV` tunes its parameters (here the
context ``window`` and the ``pooling`` of word vectors into document vectors)
together with the classifier's, refitting the word vectors on the training
folds only.

The task: predict the era (1790-1860, 1861-1932, 1933-2021) of a State of the
Union address from its text. The settings are kept small (CBOW, 50
dimensions, 3 epochs, the first 1,000 words of each address) so that the
script runs in well under a minute.
"""

# %%
# The data
# --------
# 233 addresses; each is truncated to its first 1,000 words, which divides
# the training time by about six.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu

sotu = load_sotu()
texts = [" ".join(text.split()[:1000]) for text in sotu.data]
print(f"{len(texts)} addresses, classes: {', '.join(sotu.target_names)}")
print("addresses per class:", np.bincount(sotu.target))

# %%
# The pipeline and the grid
# -------------------------
# The vectorizer learns word vectors on each training fold, then maps every
# address to the pooled vectors of its words. Pooled vectors have a small
# and uneven scale, so they are standardised before the logistic regression.
#
# The vectorizer's own ``n_jobs`` (training processes) stays at 1: with
# ``GridSearchCV(n_jobs=...)`` or a Dask cluster the parallelism is in the
# outer loop, and both together would oversubscribe the cores.
pipeline = Pipeline(
    [
        (
            "w2v",
            Word2VecVectorizer(
                algorithm="cbow", n_components=50, epochs=3, n_jobs=1, random_state=0
            ),
        ),
        ("scale", StandardScaler()),
        ("clf", LogisticRegression(C=0.1, max_iter=1000)),
    ]
)
param_grid = {
    "w2v__window": [2, 5],
    "w2v__pooling": ["mean", "tfidf", "sif"],
}
search = GridSearchCV(
    pipeline, param_grid, cv=StratifiedKFold(3, shuffle=True, random_state=0)
)
search.fit(texts, sotu.target)
print(f"best parameters: {search.best_params_}")
print(f"best cross-validated accuracy: {search.best_score_:.3f}")

# %%
# Scores of every setting
# -----------------------
# The mean accuracy over the three test folds, with one standard deviation;
# the dashed line is the accuracy of always predicting the largest class.
results = pd.DataFrame(search.cv_results_)
table = results.pivot(
    index="param_w2v__pooling", columns="param_w2v__window", values="mean_test_score"
)
errors = results.pivot(
    index="param_w2v__pooling", columns="param_w2v__window", values="std_test_score"
)
print(table.round(3))

fig, ax = plt.subplots(figsize=(6, 4))
table.plot.bar(yerr=errors, ax=ax, rot=0, capsize=3)
ax.set_xlabel("pooling")
ax.set_ylabel("mean test accuracy (3 folds)")
ax.set_ylim(0, 1)
majority = np.bincount(sotu.target).max() / len(texts)
ax.axhline(majority, color="gray", ls="--", label="majority class")
ax.legend(title="window", loc="upper center", ncols=3)
ax.set_title("Era of a State of the Union address")
fig.tight_layout()
plt.show()

# %%
# The best pipeline is refitted on all addresses; its word vectors answer
# similarity queries.
w2v = search.best_estimator_.named_steps["w2v"]
print([word for word, _ in w2v.wv_.most_similar("war", topn=5)])
