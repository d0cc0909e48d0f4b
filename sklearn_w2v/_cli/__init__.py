"""The ``sklearn-w2v`` command line: its parser and its commands.

Import rule: the commands drive the public estimators and ``KeyedVectors``;
nothing else of the package imports this folder.
"""

from .commands import main

__all__ = ["main"]
