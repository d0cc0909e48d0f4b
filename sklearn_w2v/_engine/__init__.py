"""The training engine: the loop, its executors, the layouts, the losses.

Import rule: modules here import only NumPy, SciPy, joblib, threadpoolctl and
each other, never the estimators, ``_corpus``, ``_keyedvectors`` or
scikit-learn (``tests/test_packaging.py`` checks it).
"""
