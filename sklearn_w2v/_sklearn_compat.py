"""The one module that imports private or unstable scikit-learn pieces.

scikit-learn does not promise these names across versions; keeping them here
means a rename is mended in one place.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions


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
    "Interval",
    "StrOptions",
    "_fit_context",
    "epoch_tasks",
]


def epoch_tasks(context, estimator, documents):
    """Begin the first epoch's callback task; return ``train``'s ``epoch_callback``.

    ``train`` reports only the end of each epoch, so ending epoch ``k`` also
    begins epoch ``k + 1``. The callbacks' request to stop (the return value
    of ``on_fit_task_end``) is not honoured: every epoch runs, because the
    learning rate decays over all of them.
    """
    epochs = estimator.epochs
    tasks = [context.subcontext(task_name="epoch")]
    tasks[0].call_on_fit_task_begin(estimator=estimator, X=documents)

    def end_epoch(epoch, loss):
        tasks.pop().call_on_fit_task_end(estimator=estimator, X=documents)
        if epoch + 1 < epochs:
            tasks.append(context.subcontext(task_name="epoch"))
            tasks[-1].call_on_fit_task_begin(estimator=estimator, X=documents)

    return end_epoch
