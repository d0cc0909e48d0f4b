"""The losses: ``NegativeSampling``, ``HierarchicalSoftmax``, ``Softmax``.

``base`` holds their contract (what a loss draws per run, its skip-gram and
CBOW steps), the damping and CBOW's hidden vectors; ``logistic`` what the
first two share.

Import rule: as the rest of ``_engine``, NumPy, SciPy and the engine only.
"""
