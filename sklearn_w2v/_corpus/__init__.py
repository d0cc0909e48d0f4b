"""Corpora: files, LineCorpus, text analysis, spool, vocabulary.

Import rule: modules here never import ``_engine``, ``_keyedvectors`` or the
estimators (``tests/test_packaging.py`` checks it).
"""
