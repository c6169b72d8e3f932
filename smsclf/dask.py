"""Verdicts on a Dask Bag or DataFrame of messages: the same code on a laptop's
``LocalCluster`` and on a cluster of many machines.

dask and distributed are an optional extra (``pip install 'smsclf[dask]'``) imported only
here.  The workers never receive a model: each task carries the model's folder and its
fingerprint (the hash of its manifest, which names the arrays' sha256), and each worker
process loads that model once and keeps it (``smsclf.classifier._worker_classifier``).
What comes back is compact: the columns of ``smsclf.classify_frame``, never ``Result``
objects (their evidence dicts and reasons would cost the process that collects them tens
of microseconds a message to unpickle).
"""

# a module named ``dask`` inside the package: absolute imports make ``import dask`` below
# the top-level dask package, never this module
from __future__ import annotations

import sys
import threading
import weakref
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

try:
    import dask
    import dask.bag
except ImportError as exc:  # pragma: no cover - depends on the installation
    here = Path(__file__).resolve().parent
    if any(Path(p or ".").resolve() == here for p in sys.path):
        raise ImportError(f"{here} is on sys.path (the working directory?), so `import dask` "
                          "finds smsclf's own dask.py, not the dask package: run from "
                          "another folder") from exc
    raise ImportError("smsclf.dask needs dask and distributed: pip install 'smsclf[dask]'"
                      ) from exc

from smsclf import frame as _frame
from smsclf.classifier import (
    Classifier,
    _worker_classifier,
    default_model_path,
    resolve_model,
)

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd

__all__ = ["RESULT_COLUMNS", "classify_bag", "classify_dataframe"]

#: The keys of a bag's results and the columns added to a frame, in order: those of
#: ``smsclf.classify_frame`` (``evidence`` only with ``evidence=True``).
RESULT_COLUMNS = _frame.RESULT_COLUMNS


def _dataframe_modules() -> tuple[Any, Any]:
    """dask.dataframe and pandas, or an ImportError naming the extra."""
    try:
        import dask.dataframe as dd
        import pandas as pd
    except ImportError as exc:
        raise ImportError("smsclf.classify_dataframe needs dask[dataframe] and pandas: "
                          "pip install 'smsclf[dask]'") from exc
    return dd, pd


# -- the model: sent as (folder, fingerprint), loaded once per worker process ------------

#: Serialises first loads: with several threads a worker, two tasks that both find the
#: cache empty would each load the model (``lru_cache`` does not hold callers back).
_load_lock = threading.Lock()
#: Models loaded by this process for these functions: (folder, fingerprint) -> count.
#: Read by tests and the benchmark (through ``Client.run``) to check "once per worker".
_loads: Counter[tuple[str, str]] = Counter()
#: The callers' own models, by (folder, fingerprint): a threaded or synchronous scheduler
#: runs the tasks in the caller's process, which then needs no second copy
_callers: weakref.WeakValueDictionary[tuple[str, str], Classifier] = \
    weakref.WeakValueDictionary()


def _key(path: str | None, fingerprint: str) -> tuple[str, str]:
    return (str(default_model_path()) if path is None else path, fingerprint)


def _model_ref(model: str | Path | Classifier | None) -> tuple[str | None, str, Classifier]:
    """What the tasks carry for ``model`` — its folder (None: the shipped model, wherever
    smsclf is installed on the worker) and its fingerprint — and the model itself, loaded
    here once to check it and to build the frame's ``meta``."""
    clf = resolve_model(model)
    if model is None:
        _callers[_key(None, clf.fingerprint)] = clf
        return None, clf.fingerprint, clf
    if clf.path is None:
        raise ValueError("this Classifier was not loaded from a folder, so workers cannot load "
                         "it: save it with `smsclf train --out DIR` and pass DIR (or "
                         "smsclf.load_model(DIR))")
    path: str | None = str(Path(clf.path).resolve())  # workers have their own working dir
    if path == str(default_model_path().resolve()):
        path = None
    _callers[_key(path, clf.fingerprint)] = clf
    return path, clf.fingerprint, clf


def _worker_model(path: str | None, fingerprint: str) -> Classifier:
    """This process's copy of the model, loaded on first use (a ``ModelError`` if the
    folder no longer holds the model the caller checked)."""
    key = _key(path, fingerprint)
    clf = _callers.get(key)
    if clf is not None:
        return clf
    with _load_lock:
        before = _worker_classifier.cache_info().misses
        try:
            return _worker_classifier(*key)
        finally:
            if _worker_classifier.cache_info().misses != before:
                _loads[key] += 1


def _model_loads() -> dict[tuple[str, str], int]:
    """How many times this process loaded each model for a bag or a frame."""
    return dict(_loads)


# -- per partition, on the workers ----------------------------------------------------


def _classify_records(texts: Iterable[str], path: str | None, fingerprint: str,
                      evidence: bool) -> list[dict[str, Any]]:
    """A bag partition's verdicts: one dict a message, with ``classify_frame``'s values."""
    texts = texts if isinstance(texts, list) else list(texts)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"text must be str, not {type(t).__name__} (element {i} of its "
                            "bag partition)")
    if not texts:
        return []
    results = _worker_model(path, fingerprint).classify_many(texts)
    return [_frame.record(r, evidence) for r in results]


def _classify_partition(df: pd.DataFrame, text: Any, path: str | None, fingerprint: str,
                        evidence: bool) -> pd.DataFrame:
    """A frame partition: ``classify_frame`` itself, with this worker's model, so that the
    two functions cannot give different columns."""
    return _frame.classify_frame(df, text, model=_worker_model(path, fingerprint),
                                 evidence=evidence)


# -- the API -------------------------------------------------------------------------


def classify_bag(bag: dask.bag.Bag, *, model: str | Path | Classifier | None = None,
                 evidence: bool = True) -> dask.bag.Bag:
    """A Bag of verdicts, one dict per message of ``bag`` (a Bag of str), partition by
    partition, in order.

    Each dict has the values of ``smsclf.classify_frame``'s columns: ``label``,
    ``authenticity``, ``p_genuine``, ``p_fake``, ``p_unrelated`` and, with ``evidence``,
    ``evidence``: a list of ``"kind:text"`` strings.  Not ``Result`` objects, and no
    reasons: every worker would build them and the collecting process unpickle them; to
    explain a few verdicts, ``smsclf.classify`` those messages.  ``bag.to_dataframe()``
    of the result has ``classify_dataframe``'s added columns.

    ``model``: a model folder or a ``Classifier`` loaded from one (every worker must read
    it at the same absolute path), default the shipped model (each worker's own copy, which
    must be the same model).  Workers load it once per process.  A non-str element raises
    TypeError when computed.
    """
    if not isinstance(bag, dask.bag.Bag):
        raise TypeError(f"bag must be a dask.bag.Bag of str, not {type(bag).__name__}")
    path, fingerprint, _ = _model_ref(model)
    return bag.map_partitions(_classify_records, path, fingerprint, bool(evidence))


def classify_dataframe(ddf: dd.DataFrame | dd.Series, text: Any = "text", *,
                       model: str | Path | Classifier | None = None,
                       evidence: bool = True) -> dd.DataFrame:
    """``smsclf.classify_frame`` on every partition of a Dask DataFrame: its index,
    divisions and columns kept, with ``label``, ``authenticity``, ``p_genuine``,
    ``p_fake``, ``p_unrelated`` and (with ``evidence``) ``evidence`` added.

    ``ddf`` may be a Dask Series of messages.  ``model`` as for ``classify_bag``.  Raises
    KeyError for a missing ``text`` column, ValueError when a result column exists already
    and TypeError for a column that does not hold text — at once — or, when computed, for
    a value that is not a str (NaN and None included).  The output's ``meta`` comes from
    ``classify_frame`` on the empty frame: no message is classified to infer it.
    """
    dd, pd = _dataframe_modules()
    if isinstance(ddf, dd.Series):
        ddf = ddf.to_frame(name=ddf.name if ddf.name is not None else text)
        text = ddf.columns[0]
    elif not isinstance(ddf, dd.DataFrame):
        hint = " (dask.dataframe.from_pandas, or smsclf.classify_frame for pandas)" \
            if isinstance(ddf, (pd.DataFrame, pd.Series)) else ""
        raise TypeError(f"ddf must be a Dask DataFrame or Series, not "
                        f"{type(ddf).__name__}{hint}")
    if text not in ddf.columns:
        raise KeyError(f"no column {text!r} in the frame; its columns: {list(ddf.columns)!r}")
    dtype = ddf._meta[text].dtype if ddf._meta.columns.is_unique else None
    if dtype is not None and not (pd.api.types.is_object_dtype(dtype)
                                  or pd.api.types.is_string_dtype(dtype)
                                  or isinstance(dtype, pd.CategoricalDtype)):
        raise TypeError(f"column {text!r} holds {dtype}, not text")
    path, fingerprint, clf = _model_ref(model)
    # classify_frame checks the column and the names on the empty frame, here and now
    meta = _frame.classify_frame(ddf._meta, text, model=clf, evidence=evidence)
    return ddf.map_partitions(_classify_partition, text, path, fingerprint, bool(evidence),
                              meta=meta)
