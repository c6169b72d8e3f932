"""Evaluation measures, in numpy only: per-label P/R/F1, confusion, log-loss, Brier score,
expected calibration error, and the two errors that hurt people most."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from smsclf.model import LABELS


def reliability_table(confidence: np.ndarray, correct: np.ndarray, n_bins: int = 10
                      ) -> list[dict[str, float]]:
    """Per confidence bin: count, mean confidence, accuracy."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        mask = (confidence > lo) & (confidence <= hi) if lo > 0 else (confidence <= hi)
        n = int(mask.sum())
        rows.append({
            "bin": f"{lo:.1f}-{hi:.1f}",
            "count": n,
            "confidence": float(confidence[mask].mean()) if n else 0.0,
            "accuracy": float(correct[mask].mean()) if n else 0.0,
        })
    return rows


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray,
                               n_bins: int = 10) -> float:
    """Weighted mean |accuracy - confidence| over equal-width confidence bins."""
    n = len(confidence)
    if n == 0:
        return 0.0
    table = reliability_table(confidence, correct, n_bins)
    return float(sum(r["count"] / n * abs(r["accuracy"] - r["confidence"]) for r in table))


def evaluate(y_true: Sequence[str], proba: np.ndarray, labels: Sequence[str] = LABELS
             ) -> dict[str, Any]:
    """All measures for true labels and predicted probabilities (columns in ``labels``)."""
    labels = list(labels)
    index = {label: i for i, label in enumerate(labels)}
    y = np.array([index[t] for t in y_true], dtype=int)
    proba = np.asarray(proba, dtype=np.float64)
    pred = proba.argmax(axis=1)
    n, k = proba.shape
    confusion = np.zeros((k, k), dtype=int)
    np.add.at(confusion, (y, pred), 1)
    per_label = {}
    for i, label in enumerate(labels):
        tp = confusion[i, i]
        p = tp / confusion[:, i].sum() if confusion[:, i].sum() else 0.0
        r = tp / confusion[i].sum() if confusion[i].sum() else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        per_label[label] = {"precision": float(p), "recall": float(r), "f1": float(f1),
                            "support": int(confusion[i].sum())}
    onehot = np.eye(k)[y]
    clipped = np.clip(proba, 1e-15, 1.0)
    confidence = proba.max(axis=1)
    correct = (pred == y).astype(float)
    out: dict[str, Any] = {
        "n": int(n),
        "accuracy": float(correct.mean()) if n else 0.0,
        "macro_f1": float(np.mean([v["f1"] for v in per_label.values()])),
        "per_label": per_label,
        "labels": labels,
        "confusion": confusion.tolist(),
        "log_loss": float(-np.mean(np.log(clipped[np.arange(n), y]))) if n else 0.0,
        "brier": float(np.mean(np.sum((proba - onehot) ** 2, axis=1))) if n else 0.0,
        "ece": expected_calibration_error(confidence, correct),
        "reliability": reliability_table(confidence, correct),
    }
    if "genuine" in index and "fake" in index:
        g, f = index["genuine"], index["fake"]
        n_fake, n_genuine = confusion[f].sum(), confusion[g].sum()
        out["fake_called_genuine"] = float(confusion[f, g] / n_fake) if n_fake else 0.0
        out["genuine_called_fake"] = float(confusion[g, f] / n_genuine) if n_genuine else 0.0
    return out


def format_report(m: dict[str, Any], title: str = "") -> str:
    """A readable text report of ``evaluate``'s output."""
    lines = [title] if title else []
    lines.append(f"{'label':<10} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
    for label, v in m["per_label"].items():
        lines.append(f"{label:<10} {v['precision']:>9.3f} {v['recall']:>7.3f} {v['f1']:>6.3f} "
                     f"{v['support']:>8d}")
    lines.append(f"macro-F1 {m['macro_f1']:.4f}   accuracy {m['accuracy']:.4f}   "
                 f"log-loss {m['log_loss']:.4f}   Brier {m['brier']:.4f}   ECE {m['ece']:.4f}")
    if "fake_called_genuine" in m:
        lines.append(f"fake called genuine {m['fake_called_genuine']:.2%} of fakes;   "
                     f"genuine called fake {m['genuine_called_fake']:.2%} of genuine")
    labels = m["labels"]
    lines.append("confusion (rows true, columns predicted): " + " ".join(labels))
    for label, row in zip(labels, m["confusion"], strict=True):
        lines.append(f"  {label:<10} " + " ".join(f"{x:>6d}" for x in row))
    return "\n".join(lines)
