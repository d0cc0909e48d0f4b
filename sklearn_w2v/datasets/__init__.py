"""Bundled data sets."""

from ._sotu import load_sotu
from ._sotu_passages import load_sotu_passages

__all__ = ["load_sotu", "load_sotu_passages"]
