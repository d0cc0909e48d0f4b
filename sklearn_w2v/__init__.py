"""word2vec embeddings as a scikit-learn transformer, in vectorized NumPy/SciPy."""

from ._corpus.line_corpus import LineCorpus
from ._embedding import EmbeddingVectorizer
from ._keyedvectors.keyed_vectors import KeyedVectors
from ._keyedvectors.subwords import Subwords
from ._phrases import PhraseTransformer
from ._vectorizer import Word2VecVectorizer

__version__ = "0.1.0.dev0"

__all__ = [
    "EmbeddingVectorizer",
    "KeyedVectors",
    "LineCorpus",
    "PhraseTransformer",
    "Subwords",
    "Word2VecVectorizer",
    "__version__",
]
