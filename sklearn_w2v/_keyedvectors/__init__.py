"""Keyed vectors: queries, storage, pairwise scores, the word2vec and npz formats.

Import rule: modules here import the file helpers of ``_corpus.files`` and
each other, nothing else of the package (the ``evaluate_*`` methods import the
public ``sklearn_w2v.evaluation`` when called; ``tests/test_packaging.py``
checks it).
"""
