"""``Classifier``: the stored weights applied directly (a sparse dot product in plain Python).

Everything that can be done once — the vocabulary dict, the per-label weight rows, the
evidence weights and their margins used for reasons — is done at load time; a message
costs normalisation, extraction, segmentation and a few hundred multiply-adds.  The
weights are read without numpy (``smsclf.npy``), which keeps import time and memory low.
"""

from __future__ import annotations

import heapq
import math
import threading
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources as _res
from pathlib import Path
from typing import Any

from smsclf import model as _model
from smsclf.evidence import Evidence
from smsclf.features import (
    FEATURE_VERSION,
    MessageFeatures,
    describe,
    evidence_feature_names,
    featurize,
)
from smsclf.tokenize import SETTINGS as TOKENIZER_SETTINGS
from smsclf.tokenize import cutter

#: How many reasons a Result carries.
N_REASONS = 6


def _floats(values) -> array:
    """A float64 ``array`` of a numpy array, an ``array('d')`` or a sequence of floats."""
    if isinstance(values, array):
        return values
    return array("d", values.tolist() if hasattr(values, "tolist") else values)


@dataclass(frozen=True, slots=True)
class Reason:
    """A feature that moved the verdict, with its contribution to the verdict's score."""

    feature: str
    contribution: float
    zh: str
    en: str

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "contribution": round(self.contribution, 6),
                "zh": self.zh, "en": self.en}


@dataclass(frozen=True, slots=True)
class Result:
    """The verdict on one message."""

    label: str
    authenticity: float
    probabilities: dict[str, float]
    evidence: list[Evidence] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "label": self.label,
            "authenticity": self.authenticity,
            "probabilities": dict(self.probabilities),
            "evidence": [e.to_dict() for e in self.evidence],
            "reasons": [r.to_dict() for r in self.reasons],
        }


class Classifier:
    """A loaded model; ``classify`` one message or ``classify_many``."""

    def __init__(self, linear: _model.LinearModel, manifest: dict[str, Any],
                 path: str | None = None) -> None:
        if manifest.get("feature_version") != FEATURE_VERSION:
            raise _model.ModelError(
                f"model built with feature version {manifest.get('feature_version')!r}, "
                f"this smsclf computes version {FEATURE_VERSION}; retrain the model"
            )
        if manifest.get("tokenizer") != TOKENIZER_SETTINGS:
            raise _model.ModelError(
                f"model needs tokenizer {manifest.get('tokenizer')!r}, "
                f"this smsclf has {TOKENIZER_SETTINGS!r}"
            )
        if tuple(linear.evidence_names) != evidence_feature_names():
            raise _model.ModelError("the model's evidence features differ from this smsclf's")
        self.linear = linear
        self.manifest = manifest
        self.path = path
        self.labels = linear.labels
        self._vocab = {t: i for i, t in enumerate(linear.vocabulary)}
        n_vocab = len(linear.vocabulary)
        rows = [_floats(row) for row in linear.coef]
        self._w_terms = [row[:n_vocab] for row in rows]  # one array('d') a label
        scale = linear.evidence_scale
        self._w_evidence = {
            name: tuple(row[n_vocab + j] * scale for row in rows)
            for j, name in enumerate(linear.evidence_names)
        }
        # an evidence feature's push towards each label (weight minus the labels' mean),
        # what the reasons report; for terms it is computed for the few terms of a message
        self._m_evidence = {name: tuple(x - sum(w) / len(w) for x in w)
                            for name, w in self._w_evidence.items()}
        self._intercept = tuple(_floats(linear.intercept))
        self._idf = _floats(linear.idf)
        self._inv_t = 1.0 / linear.temperature
        self._i_genuine = self.labels.index("genuine")
        self._i_fake = self.labels.index("fake")

    @classmethod
    def load(cls, path: str | Path) -> Classifier:
        """Load a model directory written by ``smsclf train``."""
        if not isinstance(path, (str, Path)):
            raise TypeError(f"path must be str or Path, not {type(path).__name__}")
        linear, manifest = _model.load_light(path)
        return cls(linear, manifest, str(path))

    def warm_up(self) -> None:
        """Load the tokenizer and the tables now."""
        cutter()
        self.classify("（2024）京0105民初1号 warm up")

    # -- scoring -----------------------------------------------------------------------

    def _term_vector(self, terms: list[str]) -> list[tuple[int, float]]:
        """TF-IDF of the known terms as scikit-learn computes it: (1 + log tf) * idf, L2."""
        counts: dict[int, int] = {}
        get = self._vocab.get
        for term in terms:
            j = get(term)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        idf = self._idf
        weighted = [(j, (1.0 + math.log(c)) * idf[j]) for j, c in counts.items()]
        if not weighted:
            return weighted
        norm = 1.0 / math.sqrt(sum(v * v for _, v in weighted))
        return [(j, v * norm) for j, v in weighted]

    def logits(self, features: MessageFeatures) -> list[float]:
        """Scores before the softmax (temperature applied), one a label."""
        return self._logits(features, self._term_vector(features.terms))

    def _logits(self, features: MessageFeatures, vector: list[tuple[int, float]]
                ) -> list[float]:
        z = list(self._intercept)
        for k, w in enumerate(self._w_terms):
            z[k] += sum(w[j] * v for j, v in vector)
        for name, value in features.evidence_features.items():
            for k, w in enumerate(self._w_evidence[name]):
                z[k] += w * value
        return [x * self._inv_t for x in z]

    def _result(self, features: MessageFeatures, with_reasons: bool = True) -> Result:
        vector = self._term_vector(features.terms)
        z = self._logits(features, vector)
        top = max(z)
        e = [math.exp(x - top) for x in z]
        total = sum(e)
        p = [x / total for x in e]
        k = p.index(max(p))
        pg, pf = p[self._i_genuine], p[self._i_fake]
        authenticity = pg / (pg + pf) if pg + pf > 0 else 0.5
        probabilities = dict(zip(self.labels, p, strict=True))
        reasons = self._reasons(features, k, vector) if with_reasons else []
        return Result(self.labels[k], authenticity, probabilities, features.evidence, reasons)

    def _reasons(self, features: MessageFeatures, k: int, vector: list[tuple[int, float]]
                 ) -> list[Reason]:
        """Features by how much they raised the verdict's score over the others' mean."""
        w, n, inv_t = self._w_terms, len(self._w_terms), self._inv_t
        vocab = self.linear.vocabulary
        contributions = [((w[k][j] - sum(row[j] for row in w) / n) * v * inv_t, vocab[j])
                         for j, v in vector]
        for name, value in features.evidence_features.items():
            contributions.append((self._m_evidence[name][k] * value * inv_t, name))
        out = []
        for c, name in heapq.nsmallest(N_REASONS, contributions, key=lambda c: (-c[0], c[1])):
            if c <= 0:
                break
            zh, en = describe(name)
            out.append(Reason(name, c, zh, en))
        return out

    def classify(self, text: str) -> Result:
        """The verdict on one message.  Raises TypeError for a non-str."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        return self._result(featurize(text))

    def classify_many(self, texts: Iterable[str], n_jobs: int = 1,
                      chunk_size: int = 500) -> list[Result]:
        """Verdicts in input order; ``n_jobs > 1`` spreads chunks over worker processes,
        each of which loads the model once."""
        return list(self.iter_classify(texts, n_jobs=n_jobs, chunk_size=chunk_size))

    def iter_classify(self, texts: Iterable[str], n_jobs: int = 1,
                      chunk_size: int = 500) -> Iterator[Result]:
        """Like ``classify_many`` but yields results as they come, holding at most
        ``n_jobs * chunk_size`` messages at a time."""
        if isinstance(texts, str):
            raise TypeError("texts must be an iterable of str, not a str")
        if not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
            raise ValueError(f"n_jobs must be a positive int or -1, not {n_jobs!r}")
        if n_jobs == 1:
            for text in texts:
                yield self.classify(text)
            return
        from joblib import Parallel, delayed

        if self.path is None:
            raise ValueError("n_jobs > 1 needs a model loaded from a directory")
        from joblib import effective_n_jobs

        workers = Parallel(n_jobs=n_jobs, backend="loky", return_as="generator")
        batch: list[list[str]] = []
        n_workers = effective_n_jobs(n_jobs)
        for chunk in _chunks(texts, chunk_size):
            batch.append(chunk)
            if len(batch) >= n_workers:
                yield from _flatten(workers(delayed(_classify_chunk)(self.path, c) for c in batch))
                batch = []
        if batch:
            yield from _flatten(workers(delayed(_classify_chunk)(self.path, c) for c in batch))


def _chunks(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        chunk.append(text)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _flatten(parts: Iterable[list[Result]]) -> Iterator[Result]:
    for part in parts:
        yield from part


@lru_cache(maxsize=4)
def _worker_classifier(path: str) -> Classifier:
    return Classifier.load(path)


def _classify_chunk(path: str, texts: list[str]) -> list[Result]:
    clf = _worker_classifier(path)
    return [clf.classify(t) for t in texts]


def default_model_path() -> Path:
    """The shipped model: inside the installed package, or ``models/smsclf-1`` of a checkout."""
    installed = Path(str(_res.files("smsclf") / "model_data"))
    if (installed / _model.MANIFEST_FILE).is_file():
        return installed
    return Path(__file__).resolve().parent.parent / "models" / "smsclf-1"


_default: Classifier | None = None
_default_lock = threading.Lock()


def default_classifier() -> Classifier:
    """The default model, loaded on first use, once, thread-safely."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Classifier.load(default_model_path())
    return _default
