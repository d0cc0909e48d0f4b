"""
=====================================
Skip-gram or CBOW: quality and speed
=====================================

word2vec comes in two architectures. Skip-gram predicts each context word
from the center word: a window of ``2 * window`` context words gives that
many predictions. CBOW (continuous bag of words) averages the context
vectors and predicts the center word from the average: one prediction per
window. CBOW is therefore faster per epoch; skip-gram extracts more from
each occurrence, which helps rare words and small corpora.

We train both on the bundled State of the Union addresses (1.8 million
words) with the same settings and compare training speed and the accuracy on
analogy questions built from words these addresses use often.
"""

# %%
# Analogy questions for this corpus
# ---------------------------------
# The classic test set (``questions-words.txt``, published with word2vec)
# asks mostly about words rare in presidential addresses. We write a small
# set in its format instead: within each section, every ordered pair of word
# pairs ``(a, b), (c, d)`` gives the question "a is to b as c is to ?".
# :func:`~sklearn_w2v.evaluation.evaluate_word_analogies` takes the lines
# directly. In the classic set's terms, two sections are *syntactic*
# (country : adjective is its ``gram6-nationality-adjective``, singular :
# plural its ``gram8-plural``) and one is *semantic* (male : female, its
# ``family`` section).
from itertools import permutations
from time import perf_counter

import matplotlib.pyplot as plt
import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from sklearn_w2v import Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu
from sklearn_w2v.evaluation import evaluate_word_analogies

sections = {
    "country : adjective": [
        ("america", "american"), ("britain", "british"), ("china", "chinese"),
        ("cuba", "cuban"), ("france", "french"), ("germany", "german"),
        ("italy", "italian"), ("japan", "japanese"), ("mexico", "mexican"),
        ("russia", "russian"), ("spain", "spanish"), ("canada", "canadian"),
    ],
    "singular : plural": [
        ("citizen", "citizens"), ("law", "laws"), ("nation", "nations"),
        ("officer", "officers"), ("program", "programs"), ("right", "rights"),
        ("ship", "ships"), ("soldier", "soldiers"), ("state", "states"),
        ("treaty", "treaties"), ("war", "wars"), ("year", "years"),
        ("child", "children"), ("family", "families"),
    ],
    "male : female": [
        ("he", "she"), ("his", "her"), ("man", "woman"), ("men", "women"),
        ("boys", "girls"), ("father", "mother"), ("son", "daughter"),
        ("husband", "wife"), ("brother", "sister"), ("king", "queen"),
    ],
}  # fmt: skip
questions = []
for name, pairs in sections.items():
    questions.append(f": {name}")
    questions += [f"{a} {b} {c} {d}" for (a, b), (c, d) in permutations(pairs, 2)]
print(f"{len(questions) - len(sections)} questions in {len(sections)} sections")

# %%
# Train both architectures
# ------------------------
# Same data, dimension, window, epochs and seed; each architecture gets the
# initial learning rate the word2vec C tool uses for it (0.025 for
# skip-gram, 0.05 for CBOW). The addresses are tokenised once, outside the
# timings.
analyzer = CountVectorizer().build_analyzer()
documents = [analyzer(text) for text in load_sotu().data]
learning_rates = {"skipgram": 0.025, "cbow": 0.05}
results = {}
for algorithm, learning_rate in learning_rates.items():
    model = Word2VecVectorizer(
        algorithm=algorithm, learning_rate=learning_rate, epochs=3, random_state=0
    )
    started = perf_counter()
    model.fit(documents)
    seconds = perf_counter() - started
    result = evaluate_word_analogies(model.wv_, questions)
    results[algorithm] = (seconds, model.n_words_trained_ / seconds, result)
    print(
        f"{algorithm:>8}: {seconds:5.1f}s, {model.n_words_trained_ / seconds:,.0f} "
        f"words/s, analogy accuracy {result.accuracy:.3f} "
        f"({result.n_correct} of {result.n_correct + result.n_incorrect})"
    )

# %%
# Speed and accuracy
# ------------------
fig, (ax_speed, ax_quality) = plt.subplots(
    1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [1, 2]}
)
colors = {"skipgram": "tab:blue", "cbow": "tab:orange"}
ax_speed.bar(
    list(results),
    [words_per_second / 1000 for _, words_per_second, _ in results.values()],
    color=list(colors.values()),
)
ax_speed.set_ylabel("thousand words / s (after subsampling)")
ax_speed.set_title("Training speed")

labels = [*sections, "all"]
x = np.arange(len(labels))
for offset, (algorithm, (_, _, result)) in zip(
    (-0.2, 0.2), results.items(), strict=True
):
    accuracies = [section.accuracy for section in result.sections]
    ax_quality.bar(
        x + offset, [*accuracies, result.accuracy], width=0.4,
        color=colors[algorithm], label=algorithm,
    )  # fmt: skip
ax_quality.set_xticks(x, labels)
ax_quality.set_ylabel("analogy accuracy")
ax_quality.set_title("Analogy questions")
ax_quality.legend()
fig.tight_layout()
plt.show()

# %%
# CBOW runs faster per epoch, so in the same time it can run more epochs.
# In Mikolov et al. (2013a, table 3) CBOW did a little better on syntactic
# questions (plurals, adjectives, tenses) and skip-gram much better on
# semantic ones (capitals, family relations). This small corpus and test set
# do not reproduce that split: in our run CBOW answered more of the plural
# questions (about 0.31 against 0.27), skip-gram more of the
# nationality-adjective ones (0.17 against 0.11), both syntactic, and the two
# tied on the semantic male : female section (0.19), for the same overall
# accuracy. With a few hundred questions, differences of a few points are
# within the noise of one seed. The word2vec authors recommend skip-gram for
# quality and rare words, CBOW for speed. Levy, Goldberg and Dagan (2015)
# found that with well-chosen hyperparameters skip-gram with negative
# sampling rarely loses to other methods, and that the hyperparameters often
# matter more than the method: see the user guide's :ref:`hyperparameters`
# section.
