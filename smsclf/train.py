"""Training: TF-IDF terms plus evidence features, multinomial logistic regression, the
regularisation chosen on a dev split, temperature scaling fitted there too.

scikit-learn is needed here only; classifying needs neither it nor numpy.
Training is deterministic: on one machine the same data and settings give byte-identical
model files; on another CPU the solver, run to a tight tolerance, gives the same verdicts and
probabilities within 1e-6 (the last bits of the weights follow the floating-point kernels).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from smsclf import corpora as _corpora
from smsclf import decisive as _decisive
from smsclf import model as _model
from smsclf.data_io import DataError, Example, read_labelled
from smsclf.features import FEATURE_VERSION, MessageFeatures, evidence_feature_names, featurize
from smsclf.metrics import evaluate
from smsclf.progress import Progress, Silent
from smsclf.recognizers.case_number import reference_year
from smsclf.safe_write import check_output_dir, write_model_dir
from smsclf.tokenize import SETTINGS as TOKENIZER_SETTINGS

#: The grids searched on the dev messages.  With real text and the claim features in the
#: training data, the dev optimum sat at the old grids' edges (C=100, scale 0.5), so they reach
#: further: weaker regularisation, a lighter evidence block.
C_GRID = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)
EVIDENCE_SCALES = (0.25, 0.5, 1.0)
TEMPERATURES = tuple(float(t) for t in np.round(np.exp(np.linspace(-1.2, 1.2, 49)), 6))
DEV_FRACTION = 0.15
F1_TOLERANCE = 0.005
#: Newton-CG with the gradient driven to |g|max <= SOLVER_TOL: the optimum is unique (the
#: loss is strictly convex in the weights), so a solver run to this precision lands on it
#: whatever the machine's floating-point kernels.  lbfgs stops on a relative decrease of the
#: loss long before (its ftol is fixed in scikit-learn), leaving coefficients that differed by
#: 4e-5 between two CPUs' kernels; Newton-CG at 1e-10 differs by ~1e-10 in probabilities.
SOLVER = "newton-cg"
SOLVER_TOL = 1e-10
SOLVER_MAX_ITER = 200


@dataclass
class Trained:
    """A fitted model with the scikit-learn objects it came from."""

    linear: _model.LinearModel
    vectorizer: Any
    estimator: Any
    selection: list[dict[str, float]]
    dev_metrics: dict[str, Any]


def _identity(x: list[str]) -> list[str]:
    return x


def evidence_matrix(features: list[MessageFeatures]):
    """Sparse (n, E) matrix of the evidence features."""
    from scipy import sparse

    index = {name: j for j, name in enumerate(evidence_feature_names())}
    rows, cols, vals = [], [], []
    for i, f in enumerate(features):
        for name, v in sorted(f.evidence_features.items()):
            rows.append(i)
            cols.append(index[name])
            vals.append(v)
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(features), len(index)),
                             dtype=np.float64)


def _design(vectorizer, features: list[MessageFeatures], scale: float):
    from scipy import sparse

    terms = vectorizer.transform([f.terms for f in features])
    return sparse.hstack([terms, evidence_matrix(features) * scale], format="csr")


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def _ordered(estimator) -> list[int]:
    classes = [str(c) for c in estimator.classes_]
    return [classes.index(label) for label in _model.LABELS]


def predict_proba(trained: Trained, features: list[MessageFeatures]) -> np.ndarray:
    """Probabilities through the scikit-learn objects (the reference for the fast path)."""
    x = _design(trained.vectorizer, features, trained.linear.evidence_scale)
    z = trained.estimator.decision_function(x)[:, _ordered(trained.estimator)]
    return apply_decisive_marks(_softmax(z / trained.linear.temperature), features)


def apply_decisive_marks(proba: np.ndarray, features: list[MessageFeatures]) -> np.ndarray:
    """The rule layer of ``smsclf.decisive`` over rows of probabilities (labels in
    model.LABELS order), as ``Classifier.classify`` applies it."""
    out = proba.copy()
    ig, i_fake = _model.LABELS.index("genuine"), _model.LABELS.index("fake")
    for row, f in zip(out, features, strict=True):
        if _decisive.marks_in(f.evidence_features):
            row[ig], row[i_fake], _ = _decisive.cap(float(row[ig]), float(row[i_fake]))
    return out


def _featurize_all(examples: list[Example], progress: Progress, what: str
                   ) -> list[MessageFeatures]:
    return [featurize(e.text) for e in progress.bar(examples, len(examples), what)]


def fit(train: list[Example], dev: list[Example], c_grid=C_GRID, scales=EVIDENCE_SCALES,
        min_df: int = 2, progress: Progress | None = None,
        real_text: list[Example] | None = None) -> Trained:
    """Fit on ``train`` and ``real_text``, choosing C and the evidence scale on ``dev``.  The
    vocabulary (and its idf) comes from ``train``: real text only teaches the weights of
    those terms, so its own vocabulary does not double the model."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    progress = progress or Silent()
    progress.stage(f"features of {len(train):,} training and {len(dev):,} dev messages"
                   + (f" and {len(real_text):,} real-text sentences" if real_text else ""))
    f_train = _featurize_all(train, progress, "training features")
    n_messages = len(f_train)
    if real_text:
        f_train += _featurize_all(real_text, progress, "real-text features")
        train = [*train, *real_text]
    f_dev = _featurize_all(dev, progress, "dev features")
    y_train = [e.label for e in train]
    y_dev = [e.label for e in dev]
    vectorizer = TfidfVectorizer(analyzer=_identity, min_df=min_df, sublinear_tf=True,
                                 norm="l2", dtype=np.float64)
    vectorizer.fit([f.terms for f in f_train[:n_messages]])
    selection: list[dict[str, float]] = []
    fitted: dict[tuple[float, float], Any] = {}
    n_points = len(scales) * len(c_grid)
    for scale in scales:
        x_train = _design(vectorizer, f_train, scale)
        x_dev = _design(vectorizer, f_dev, scale)
        for c in c_grid:
            est = LogisticRegression(C=c, solver=SOLVER, tol=SOLVER_TOL,
                                     max_iter=SOLVER_MAX_ITER)
            est.fit(x_train, y_train)
            proba = _softmax(est.decision_function(x_dev)[:, _ordered(est)])
            m = evaluate(y_dev, proba)
            row = {"C": c, "evidence_scale": scale, "dev_macro_f1": round(m["macro_f1"], 6),
                   "dev_log_loss": round(m["log_loss"], 6)}
            selection.append(row)
            fitted[(c, scale)] = est
            progress.stage(f"grid point {len(selection)}/{n_points}: C={c:g} evidence scale "
                           f"{scale:g}: dev macro-F1 {m['macro_f1']:.4f}, log-loss "
                           f"{m['log_loss']:.4f} ({int(max(est.n_iter_))} solver iterations)")
    # the most regularised setting within F1_TOLERANCE of the best dev macro-F1: the simplest
    # model that does as well generalises best to messages unlike the training set
    top = max(r["dev_macro_f1"] for r in selection)
    chosen = min((r for r in selection if r["dev_macro_f1"] >= top - F1_TOLERANCE),
                 key=lambda r: (r["C"], r["dev_log_loss"]))
    c, scale = chosen["C"], chosen["evidence_scale"]
    est = fitted[(c, scale)]
    z_dev = est.decision_function(_design(vectorizer, f_dev, scale))[:, _ordered(est)]
    progress.stage(f"chosen C={c:g}, evidence scale {scale:g}; fitting the temperature")
    temperature = min(TEMPERATURES, key=lambda t: evaluate(y_dev, _softmax(z_dev / t))["log_loss"])
    order = _ordered(est)
    linear = _model.LinearModel(
        labels=_model.LABELS,
        vocabulary=tuple(vectorizer.get_feature_names_out().tolist()),
        idf=vectorizer.idf_.astype(np.float64),
        evidence_names=evidence_feature_names(),
        coef=est.coef_[order].astype(np.float64),
        intercept=est.intercept_[order].astype(np.float64),
        evidence_scale=float(scale),
        temperature=float(temperature),
    )
    trained = Trained(linear, vectorizer, est, selection, {})
    trained.dev_metrics = evaluate(y_dev, predict_proba(trained, f_dev))
    return trained


def _rounded(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, 6)
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rounded(v) for v in obj]
    return obj


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def split_dev(examples: list[Example], fraction: float = DEV_FRACTION
              ) -> tuple[list[Example], list[Example]]:
    """A deterministic dev split by hash of the text, when no dev file is given."""
    def bucket(e: Example) -> float:
        return int(hashlib.sha256(e.text.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF

    return ([e for e in examples if bucket(e) >= fraction],
            [e for e in examples if bucket(e) < fraction])


def real_text_examples(real_text: dict[str, int], progress: Progress | None = None
                       ) -> tuple[list[dict[str, Any]], list[Example]]:
    """The sentences ``real_text`` asks for (corpus name -> how many, as ``unrelated``)
    and their description for the manifest."""
    progress = progress or Silent()
    corpora, real_ex = [], []
    for name, n in sorted(real_text.items()):
        progress.stage(f"reading {n:,} sentences of the corpus {name!r}")
        real_ex += _corpora.sample(name, n)
        c = _corpora.CORPORA[name]
        corpora.append({"name": name, "sentences": n, "distribution": c.distribution,
                        "version": c.version, "sha256": c.sha256, "label": "unrelated"})
    return corpora, real_ex


def build_manifest(trained: Trained, *, c_grid, scales, min_df: int,
                   training_data: list[dict[str, str]], test_data: list[dict[str, str]],
                   corpora: list[dict[str, Any]], counts: dict[str, int],
                   dev_source: str | None, year: int, metrics: dict[str, Any]
                   ) -> dict[str, Any]:
    """What a model directory's manifest says about how the model was made (``model.save``
    adds the format and the arrays' hash)."""
    return {
        "labels": list(_model.LABELS),
        "tokenizer": TOKENIZER_SETTINGS,
        "feature_version": FEATURE_VERSION,
        "tfidf": {"terms": "jieba words and word bigrams", "min_df": min_df,
                  "sublinear_tf": True, "norm": "l2", "idf": "smooth"},
        "estimator": "multinomial logistic regression, temperature-scaled",
        "solver": {"name": f"scikit-learn {SOLVER}", "tol": SOLVER_TOL,
                   "max_iter": SOLVER_MAX_ITER,
                   "iterations": int(max(trained.estimator.n_iter_))},
        "hyperparameters": {"C": trained.estimator.C,
                            "evidence_scale": trained.linear.evidence_scale,
                            "temperature": trained.linear.temperature,
                            "C_grid": list(c_grid), "evidence_scales": list(scales)},
        "selection": trained.selection,
        "training_data": training_data,
        "test_data": test_data,
        "real_text": corpora,
        "counts": counts,
        "dev_source": dev_source,
        "reference_year": year,
        "library_versions": {name: _version(name) for name in
                             ("smsclf", "numpy", "scikit-learn", "scipy", "jieba", "opencc")},
        "metrics": _rounded(metrics),
    }


def train_model(data: list[str], out: str, dev: list[str] | None = None,
                test: list[str] | None = None, c_grid=C_GRID, scales=EVIDENCE_SCALES,
                min_df: int = 2, min_per_label: int = 10,
                dev_source: str | None = None, year: int | None = None,
                force: bool = False, progress: Progress | None = None,
                real_text: dict[str, int] | None = None) -> dict[str, Any]:
    """Read and check the data, fit, and write the model directory ``out`` atomically.
    With ``dev_source``, only dev rows whose ``source`` is that value choose the settings
    and the temperature (the shipped model uses the hand-written ones: they are closer to
    real traffic than generated messages).  Case-number years are judged against ``year``
    (default: this year), which the manifest records.  ``out`` must not exist, be empty or
    hold a smsclf model; ``force`` lets it replace any other folder (never a file).
    ``progress`` reports the stages (default: silent).  ``real_text`` adds to the training
    split (never to dev or test) that many sentences of each named corpus of
    ``smsclf.corpora`` as ``unrelated`` (e.g. ``{"statutes": 5000}``).  Returns the
    manifest."""
    year = year or date.today().year
    progress = progress or Silent()
    check_output_dir(Path(out), force)  # before minutes of work, not after
    with reference_year(year):
        return _train_model(data, out, dev, test, c_grid, scales, min_df, min_per_label,
                            dev_source, year, force, progress, dict(real_text or {}))


def _train_model(data, out, dev, test, c_grid, scales, min_df, min_per_label, dev_source,
                 year, force, progress, real_text) -> dict[str, Any]:
    progress.stage("reading " + ", ".join(map(str, [*data, *(dev or [])])))
    train_ex = read_labelled(data, min_per_label=min_per_label)
    if dev:
        dev_ex = read_labelled(dev, min_per_label=1)
    else:
        train_ex, dev_ex = split_dev(train_ex)
    if dev_source is not None:
        dev_ex = [e for e in dev_ex if e.source == dev_source]
        missing = set(_model.LABELS) - {e.label for e in dev_ex}
        if missing:
            raise DataError(f"no dev rows with source {dev_source!r} and label(s) "
                            f"{', '.join(sorted(missing))}")
    corpora, real_ex = real_text_examples(real_text, progress)
    trained = fit(train_ex, dev_ex, c_grid=c_grid, scales=scales, min_df=min_df,
                  progress=progress, real_text=real_ex)
    metrics: dict[str, Any] = {"dev": trained.dev_metrics}
    if test:
        progress.stage("evaluating on " + ", ".join(map(str, test)))
        test_ex = read_labelled(test, min_per_label=1)
        proba = predict_proba(trained, _featurize_all(test_ex, progress, "test features"))
        metrics["test"] = evaluate([e.label for e in test_ex], proba)
    manifest = build_manifest(
        trained, c_grid=c_grid, scales=scales, min_df=min_df,
        training_data=[{"path": str(p), "sha256": _sha256(Path(p))}
                       for p in [*data, *(dev or [])]],
        test_data=[{"path": str(p), "sha256": _sha256(Path(p))} for p in (test or [])],
        corpora=corpora,
        counts={"train": len(train_ex), "dev": len(dev_ex), "real_text": len(real_ex)},
        dev_source=dev_source, year=year, metrics=metrics)
    progress.stage(f"writing {out}")
    write_model_dir(Path(out), lambda folder: _model.save(trained.linear, folder, manifest),
                    force=force)
    return manifest
