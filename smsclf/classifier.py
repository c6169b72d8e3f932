"""``Classifier``: the stored weights applied directly (a sparse dot product in plain Python).

Everything that can be done once — the vocabulary dict, the per-label weight rows, the
evidence weights and their margins used for reasons — is done at load time; a message
costs normalisation, extraction, segmentation and a few hundred multiply-adds.  The
weights are read without numpy (``smsclf.npy``), which keeps import time and memory low.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources as _res
from itertools import repeat
from operator import itemgetter, mul, neg, sub
from pathlib import Path
from typing import Any

from smsclf import decisive as _decisive
from smsclf import model as _model
from smsclf.evidence import Evidence
from smsclf.features import (
    FEATURE_VERSION,
    MessageFeatures,
    describe,
    evidence_feature_names,
    read_message,
)
from smsclf.tokenize import SETTINGS as TOKENIZER_SETTINGS
from smsclf.tokenize import cutter

#: How many reasons a Result carries.
N_REASONS = 6

#: A message's terms: (vocabulary indices, a getter of those indices from a sequence,
#: 1 + log(tf) of each or None when all are 1, the inverse of the L2 norm)
_TermVector = tuple[list[int], Callable[[Sequence[float]], Sequence[float]],
                    list[float] | None, float]


def _getter(js: list[int]) -> Callable[[Sequence[float]], Sequence[float]]:
    """``seq -> (seq[j] for j in js)`` as a tuple, in one C call (``itemgetter``)."""
    if len(js) == 1:
        j = js[0]
        return lambda seq: (seq[j],)
    return itemgetter(*js)


def _none(seq: Sequence[float]) -> tuple[float, ...]:
    return ()


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

    def __reduce__(self):  # fields as a tuple: fast pickling (see Evidence.__reduce__)
        return Reason, (self.feature, self.contribution, self.zh, self.en)

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

    def __reduce__(self):  # fields as a tuple: fast pickling (see Evidence.__reduce__)
        return Result, (self.label, self.authenticity, self.probabilities, self.evidence,
                        self.reasons)

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
        where = f"{path}: " if path else ""
        if manifest.get("feature_version") != FEATURE_VERSION:
            raise _model.ModelError(
                f"{where}model built with feature version {manifest.get('feature_version')!r}, "
                f"this smsclf computes version {FEATURE_VERSION}; retrain the model"
            )
        if manifest.get("tokenizer") != TOKENIZER_SETTINGS:
            raise _model.ModelError(
                f"{where}model needs tokenizer {manifest.get('tokenizer')!r}, "
                f"this smsclf has {TOKENIZER_SETTINGS!r}"
            )
        if tuple(linear.evidence_names) != evidence_feature_names():
            raise _model.ModelError(f"{where}the model's evidence features differ from this "
                                    "smsclf's; retrain the model")
        self.linear = linear
        self.manifest = manifest
        self.path = path
        #: what workers check before using a model they load from ``path``: the manifest
        #: names the arrays' hash, so equal manifests mean the same model
        self.fingerprint = hashlib.sha256(
            json.dumps(manifest, sort_keys=True, ensure_ascii=True).encode()).hexdigest()
        self.labels = linear.labels
        # unigrams and bigrams keyed by their text, so a message's tokens are looked up
        # without building the "w:"/"b:" feature names
        self._unigrams: dict[str, int] = {}
        self._bigrams: dict[str, int] = {}
        for j, name in enumerate(linear.vocabulary):
            (self._unigrams if name.startswith("w:") else self._bigrams)[name[2:]] = j
        n_vocab = len(linear.vocabulary)
        inv_t = 1.0 / linear.temperature
        rows = [_floats(row) for row in linear.coef]
        idf = _floats(linear.idf)
        # a term counted once contributes idf * weight before the L2 norm: that product is
        # stored (temperature folded in), one array('d') a label; arrays, not lists of
        # floats, for a quarter of the memory (and built without lists, for the peak)
        self._w_terms = [array("d", map(mul, map(mul, row[:n_vocab], idf), repeat(inv_t)))
                         for row in rows]
        self._idf2 = array("d", map(mul, idf, idf))
        scale = linear.evidence_scale * inv_t
        self._w_evidence = {
            name: tuple(row[n_vocab + j] * scale for row in rows)
            for j, name in enumerate(linear.evidence_names)
        }
        # a feature's push towards each label (weight minus the labels' mean) is what the
        # reasons report: kept a label for terms, a feature for evidence
        n_labels = len(rows)
        mean = array("d", (sum(col) / n_labels for col in zip(*self._w_terms, strict=True)))
        self._m_terms = [array("d", map(sub, w, mean)) for w in self._w_terms]
        self._m_evidence = {name: tuple(x - sum(w) / len(w) for x in w)
                            for name, w in self._w_evidence.items()}
        self._intercept = tuple(x * inv_t for x in _floats(linear.intercept))
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

    def _term_vector(self, tokens: list[str]) -> _TermVector:
        """The message's known unigrams and bigrams as scikit-learn's sublinear, L2-normed
        TF-IDF sees them: (vocabulary indices in first-seen order, a getter of those
        indices, their 1 + log(tf) or None when every term occurs once, the L2 norm's
        inverse)."""
        found = [j for j in map(self._unigrams.get, tokens) if j is not None]
        if len(tokens) > 1:
            pairs = map(" ".join, zip(tokens, tokens[1:], strict=False))
            found += [j for j in map(self._bigrams.get, pairs) if j is not None]
        if not found:
            return [], _none, None, 0.0
        counts = dict.fromkeys(found, 0)
        if len(counts) == len(found):  # the usual case: each term once, tf weight 1
            get = _getter(found)
            return found, get, None, 1.0 / math.sqrt(sum(get(self._idf2)))
        for j in found:
            counts[j] += 1
        js = list(counts)
        get = _getter(js)
        tf = [1.0 + math.log(c) for c in counts.values()]
        squares = map(mul, get(self._idf2), map(mul, tf, tf))
        return js, get, tf, 1.0 / math.sqrt(sum(squares))

    def logits(self, features: MessageFeatures) -> list[float]:
        """Scores before the softmax (temperature applied), one a label; the decisive-mark
        layer (``smsclf.decisive``) applies to the probabilities after it."""
        return self._logits(self._term_vector(features.tokens), features.evidence_features)

    def _logits(self, vector: _TermVector, evidence: dict[str, float]) -> list[float]:
        _, get, tf, norm = vector
        z = list(self._intercept)
        for k, w in enumerate(self._w_terms):
            if tf is None:
                z[k] += sum(get(w)) * norm
            else:
                z[k] += sum(map(mul, get(w), tf)) * norm
        w_evidence = self._w_evidence
        for name, value in evidence.items():
            for k, w in enumerate(w_evidence[name]):
                z[k] += w * value
        return z

    def _result(self, evidence: list[Evidence], tokens: list[str],
                evidence_values: dict[str, float]) -> Result:
        vector = self._term_vector(tokens)
        z = self._logits(vector, evidence_values)
        top = max(z)
        e = [math.exp(x - top) for x in z]
        total = sum(e)
        p = [x / total for x in e]
        k = p.index(max(p))
        ig, i_fake = self._i_genuine, self._i_fake
        marks = _decisive.marks_in(evidence_values) if evidence_values else ()
        shift = 0.0
        if marks:
            p[ig], p[i_fake], shift = _decisive.cap(p[ig], p[i_fake])
            k = p.index(max(p))
        pg, pf = p[ig], p[i_fake]
        authenticity = pg / (pg + pf) if pg + pf > 0 else 0.5
        probabilities = dict(zip(self.labels, p, strict=True))
        reasons = self._reasons(k, vector, evidence_values)
        if shift > 0 and k == i_fake:  # the mark decided: it comes first
            zh, en = describe(marks[0])
            reasons = [Reason(f"decisive:{marks[0]}", shift, f"决定性标记：{zh}",
                              f"decisive mark: {en}"), *reasons][:N_REASONS]
        return Result(self.labels[k], authenticity, probabilities, evidence, reasons)

    def _reasons(self, k: int, vector: _TermVector, evidence_values: dict[str, float]
                 ) -> list[Reason]:
        """Features by how much they raised the verdict's score over the others' mean;
        ties go to the feature whose name sorts first."""
        js, get, tf, norm = vector
        margins = get(self._m_terms[k])
        if tf is not None:
            margins = map(mul, margins, tf)
        # the terms' best few: most negative first after negation; equal ones by index,
        # which is name order (the vocabulary is sorted)
        best = sorted(zip(map(neg, margins), js, strict=True))[:N_REASONS]
        vocab = self.linear.vocabulary
        # (minus the contribution, name): sorting these puts the largest first, ties by name
        found = [(c * norm, vocab[j]) for c, j in best if c < 0]
        m_evidence = self._m_evidence
        for name, value in evidence_values.items():
            c = m_evidence[name][k] * value
            if c > 0:
                found.append((-c, name))
        found.sort()
        out = []
        for c, name in found[:N_REASONS]:
            zh, en = describe(name)
            out.append(Reason(name, -c, zh, en))
        return out

    def classify(self, text: str) -> Result:
        """The verdict on one message.  Raises TypeError for a non-str."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        _, evidence, tokens, values = read_message(text)
        return self._result(evidence, tokens, values)

    def classify_many(self, texts: Iterable[str], n_jobs: int = 1,
                      chunk_size: int = 500) -> list[Result]:
        """Verdicts in input order; ``n_jobs > 1`` spreads chunks over worker processes,
        each of which loads the model once."""
        return list(self.iter_classify(texts, n_jobs=n_jobs, chunk_size=chunk_size))

    def iter_classify(self, texts: Iterable[str], n_jobs: int = 1,
                      chunk_size: int = 500) -> Iterator[Result]:
        """Like ``classify_many`` but yields results as they come.  With ``n_jobs > 1`` it
        holds at most ``(2 * workers + 1) * chunk_size`` messages and results at a time."""
        if isinstance(texts, str):
            raise TypeError("texts must be an iterable of str, not a str")
        if not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
            raise ValueError(f"n_jobs must be a positive int or -1, not {n_jobs!r}")
        if not isinstance(chunk_size, int) or chunk_size < 1:
            raise ValueError(f"chunk_size must be a positive int, not {chunk_size!r}")
        if n_jobs == 1:
            for text in texts:
                yield self.classify(text)
            return
        if self.path is None:
            raise ValueError("n_jobs > 1 needs a model loaded from a directory")
        from joblib import effective_n_jobs
        from joblib.externals.loky import get_reusable_executor

        n_workers = effective_n_jobs(n_jobs)
        executor = get_reusable_executor(max_workers=n_workers, initializer=_watch_parent,
                                         initargs=(os.getpid(),))
        # a window of 2 chunks a worker: workers never wait for the reader, and no more
        # than 2 * n_workers chunks are held, whatever the speed of the reader
        pending: deque[Future[list[Result]]] = deque()
        for chunk in _chunks(texts, chunk_size):
            if len(pending) >= 2 * n_workers:
                yield from pending.popleft().result()
            pending.append(executor.submit(_classify_chunk, self.path, self.fingerprint,
                                           chunk))
        while pending:
            yield from pending.popleft().result()


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


@lru_cache(maxsize=4)
def _worker_classifier(path: str, fingerprint: str) -> Classifier:
    """A worker's model, cached by path *and* content: a folder replaced by a new model
    gives a new key, so a reused worker never serves the old one."""
    clf = Classifier.load(path)
    if clf.fingerprint != fingerprint:
        raise _model.ModelError(f"{path}: the model changed since it was loaded; load it again")
    return clf


def _classify_chunk(path: str, fingerprint: str, texts: list[str]) -> list[Result]:
    clf = _worker_classifier(path, fingerprint)
    return [clf.classify(t) for t in texts]


#: How often a worker checks that the process that started it is still alive (seconds).
PARENT_CHECK_INTERVAL = 0.5


def _watch_parent(parent_pid: int) -> None:
    """Worker initializer: end this worker when its parent is gone (killed parents otherwise
    leave reusable workers waiting on a queue no one reads)."""

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_INTERVAL)
            if os.getppid() != parent_pid:  # re-parented: the parent has died
                os._exit(0)

    threading.Thread(target=watch, name="smsclf-parent-watch", daemon=True).start()


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
