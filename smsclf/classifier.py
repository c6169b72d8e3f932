"""``Classifier``: the stored weights applied directly (a sparse dot product in plain Python).

Everything that can be done once — the vocabulary dict, the per-label weight rows, the
evidence weights and their margins used for reasons — is done at load time; a message
costs normalisation, extraction, segmentation and a few hundred multiply-adds.  The
weights are read without numpy (``smsclf.npy``), which keeps import time and memory low.
"""

from __future__ import annotations

import gc
import hashlib
import json
import marshal
import os
import threading
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import FrozenInstanceError, dataclass
from functools import lru_cache
from importlib import resources as _res
from itertools import repeat
from operator import mul, neg, sub
from pathlib import Path
from typing import Any

from smsclf import accel as _accel
from smsclf import decisive as _decisive
from smsclf import model as _model
from smsclf import scoring as _scoring
from smsclf.evidence import Evidence
from smsclf.features import (
    FEATURE_VERSION,
    MessageFeatures,
    describe,
    evidence_feature_names,
    read_message,
    read_messages,
)
from smsclf.tokenize import SETTINGS as TOKENIZER_SETTINGS
from smsclf.tokenize import cutter

_cscore = _accel.compiled("_cscore")
#: the scoring kernel in use: compiled where built, else its pure-Python twin
Scorer = _cscore.Scorer if _cscore is not None else _scoring.Scorer

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

    def __reduce__(self):  # fields as a tuple: fast pickling (see Evidence.__reduce__)
        return Reason, (self.feature, self.contribution, self.zh, self.en)

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "contribution": round(self.contribution, 6),
                "zh": self.zh, "en": self.en}


_set = object.__setattr__


class Result:
    """The verdict on one message: ``label``, ``authenticity``, ``probabilities``,
    ``evidence`` and ``reasons``.

    Immutable.  The reasons (and, for results of worker processes, the evidence) are built
    on first access: a batch that reads only the labels does not pay for them.
    """

    __slots__ = ("label", "authenticity", "probabilities", "_evidence", "_reasons", "_lazy")

    def __init__(self, label: str, authenticity: float, probabilities: dict[str, float],
                 evidence: list[Evidence] | None = None,
                 reasons: list[Reason] | None = None) -> None:
        _set(self, "label", label)
        _set(self, "authenticity", authenticity)
        _set(self, "probabilities", probabilities)
        _set(self, "_evidence", [] if evidence is None else evidence)
        _set(self, "_reasons", [] if reasons is None else reasons)
        _set(self, "_lazy", None)

    @classmethod
    def _deferred(cls, label: str, authenticity: float, probabilities: dict[str, float],
                  evidence: list[Evidence] | Callable[[], list[Evidence]],
                  reasons: Callable[[], list[Reason]]) -> Result:
        """A result whose reasons come from ``reasons()`` on first access, and so does
        its evidence when ``evidence`` is a function."""
        self = _new(cls)
        _set_label(self, label)  # the slots' own setters: a third of object.__setattr__'s cost
        _set_authenticity(self, authenticity)
        _set_probabilities(self, probabilities)
        if callable(evidence):
            _set_evidence(self, None)
            _set_lazy(self, (evidence, reasons))
        else:
            _set_evidence(self, evidence)
            _set_lazy(self, (None, reasons))
        _set_reasons(self, None)
        return self

    @property
    def evidence(self) -> list[Evidence]:
        """What was found in the message, by position."""
        if self._evidence is None:
            _set(self, "_evidence", self._lazy[0]())
        return self._evidence

    @property
    def reasons(self) -> list[Reason]:
        """The features that moved the verdict most, largest first."""
        if self._reasons is None:
            _set(self, "_reasons", self._lazy[1]())
        return self._reasons

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self):  # the fields, built: a pickle never holds a model
        return Result, (self.label, self.authenticity, self.probabilities, self.evidence,
                        self.reasons)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Result:
            return NotImplemented
        return (self.label, self.authenticity, self.probabilities, self.evidence,
                self.reasons) == (other.label, other.authenticity, other.probabilities,
                                  other.evidence, other.reasons)

    __hash__ = None  # type: ignore[assignment]  # probabilities is a dict

    def __repr__(self) -> str:
        return (f"Result(label={self.label!r}, authenticity={self.authenticity!r}, "
                f"probabilities={self.probabilities!r}, evidence={self.evidence!r}, "
                f"reasons={self.reasons!r})")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "label": self.label,
            "authenticity": self.authenticity,
            "probabilities": dict(self.probabilities),
            "evidence": [e.to_dict() for e in self.evidence],
            "reasons": [r.to_dict() for r in self.reasons],
        }


_new = object.__new__
_set_label, _set_authenticity, _set_probabilities, _set_evidence, _set_reasons, _set_lazy = (
    Result.__dict__[name].__set__ for name in Result.__slots__)

#: A scored message: (label index, probabilities, terms, tf, norm, evidence features,
#: decisive marks, the marks' log-odds shift)
_Verdict = tuple
#: What a worker sends back for one message: (label index, probabilities, the evidence
#: and the rest of the verdict, each as ``marshal`` bytes, unpacked only when read).
#: Small and flat, so that the calling process, which unpickles every result, spends a
#: few microseconds a message, not the tens that nested dicts and lists cost
_Compact = tuple[int, list[float], bytes, bytes]


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
        args = (self._unigrams, self._bigrams, self._w_terms, self._idf2, self._intercept,
                self._w_evidence)
        #: the pure-Python kernel (``logits``) and the one that scores: its compiled twin
        #: where built (``smsclf.accel``)
        self._pure = _scoring.Scorer(*args)
        self._scorer = self._pure if Scorer is _scoring.Scorer else Scorer(*args)

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

    def logits(self, features: MessageFeatures) -> list[float]:
        """Scores before the softmax (temperature applied), one a label; the decisive-mark
        layer (``smsclf.decisive``) applies to the probabilities after it."""
        js, tf, norm = self._pure.terms(features.tokens)
        return self._pure.logits(js, tf, norm, features.evidence_features)

    def _verdict(self, tokens: list[str], values: dict[str, float]) -> _Verdict:
        """A message scored."""
        js, tf, norm, p = self._scorer.score(tokens, values)
        marks = _decisive.marks_in(values) if values else ()
        shift = 0.0
        if marks:
            ig, i_fake = self._i_genuine, self._i_fake
            p[ig], p[i_fake], shift = _decisive.cap(p[ig], p[i_fake])
        return p.index(max(p)), p, js, tf, norm, values, marks, shift

    def _result(self, k: int, p: list[float],
                evidence: list[Evidence] | Callable[[], list[Evidence]],
                reasons: Callable[[], list[Reason]]) -> Result:
        pg, pf = p[self._i_genuine], p[self._i_fake]
        authenticity = pg / (pg + pf) if pg + pf > 0 else 0.5
        return Result._deferred(self.labels[k], authenticity,
                                dict(zip(self.labels, p, strict=True)), evidence, reasons)

    def _build(self, verdict: _Verdict, evidence: list[Evidence]) -> Result:
        """The Result of a verdict, its reasons built on access."""
        k, p, *rest = verdict
        return self._result(k, p, evidence, lambda: self._reasons(k, *rest))

    def _unpack(self, compact: _Compact) -> Result:
        """The Result of a worker's compact verdict, evidence and reasons built on access."""
        k, p, evidence, rest = compact
        return self._result(
            k, p, lambda: [Evidence(*fields) for fields in marshal.loads(evidence)],
            lambda: self._reasons(k, *_from_marshal(rest)))

    def _reasons(self, k: int, js: Sequence[int], tf: Sequence[float] | None, norm: float,
                 evidence_values: dict[str, float], marks: tuple[str, ...], shift: float
                 ) -> list[Reason]:
        """Features by how much they raised the verdict's score over the others' mean;
        ties go to the feature whose name sorts first.  Where a decisive mark overruled
        the model, the mark comes first."""
        margins = [self._m_terms[k][j] for j in js]
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
        if shift > 0 and k == self._i_fake:  # the mark decided: it comes first
            zh, en = describe(marks[0])
            out.append(Reason(f"decisive:{marks[0]}", shift, f"决定性标记：{zh}",
                              f"decisive mark: {en}"))
        for c, name in found[:N_REASONS - len(out)]:
            zh, en = describe(name)
            out.append(Reason(name, -c, zh, en))
        return out

    def classify(self, text: str) -> Result:
        """The verdict on one message.  Raises TypeError for a non-str."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        _, evidence, tokens, values = read_message(text)
        return self._build(self._verdict(tokens, values), evidence)

    def _verdicts(self, texts: list[str]) -> tuple[list[list[Evidence]], list[_Verdict]]:
        """A batch read stage by stage (``read_messages``), then scored."""
        _, found, tokens, values = read_messages(texts)
        return found, list(map(self._verdict, tokens, values))

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
            for chunk in _chunks(texts, chunk_size):
                with _collector_paused():
                    results = list(map(self._build, *reversed(self._verdicts(chunk))))
                yield from results
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
        # workers send compact tuples (``_Compact``), rebuilt here into lazy Results
        pending: deque[Future[list[_Compact]]] = deque()
        unpack = self._unpack
        for chunk in _chunks(texts, chunk_size):
            if len(pending) >= 2 * n_workers:
                yield from map(unpack, pending.popleft().result())
            pending.append(executor.submit(_classify_chunk, self.path, self.fingerprint,
                                           chunk))
        while pending:
            yield from map(unpack, pending.popleft().result())


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a chunk is scored (never while the caller's
    code runs).  A chunk makes thousands of objects that live on as results, none of them
    in a cycle: each of them would otherwise set off collections that walk every result
    made so far (a quarter of the batch's time, measured).  Reference counting still frees
    everything; a collector the caller turned off stays off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


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


def _classify_chunk(path: str, fingerprint: str, texts: list[str]) -> list[_Compact]:
    """A worker's share: compact verdicts (``_Compact``); the reasons are left to whoever
    reads them."""
    dumps = marshal.dumps
    with _collector_paused():
        found, verdicts = _worker_classifier(path, fingerprint)._verdicts(texts)
        return [(k, p, dumps([(e.kind, e.start, e.end, e.text, e.details) for e in evidence]),
                 dumps((js.tobytes(), None if tf is None else tf.tobytes(), *rest)))
                for (k, p, js, tf, *rest), evidence in zip(verdicts, found, strict=True)]


def _from_marshal(data: bytes) -> tuple:
    """The rest of a verdict as ``_classify_chunk`` marshalled it (arrays as bytes)."""
    js, tf, *rest = marshal.loads(data)
    terms = array("i")
    terms.frombytes(js)
    if tf is not None:
        tf, weights = array("d"), tf
        tf.frombytes(weights)
    return terms, tf, *rest


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


def resolve_model(model: str | os.PathLike[str] | Classifier | None) -> Classifier:
    """A model as ``classify_frame``, ``smsclf.dask`` and ``SmsClassifier.from_model`` take
    one: a model directory (read with ``Classifier.load``'s checks), a loaded
    ``Classifier``, or None for the shipped model."""
    if model is None:
        return default_classifier()
    if isinstance(model, Classifier):
        return model
    if isinstance(model, (str, os.PathLike)):
        return Classifier.load(Path(model))
    raise TypeError(f"model must be a model directory or a Classifier, not "
                    f"{type(model).__name__}")
