"""
=========================================================
Phrase vectors: "united states" as one token
=========================================================

word2vec learns one vector per token, so "new york" is two unrelated words
unless it is one token. The second word2vec paper (Mikolov et al., 2013)
first joins the pairs of words that occur together much more often than
chance, in one pass over the corpus, then trains on the rewritten text.
:class:`~sklearn_w2v.PhraseTransformer` is that step, with the scores and
output of gensim's ``Phrases``; put before
:class:`~sklearn_w2v.Word2VecVectorizer` in a pipeline, it gives phrase
vectors.

This example learns the phrases of the bundled State of the Union
addresses, looks at the strongest ones and at the neighbours of a few
phrase vectors, and compares the analogy accuracy of word vectors trained
with and without phrases.
"""

# %%
# Learn the phrases
# -----------------
# ``fit_transform`` analyses the raw addresses as
# :class:`~sklearn.feature_extraction.text.CountVectorizer` does, counts every
# word and every pair of adjacent words, and returns the addresses as token
# lists with each phrase joined by ``_``. A pair ``a b`` is a phrase when
# ``(count(a b) - min_count) / (count(a) count(b))`` times the number of
# distinct words and pairs exceeds ``threshold``. With English connector
# words, "of" or "the" may sit inside a phrase ("secretary_of_state") but
# never start or end one.
from collections import Counter
from itertools import chain
from time import perf_counter

import matplotlib.pyplot as plt

from sklearn_w2v import PhraseTransformer, Word2VecVectorizer
from sklearn_w2v.datasets import load_sotu
from sklearn_w2v.evaluation import evaluate_word_analogies

addresses = load_sotu().data
phraser = PhraseTransformer(min_count=5, threshold=10.0, connector_words="english")
start = perf_counter()
documents = phraser.fit_transform(addresses)
print(f"{len(phraser.phrases_)} phrases learned in {perf_counter() - start:.1f} s")
for phrase in [
    "united_states",
    "supreme_court",
    "secretary_of_state",
    "social_security",
]:
    print(f"{phrase:>20}: score {phraser.phrases_.get(phrase, float('nan')):.1f}")

# %%
# The most frequent phrases of the rewritten addresses:
counts = Counter(t for t in chain.from_iterable(documents) if t in phraser.phrases_)
top = counts.most_common(20)[::-1]
fig, ax = plt.subplots(figsize=(7, 6))
ax.barh([phrase for phrase, _ in top], [count for _, count in top])
ax.set_xlabel("occurrences in the rewritten addresses")
ax.set_title("Most frequent phrases of the State of the Union addresses")
fig.tight_layout()

# %%
# Phrase vectors
# --------------
# The rewritten token lists train word2vec directly: each phrase gets its own
# vector, whose neighbours are other phrases and words of the same topic.
params = dict(algorithm="cbow", n_components=100, window=5, epochs=5, random_state=0)
with_phrases = Word2VecVectorizer(**params).fit(documents)
wv = with_phrases.wv_
for phrase in ["united_states", "supreme_court", "social_security"]:
    neighbours = ", ".join(w for w, _ in wv.most_similar(phrase, topn=5))
    print(f"{phrase:>16}: {neighbours}")

# %%
# Analogies with and without phrases
# -----------------------------------
# The word2vec analogy test set (``questions-words.txt``, shipped with
# gensim's tests) asks single-word questions ("athens : greece :: paris :
# ?"). Joining phrases takes occurrences away from their words ("united"
# in "united_states", "states" too), so on a corpus this small the single
# words keep fewer contexts and the analogy accuracy drops, while the
# phrases gain vectors of their own. Phrases pay off when the words of a
# phrase mean something else apart, and on larger corpora. The same pipeline,
# ``make_pipeline(PhraseTransformer(), Word2VecVectorizer())``, pools
# document vectors that include phrase vectors.
without_phrases = Word2VecVectorizer(**params).fit(addresses)
try:
    from gensim.test.utils import datapath
except ImportError:  # gensim is optional
    datapath = None
if datapath is not None:
    questions = datapath("questions-words.txt")
    for name, model in [("without", without_phrases), ("with", with_phrases)]:
        result = evaluate_word_analogies(model.wv_, questions)
        answered = result.n_correct + result.n_incorrect
        print(f"{name:>7} phrases: {result.accuracy:.1%} of {answered} questions")
else:
    print("gensim is not installed: skipping the analogy evaluation.")
plt.show()
