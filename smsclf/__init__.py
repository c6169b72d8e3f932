"""smsclf: is the legal action claimed in this Chinese SMS genuine, fake, or is the message
unrelated?

    >>> import smsclf
    >>> smsclf.extract("（2024）京0105民初12345号")[0].details["court_name"]
    '北京市朝阳区人民法院'

The default model loads lazily, once, on the first call to :func:`classify`.  ``import
smsclf`` imports neither numpy nor scikit-learn: the classes of the training side
(:class:`SmsClassifier`) and of the optional extras (:func:`classify_frame`) are imported
when first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from smsclf.evidence import Evidence
from smsclf.extract import extract

if TYPE_CHECKING:
    from collections.abc import Iterable

    from smsclf.classifier import Classifier, Reason, Result
    from smsclf.estimator import SmsClassifier
    from smsclf.frame import classify_frame

#: The package's version, the one place it is written (pyproject.toml reads it).
__version__ = "0.1.0"

#: Public names defined elsewhere, imported on first use: name -> module.
_LAZY = {
    "Classifier": "smsclf.classifier",
    "Reason": "smsclf.classifier",
    "Result": "smsclf.classifier",
    "SmsClassifier": "smsclf.estimator",
    "classify_frame": "smsclf.frame",
}

__all__ = [
    "Classifier",
    "Evidence",
    "Reason",
    "Result",
    "SmsClassifier",
    "__version__",
    "classify",
    "classify_frame",
    "classify_many",
    "extract",
    "info",
    "load_model",
    "warm_up",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'smsclf' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def classify(text: str) -> Result:
    """Classify one message with the default model."""
    from smsclf.classifier import default_classifier

    return default_classifier().classify(text)


def classify_many(texts: Iterable[str], n_jobs: int = 1) -> list[Result]:
    """Classify many messages, in input order; ``n_jobs > 1`` uses worker processes."""
    from smsclf.classifier import default_classifier

    return default_classifier().classify_many(texts, n_jobs=n_jobs)


def info() -> dict[str, object]:
    """What this installation runs: its version and whether the compiled core is in use.

    ``core`` is ``compiled`` when every compiled module is built and loaded, else ``pure``
    (``SMSCLF_PURE=1``, no C compiler at install time, or a stale build); ``modules`` says
    which, module by module.  Results are identical either way; only the speed differs.
    """
    from smsclf import accel

    return {"version": __version__, "core": accel.core(), "modules": accel.status()}


def load_model(path: str) -> Classifier:
    """Load a (retrained) model directory; the result has ``classify``/``classify_many``."""
    from smsclf.classifier import Classifier

    return Classifier.load(path)


def warm_up() -> None:
    """Load the default model and tokenizer now rather than on the first message."""
    from smsclf.classifier import default_classifier

    default_classifier().warm_up()
