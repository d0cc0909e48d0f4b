"""The one module that imports private or unstable scikit-learn pieces.

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


class _NoCallbackContext:
    """Stands for a callback context where there are no callbacks to call."""

    def subcontext(self, *args, **kwargs):
        return self

    def call_on_fit_task_begin(self, **kwargs):
        return self

    def call_on_fit_task_end(self, **kwargs):
        return False


class _NoCallbackSupport:
    """Callback support before scikit-learn 1.9: no ``set_callbacks``, no calls."""

    def _init_callback_context(self, **kwargs):
        return _NoCallbackContext()


try:
    # scikit-learn >= 1.9; its ``_fit_context`` also tears the callbacks down.
    from sklearn.callback import CallbackSupportMixin
except ImportError:
    CallbackSupportMixin = _NoCallbackSupport


__all__ = [
    "CallbackSupportMixin",
    "HasMethods",
    "Interval",
    "StrOptions",
    "_fit_context",
    "validate_params",
]
