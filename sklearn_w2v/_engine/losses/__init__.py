"""The output layers: negative sampling, hierarchical softmax, full softmax.

Import rule: as the rest of ``_engine``, NumPy, SciPy and the engine only.
"""
