"""``classify_frame``: the verdicts on a pandas DataFrame's column of messages, as columns.

pandas is an optional extra (``pip install 'smsclf[pandas]'``) imported only here, and
only when ``classify_frame`` is called: ``import smsclf`` stays light without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from smsclf.classifier import Classifier, Result

#: The columns added to the frame, in order (``evidence`` only with ``evidence=True``).
RESULT_COLUMNS = ("label", "authenticity", "p_genuine", "p_fake", "p_unrelated", "evidence")


def _pandas():
    try:
        import pandas
    except ImportError as exc:
        raise ImportError("smsclf.classify_frame needs pandas: pip install 'smsclf[pandas]'"
                          ) from exc
    return pandas


def _texts(column: pd.Series, text: Any) -> list[str]:
    """The messages, or a TypeError naming the first row that is not a str: a missing
    message (NaN, None, pd.NA) has no verdict, and a row silently left without one would
    pass unnoticed into counts and joins."""
    values = column.tolist()
    bad = [i for i, v in enumerate(values) if not isinstance(v, str)]
    if bad:
        i = bad[0]
        value = values[i]
        shown = repr(value)
        what = f"{type(value).__name__} {shown if len(shown) <= 40 else shown[:37] + '...'}"
        raise TypeError(
            f"column {text!r}: row {column.index[i]!r} (position {i}) is {what}, not a str "
            f"({len(bad)} of {len(values)} rows are not str); drop missing messages first "
            f"(df.dropna(subset=[{text!r}])) or fill them (.fillna(''))")
    return values


def evidence_cell(result: Result) -> list[str]:
    """A result's evidence as the ``evidence`` column holds it: ``"kind:text"`` strings."""
    return [f"{e.kind}:{e.text}" for e in result.evidence]


def record(result: Result, evidence: bool = True) -> dict[str, Any]:
    """A result as the values of the columns ``classify_frame`` adds (``smsclf.dask``'s
    bag elements)."""
    p = result.probabilities
    out = {"label": result.label, "authenticity": result.authenticity,
           "p_genuine": p["genuine"], "p_fake": p["fake"], "p_unrelated": p["unrelated"]}
    if evidence:
        out["evidence"] = evidence_cell(result)
    return out


def classify_frame(df: pd.DataFrame | pd.Series, text: Any = "text", *,
                   model: str | Path | Classifier | None = None, n_jobs: int = 1,
                   evidence: bool = True) -> pd.DataFrame:
    """A copy of ``df`` (its index and every column, in order) with the verdict on each
    message of column ``text`` added: ``label``, ``authenticity``, ``p_genuine``,
    ``p_fake``, ``p_unrelated`` and, with ``evidence``, ``evidence``: a list of
    ``"kind:text"`` strings (``"channel:13912345678"``), in the order found.

    ``df`` may also be a Series of messages (its name, or ``text``, names its column).
    ``model`` is a model directory or a loaded ``Classifier`` (default: the shipped model);
    ``n_jobs > 1`` spreads the messages over worker processes (``Classifier.classify_many``).

    Raises KeyError for a missing ``text`` column, TypeError for a value that is not a str
    (NaN and None included: drop or fill them first) and ValueError when ``df`` already has
    a column of the result's names (rename it: nothing is overwritten).
    """
    pd = _pandas()
    if isinstance(df, pd.Series):
        df = df.to_frame(name=df.name if df.name is not None else text)
        text = df.columns[0]
    elif not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame or Series, not {type(df).__name__}")
    if text not in df.columns:
        raise KeyError(f"no column {text!r} in the frame; its columns: {list(df.columns)!r}")
    column = df[text]
    if isinstance(column, pd.DataFrame):
        raise ValueError(f"the frame has {column.shape[1]} columns named {text!r}; "
                         "give the messages one column")
    added = [c for c in RESULT_COLUMNS if evidence or c != "evidence"]
    taken = [c for c in added if c in df.columns]
    if taken:
        raise ValueError(
            f"the frame already has column(s) {', '.join(map(repr, taken))}, which "
            f"classify_frame adds; rename them first, e.g. "
            f"df.rename(columns={{{taken[0]!r}: {'input_' + taken[0]!r}}})")
    texts = _texts(column, text)
    from smsclf.classifier import resolve_model

    clf = resolve_model(model)
    results = clf.classify_many(texts, n_jobs=n_jobs)
    out = df.copy()
    # values as arrays, not Series: placed by position, so any index (repeated labels,
    # a MultiIndex) is kept as it is, with no alignment
    out["label"] = pd.array([r.label for r in results], dtype=str)
    out["authenticity"] = pd.array([r.authenticity for r in results], dtype="float64")
    for k in ("genuine", "fake", "unrelated"):
        out[f"p_{k}"] = pd.array([r.probabilities[k] for r in results], dtype="float64")
    if evidence:
        import numpy as np

        cells = np.empty(len(results), dtype=object)
        for i, r in enumerate(results):  # one by one: numpy would make lists a 2-d array
            cells[i] = evidence_cell(r)
        out["evidence"] = cells
    return out
