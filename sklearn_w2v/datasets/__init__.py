"""Bundled data sets."""

from ._sotu import load_sotu

__all__ = ["load_sotu"]
