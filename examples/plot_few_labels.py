"""
=======================================================
Pretrain once, classify with few labels
=======================================================

Labels are expensive, text is not. Word vectors learned on plenty of
unlabelled text carry what a handful of labelled documents cannot: that
"tariff" and "duties" mean nearly the same, that "railroads" and "canals"
belong to the same century. Here we compare, as the number of labels grows,

* TF-IDF, which knows only the words of the labelled documents;
* word vectors pretrained by :class:`~sklearn_w2v.Word2VecVectorizer` on the
  unlabelled text, then frozen in the pipeline with
  :class:`~sklearn.frozen.FrozenEstimator`;
* the two side by side in a :class:`~sklearn.pipeline.FeatureUnion`.

The task: the era (1790-1860, 1861-1932, 1933-2021) of passages of about
50 words from State of the Union addresses,
:func:`~sklearn_w2v.datasets.load_sotu_passages`. Train and test passages
come from different addresses.
"""

# %%
# Pretrain on the unlabelled text
# -------------------------------
# The text of the train passages, without their labels, is the pretraining
# corpus; the test addresses are never seen. To keep this example fast we
# train for three epochs (``benchmarks/bench_few_labels.py`` trains for five)
# and score on 3,000 of the test passages.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union
from sklearn.preprocessing import Normalizer, StandardScaler

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu_passages

train = load_sotu_passages(subset="train")
test = load_sotu_passages(subset="test")
w2v = Word2VecVectorizer(epochs=3, random_state=0)
w2v.fit(train.data)
print(f"{len(train.data):,} unlabelled passages -> {len(w2v.wv_):,} word vectors")

rng = np.random.default_rng(0)
scored = rng.choice(len(test.data), 3000, replace=False)
X_test, y_test = [test.data[k] for k in scored], test.target[scored]

# %%
# The three pipelines
# -------------------
# ``FrozenEstimator`` makes ``fit`` a no-op: the pipelines learn only the
# scaler and the classifier from the labelled passages, and the word vectors
# stay the pretrained ones (``Word2VecVectorizer(...)`` itself in the
# pipeline would learn new vectors from the few labelled passages).
#
# In the union, TF-IDF rows have unit norm; the word-vector block is
# standardised, then scaled to unit norm too, so that neither block drowns
# the other. The union's output is sparse, as TF-IDF's is.


def tfidf():
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))


def vectors():
    return make_pipeline(
        FrozenEstimator(w2v), StandardScaler(), LogisticRegression(max_iter=1000)
    )


def union():
    return make_pipeline(
        make_union(
            TfidfVectorizer(),
            make_pipeline(FrozenEstimator(w2v), StandardScaler(), Normalizer()),
        ),
        LogisticRegression(max_iter=1000),
    )


# %%
# Accuracy by number of labels
# ----------------------------
# For each budget we draw labelled passages at random (the same number per
# era), three times, and score on the same test passages.
per_class = [5, 10, 20, 50, 200]
methods = {
    "TF-IDF": tfidf,
    "frozen word vectors": vectors,
    "TF-IDF + word vectors": union,
}
scores = {name: np.zeros((len(per_class), 3)) for name in methods}
for i, n in enumerate(per_class):
    for seed in range(3):
        rng = np.random.default_rng(seed)
        rows = np.concatenate(
            [
                rng.choice(np.flatnonzero(train.target == label), n, replace=False)
                for label in range(len(train.target_names))
            ]
        )
        X = [train.data[k] for k in rows]
        for name, make in methods.items():
            model = make().fit(X, train.target[rows])
            scores[name][i, seed] = model.score(X_test, y_test)
for name, values in scores.items():
    print(f"{name:>22}: " + "  ".join(f"{m:.3f}" for m in values.mean(axis=1)))

# %%
fig, ax = plt.subplots(figsize=(7, 4))
n_labels = 3 * np.array(per_class)
for name, values in scores.items():
    mean, std = values.mean(axis=1), values.std(axis=1)
    ax.plot(n_labels, mean, marker="o", label=name)
    ax.fill_between(n_labels, mean - std, mean + std, alpha=0.2)
ax.set_xscale("log")
ax.set_xticks(n_labels, labels=[str(n) for n in n_labels])
ax.minorticks_off()
ax.set_xlabel("labelled passages (equal numbers per era)")
ax.set_ylabel("test accuracy")
ax.set_title("Era of State of the Union passages")
ax.legend()
fig.tight_layout()
plt.show()

# %%
# With a few labels per class the pretrained vectors lead: TF-IDF has seen
# too few words to place most test passages, while nearly every word of a
# test passage has a vector. As labels accumulate TF-IDF catches up, and by 200
# labels per class it is ahead: single words, which pooling blurs, start to
# decide. The union stays at or above the better of the two here. The user
# guide's page :ref:`few_labels` gives the full table of
# ``benchmarks/bench_few_labels.py``, up to all 24,591 labels where TF-IDF
# wins, and how to grid-search the pooling of frozen vectors without
# training them again.
