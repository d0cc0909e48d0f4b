"""The one module that imports private scikit-learn helpers.

scikit-learn does not promise these names across versions; keeping them here
means a rename is mended in one place.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_params,
)

__all__ = ["HasMethods", "Interval", "StrOptions", "_fit_context", "validate_params"]
