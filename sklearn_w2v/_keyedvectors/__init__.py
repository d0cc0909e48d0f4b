"""Keyed vectors: queries, storage, pairwise scores, subwords, their file formats.

Import rule: modules here import the file helpers of ``_corpus.files``, the
n-gram hashing of ``_corpus.subwords`` and each other, nothing else of the
package (the ``evaluate_*`` methods import the public
``sklearn_w2v.evaluation`` when called; ``tests/test_packaging.py`` checks
it).
"""
