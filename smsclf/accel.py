"""Which implementation runs: a compiled module (Cython) or its pure-Python twin.

Each compiled module ``smsclf._c<name>`` speeds up one pure-Python module and must give
results identical to it (``tests/test_twins.py`` runs both on every message of the data set
and the benchmark corpus).  The compiled modules are optional: an install without a C
compiler runs the twins, and so does any process started with ``SMSCLF_PURE=1``.  A
compiled module built from other sources than this package's (a stale in-place build) is
refused by its ``ABI`` number, so a twin never silently disagrees with its build.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

#: Set to 1 to run the pure-Python twins even where the compiled modules are built.
PURE_ENV = "SMSCLF_PURE"

#: compiled module -> the ABI number this package's sources expect of its build; bump a
#: number whenever the .pyx changes what it computes or how it is called.
MODULES = {"_cscore": 1, "_cnormalize": 1, "_cphrases": 1}

_status: dict[str, str] = {}


def pure_requested() -> bool:
    """Whether ``SMSCLF_PURE`` asks for the pure-Python twins."""
    return os.environ.get(PURE_ENV, "").strip() not in ("", "0")


def compiled(name: str) -> ModuleType | None:
    """The compiled module ``smsclf.<name>``, or None when it is not built, stale, or the
    twins are asked for; the outcome is recorded for :func:`status`."""
    if name not in MODULES:
        raise KeyError(f"no compiled module {name!r}; known: {sorted(MODULES)}")
    if pure_requested():
        _status[name] = f"pure: {PURE_ENV}=1"
        return None
    try:
        module = importlib.import_module(f"smsclf.{name}")
    except ImportError:
        _status[name] = "pure: not built"
        return None
    if getattr(module, "ABI", None) != MODULES[name]:
        _status[name] = (f"pure: stale build (ABI {getattr(module, 'ABI', None)!r}, the "
                         f"sources expect {MODULES[name]}; reinstall to rebuild)")
        return None
    _status[name] = "compiled"
    return module


def status() -> dict[str, str]:
    """Every compiled module and what runs: ``compiled``, or ``pure: why``."""
    for name in MODULES:
        if name not in _status:
            compiled(name)
    return dict(_status)


def core() -> str:
    """``compiled`` when every compiled module runs, else ``pure``."""
    return "compiled" if all(s == "compiled" for s in status().values()) else "pure"


def summary() -> str:
    """One line for ``smsclf --version``: the core in use."""
    if core() == "compiled":
        return "compiled core"
    states = status()
    reasons = sorted({s.removeprefix("pure: ") for s in states.values() if s != "compiled"})
    what = "pure-Python core" if "compiled" not in states.values() else "partly compiled core"
    return f"{what}: " + "; ".join(reasons)
