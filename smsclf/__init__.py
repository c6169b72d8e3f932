"""smsclf: is the legal action claimed in this Chinese SMS genuine, fake, or is the message
unrelated?

    >>> import smsclf
    >>> smsclf.extract("（2024）京0105民初12345号")[0].details["court_name"]
    '北京市朝阳区人民法院'

The default model loads lazily, once, on the first call to :func:`classify`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smsclf.evidence import Evidence
from smsclf.extract import extract

if TYPE_CHECKING:
    from collections.abc import Iterable

    from smsclf.classifier import Classifier, Result

__version__ = "0.1.0"
__all__ = [
    "Evidence",
    "__version__",
    "classify",
    "classify_many",
    "extract",
    "info",
    "load_model",
    "warm_up",
]


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

    modules = accel.status()
    core = "compiled" if all(s == "compiled" for s in modules.values()) else "pure"
    return {"version": __version__, "core": core, "modules": modules}


def load_model(path: str) -> Classifier:
    """Load a (retrained) model directory; the result has ``classify``/``classify_many``."""
    from smsclf.classifier import Classifier

    return Classifier.load(path)


def warm_up() -> None:
    """Load the default model and tokenizer now rather than on the first message."""
    from smsclf.classifier import default_classifier

    default_classifier().warm_up()
