"""``SmsClassifier``: smsclf as a scikit-learn estimator, so that it can be cloned, searched
over, cross-validated and placed in a ``Pipeline`` beside other models.

It is the training side of the package (it imports numpy and scikit-learn); classifying with
``smsclf.classify`` or ``load_model`` imports neither.  ``fit`` trains exactly as ``smsclf
train`` does (``smsclf.train.fit``: same features, grids, dev selection and temperature) on
texts and labels held in memory; predictions come from the same ``Classifier`` that
``load_model`` returns, decisive-mark layer included, so ``predict_proba`` gives the
probabilities of ``Classifier.classify`` to the bit.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
import os
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from smsclf import decisive as _decisive
from smsclf import model as _model
from smsclf import train as _train
from smsclf.classifier import Classifier, resolve_model
from smsclf.data_io import Example, check_label_counts, one_label_a_text
from smsclf.features import featurize
from smsclf.recognizers.case_number import reference_year as _reference_year
from smsclf.safe_write import write_model_dir

__all__ = ["SKLEARN_CHECKS_NOT_APPLICABLE", "SmsClassifier"]

#: The labels in ``classes_`` order: sorted, as scikit-learn orders classes (``np.unique``),
#: so that ``log_loss``, ``roc_auc_score`` and the like read ``predict_proba``'s columns
#: right.  The model stores them as ``smsclf.model.LABELS`` (genuine, fake, unrelated).
CLASSES = tuple(sorted(_model.LABELS))

_NUMERIC_INPUT = ("feeds numeric arrays (make_blobs, iris) where SmsClassifier takes one "
                  "Chinese text a sample")
_NUMERIC_TARGET = ("feeds numeric arrays and targets other than genuine/fake/unrelated "
                   "(integers, two or one class, 'one'/'two')")

#: scikit-learn's estimator checks that cannot apply to an estimator of texts, with the
#: reason: they build their data as numeric arrays (and their targets as arbitrary classes),
#: which SmsClassifier must refuse.  Every other check of the list runs and passes
#: (``tests/test_estimator.py``).
SKLEARN_CHECKS_NOT_APPLICABLE: dict[str, str] = {
    # API checks that fit on numeric data
    "check_fit_score_takes_y": _NUMERIC_INPUT,
    "check_estimators_overwrite_params": _NUMERIC_INPUT,
    "check_dont_overwrite_parameters": _NUMERIC_INPUT,
    "check_estimators_fit_returns_self": _NUMERIC_INPUT,
    "check_readonly_memmap_input": _NUMERIC_INPUT,
    "check_n_features_in_after_fitting": (
        "n_features_in_ counts the columns of a 2-D X; a text has no fixed number of "
        "features (the vocabulary is learnt), so the attribute is not set"),
    "check_positive_only_tag_during_fit": _NUMERIC_INPUT,
    # legacy checks
    "check_estimators_dtypes": "feeds float32/int32/int64 arrays: a text is no number",
    "check_complex_data": "feeds complex numbers",
    "check_dtype_object": "feeds an object array of numbers, then of the strings of numbers "
                          "with numeric classes",
    "check_estimators_empty_data_messages": (
        "feeds 2-D arrays of 0 samples or 0 features and expects their numeric messages; an "
        "empty list of texts is refused with a ValueError of its own"),
    "check_pipeline_consistency": _NUMERIC_INPUT,
    "check_estimators_nan_inf": "feeds NaN and inf: a text is no number",
    "check_estimator_sparse_tag": "feeds a sparse matrix; the input is text, never sparse",
    "check_estimator_sparse_array": "feeds a sparse array; the input is text, never sparse",
    "check_estimator_sparse_matrix": "feeds a sparse matrix; the input is text, never sparse",
    "check_estimators_pickle": _NUMERIC_INPUT,
    "check_array_api_input": "array API dispatch is for numeric arrays",
    "check_f_contiguous_array_estimator": "feeds a Fortran-ordered numeric array",
    "check_classifier_data_not_an_array": _NUMERIC_TARGET,
    "check_classifiers_one_label": "trains on a single class; the model has three",
    "check_classifiers_classes": _NUMERIC_TARGET,
    "check_classifiers_train": _NUMERIC_TARGET,
    "check_classifiers_regression_target": "feeds a continuous numeric target",
    "check_supervised_y_2d": _NUMERIC_TARGET,
    "check_decision_proba_consistency": _NUMERIC_TARGET,
    "check_methods_sample_order_invariance": _NUMERIC_TARGET,
    "check_methods_subset_invariance": _NUMERIC_TARGET,
    "check_fit2d_1sample": "feeds a 2-D numeric array of one sample",
    "check_fit2d_1feature": "feeds a 2-D numeric array of one feature",
    "check_dict_unchanged": _NUMERIC_TARGET,
    "check_fit_idempotent": _NUMERIC_TARGET,
    "check_fit_check_is_fitted": _NUMERIC_TARGET,
    "check_n_features_in": "n_features_in_ is not set for text input (see "
                           "check_n_features_in_after_fitting)",
    "check_fit1d": "expects a 1-D X to be refused; a 1-D X of texts is SmsClassifier's input",
    "check_fit2d_predict1d": "expects a 1-D X to be refused; a 1-D X of texts is "
                             "SmsClassifier's input",
}


def _as_sequence(value: Any, name: str, what: str) -> list[Any]:
    """The items of a 1-D list, tuple, numpy array, pandas Series or array-like."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an iterable of {what} (a list, a 1-D numpy array or "
                        f"a pandas Series of str), not a single {type(value).__name__}; wrap "
                        "one in a list")
    if isinstance(value, Mapping):
        raise TypeError(f"{name} must be an iterable of {what}, not {type(value).__name__}")
    if not isinstance(value, Iterable) and hasattr(value, "__array__"):
        value = np.asarray(value)  # an array-like that only converts
    ndim = getattr(value, "ndim", None)
    if ndim is not None and ndim != 1:
        hint = "select the text column (X[:, 0], df['text'])" if what == "texts" else ""
        raise ValueError(f"{name} should be a 1d array of {what}, one a sample, not of shape "
                         f"{getattr(value, 'shape', '?')}{'; ' + hint if hint else ''}")
    if not isinstance(value, Iterable):
        raise TypeError(f"{name} must be an iterable of {what}, not {type(value).__name__}")
    return list(value)


def _texts(X: Any, name: str = "X") -> list[str]:
    """The texts of ``X``: a list, tuple, 1-D numpy array or pandas Series of str."""
    texts = _as_sequence(X, name, "texts")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"{name}[{i}] is {type(text).__name__} ({text!r:.40}), not str: "
                            "SmsClassifier reads texts")
    return [str(t) for t in texts]  # numpy's str_ becomes str


def _labels(y: Any, name: str = "y") -> list[str]:
    """The labels of ``y``, each genuine, fake or unrelated."""
    if y is None:
        raise ValueError("SmsClassifier requires y to be passed, but the target y is None")
    labels = _as_sequence(y, name, "labels")
    for i, label in enumerate(labels):
        if not isinstance(label, str) or label not in _model.LABELS:
            hint = ""
            if isinstance(label, numbers.Integral):  # what cross_val_predict passes
                hint = ("; cross_val_predict(method='predict_proba') encodes the labels as "
                        "integers: use method='predict', or cross_validate(..., "
                        "return_estimator=True, return_indices=True)")
            raise ValueError(f"{name}[{i}]: unknown label {label!r} (expected one of "
                             f"{', '.join(_model.LABELS)}){hint}")
    return [str(label) for label in labels]


def _examples(X: Any, y: Any, name: str, min_per_label: int) -> list[Example]:
    """Texts and labels checked as ``smsclf train`` checks a file (``read_labelled``): no
    empty text, no text with two labels, at least ``min_per_label`` of each label."""
    labels = _labels(y, "y" if name == "X" else f"{name} labels")
    texts = _texts(X, name)
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts in {name} but {len(labels)} labels; they must "
                         "pair up")
    if not texts:
        raise ValueError(f"{name} holds no text")
    examples = list(one_label_a_text(_nonempty(
        Example(text, label, f"{name}[{i}]")
        for i, (text, label) in enumerate(zip(texts, labels, strict=True)))))
    check_label_counts(examples, min_per_label, f" in {name}")
    return examples


def _nonempty(examples: Iterable[Example]) -> Iterator[Example]:
    """The examples; a ValueError at the first empty text (a file's reader refuses those)."""
    for ex in examples:
        if not ex.text.strip():
            raise ValueError(f"{ex.where}: empty text")
        yield ex


def _positive_numbers(value: Any, name: str) -> tuple[float, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValueError(f"{name} must be a sequence of positive numbers, not {value!r}")
    values = tuple(value)
    if not values or not all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                             and math.isfinite(v) and v > 0 for v in values):
        raise ValueError(f"{name} must be a non-empty sequence of positive finite numbers, "
                         f"not {value!r}")
    return tuple(float(v) for v in values)


def _int_at_least(value: Any, least: int, name: str) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < least:
        raise ValueError(f"{name} must be an int of at least {least}, not {value!r}")
    return int(value)


def _data_hash(examples: list[Example]) -> str:
    """The sha256 of the examples as JSON Lines (text, label): what the manifest records of
    data given in memory, where ``smsclf train`` records the hash of a file."""
    h = hashlib.sha256()
    for e in examples:
        h.update(json.dumps({"text": e.text, "label": e.label}, ensure_ascii=False)
                 .encode("utf-8") + b"\n")
    return h.hexdigest()


def _numpy_model(linear: _model.LinearModel) -> _model.LinearModel:
    """A model's arrays as numpy arrays (``save`` writes them), whichever loader made it."""
    return _model.LinearModel(
        labels=tuple(linear.labels),
        vocabulary=tuple(linear.vocabulary),
        idf=np.array(linear.idf, dtype=np.float64),
        evidence_names=tuple(linear.evidence_names),
        coef=np.array([list(row) for row in linear.coef], dtype=np.float64),
        intercept=np.array(linear.intercept, dtype=np.float64),
        evidence_scale=float(linear.evidence_scale),
        temperature=float(linear.temperature),
    )


class SmsClassifier(ClassifierMixin, BaseEstimator):
    """smsclf's model as a scikit-learn classifier of Chinese SMS texts.

    ``fit(X, y)`` trains as ``smsclf train`` does: X is an iterable of str (list, 1-D numpy
    array, pandas Series), y the labels ``genuine``/``fake``/``unrelated``.  A deterministic
    ``dev_fraction`` of X (or ``dev_set``) chooses C and the evidence scale from the grids
    and fits the temperature; the model is then trained on the rest.  Predictions are those
    of ``smsclf.load_model(...).classify``, decisive-mark layer included.

    Parameters (the defaults are those of ``smsclf train``):

    - ``c_grid``: the inverse regularisation strengths tried (``--C``).
    - ``evidence_scales``: the weights of the evidence block tried (``--evidence-scale``).
    - ``min_df``: a term's minimum document frequency (``--min-df``).
    - ``min_per_label``: fewer examples of a label in X is an error (``--min-per-label``).
    - ``dev_fraction``: the share of X, chosen by a hash of the text, that selects the
      settings when ``dev_set`` is None (15 %, as ``train`` without ``--dev``).
    - ``dev_set``: ``(texts, labels)`` that select the settings instead (``--dev``); X is
      then all training data.
    - ``real_text``: corpus name -> number of sentences added to the training split as
      ``unrelated`` (``--real-text statutes=5000``; needs the ``train`` extra).
    - ``reference_year``: the year against which case-number years are judged while
      training (default: this year), recorded in the manifest.

    Fitted attributes: ``classes_`` (the labels, sorted: fake, genuine, unrelated; the
    columns of ``predict_proba`` and ``decision_function``), ``model_`` (the weights, a
    ``smsclf.model.LinearModel``), ``manifest_`` (what ``save`` writes beside them) and
    ``classifier_`` (the ``Classifier`` that predicts).  There is no ``n_features_in_``: a
    sample is one text, not a row of a fixed number of features.
    """

    def __init__(self, c_grid: tuple[float, ...] = _train.C_GRID,
                 evidence_scales: tuple[float, ...] = _train.EVIDENCE_SCALES,
                 min_df: int = 2, min_per_label: int = 10,
                 dev_fraction: float = _train.DEV_FRACTION,
                 dev_set: tuple[Any, Any] | None = None,
                 real_text: Mapping[str, int] | None = None,
                 reference_year: int | None = None) -> None:
        self.c_grid = c_grid
        self.evidence_scales = evidence_scales
        self.min_df = min_df
        self.min_per_label = min_per_label
        self.dev_fraction = dev_fraction
        self.dev_set = dev_set
        self.real_text = real_text
        self.reference_year = reference_year

    def __sklearn_tags__(self):
        """One text a sample (a 1-D input of str, no 2-D numeric array), a required
        target of three classes."""
        tags = super().__sklearn_tags__()
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = True
        tags.classifier_tags.multi_class = True
        tags.classifier_tags.multi_label = False
        return tags

    # -- training --------------------------------------------------------------------------

    def fit(self, X: Iterable[str], y: Iterable[str]) -> SmsClassifier:
        """Train on texts ``X`` and labels ``y`` as ``smsclf train`` does; returns self.

        Raises ValueError for bad settings or labels, too few examples of a label, an empty
        text or a text with two labels, and TypeError for input that is not texts."""
        if y is None:  # before anything else: the message scikit-learn's checks expect
            _labels(y)
        c_grid = _positive_numbers(self.c_grid, "c_grid")
        scales = _positive_numbers(self.evidence_scales, "evidence_scales")
        min_df = _int_at_least(self.min_df, 1, "min_df")
        min_per_label = _int_at_least(self.min_per_label, 1, "min_per_label")
        year = self.reference_year
        if year is not None:
            year = _int_at_least(year, 1, "reference_year")
        year = year or date.today().year
        real_text = self._real_text()
        examples = _examples(X, y, "X", min_per_label)
        if self.dev_set is None:
            fraction = self.dev_fraction
            if (not isinstance(fraction, numbers.Real) or isinstance(fraction, bool)
                    or not 0 < fraction < 1):
                raise ValueError(f"dev_fraction must be a number between 0 and 1, not "
                                 f"{fraction!r}")
            train_ex, dev_ex = _train.split_dev(examples, float(fraction))
            hint = "; give more data, another dev_fraction or an explicit dev_set"
            check_label_counts(train_ex, 1, " in the training part of X (1 - dev_fraction)",
                               hint)
            check_label_counts(dev_ex, 1, f" in the dev part of X (dev_fraction={fraction:g}, "
                               "by a hash of the text)", hint)
            data = [{"path": "<SmsClassifier.fit X>", "sha256": _data_hash(examples)}]
        else:
            dev = self.dev_set
            if (isinstance(dev, (str, bytes)) or not isinstance(dev, Iterable)
                    or len(dev := tuple(dev)) != 2):
                raise ValueError("dev_set must be a pair (texts, labels) or None")
            train_ex = examples
            dev_ex = _examples(dev[0], dev[1], "dev_set", 1)
            data = [{"path": "<SmsClassifier.fit X>", "sha256": _data_hash(train_ex)},
                    {"path": "<SmsClassifier dev_set>", "sha256": _data_hash(dev_ex)}]
        corpora, real_ex = _train.real_text_examples(real_text)
        with _reference_year(year):
            trained = _train.fit(train_ex, dev_ex, c_grid=c_grid, scales=scales,
                                 min_df=min_df, real_text=real_ex)
        manifest = _train.build_manifest(
            trained, c_grid=c_grid, scales=scales, min_df=min_df, training_data=data,
            test_data=[], corpora=corpora,
            counts={"train": len(train_ex), "dev": len(dev_ex), "real_text": len(real_ex)},
            dev_source=None, year=year, metrics={"dev": trained.dev_metrics})
        self._set_model(trained.linear, manifest, Classifier(trained.linear, manifest))
        return self

    def _real_text(self) -> dict[str, int]:
        if self.real_text is None:
            return {}
        if not isinstance(self.real_text, Mapping):
            raise ValueError("real_text must be None or a mapping of corpus name to a number "
                             f"of sentences, not {self.real_text!r}")
        from smsclf.corpora import CORPORA

        out = {}
        for name, n in self.real_text.items():
            if name not in CORPORA:
                raise ValueError(f"real_text: unknown corpus {name!r} (known: "
                                 f"{', '.join(CORPORA)})")
            out[name] = _int_at_least(n, 1, f"real_text[{name!r}]")
        return out

    def _set_model(self, linear: _model.LinearModel, manifest: dict[str, Any],
                   classifier: Classifier) -> None:
        self.model_ = _numpy_model(linear) if not isinstance(linear.idf, np.ndarray) else linear
        self.manifest_ = manifest
        self.classifier_ = classifier
        self.classes_ = np.array(CLASSES)

    @classmethod
    def from_model(cls, model: str | os.PathLike[str] | Classifier | None = None,
                   **params: Any) -> SmsClassifier:
        """A fitted estimator that predicts with an existing model, without refitting: a
        model directory (as ``smsclf.load_model`` reads it, with its checks), a loaded
        ``Classifier``, or by default the shipped model (to compare against, or to put in
        a pipeline).  ``params`` set the parameters, which only a later ``fit`` uses."""
        classifier = resolve_model(model)
        est = cls(**params)
        est._set_model(classifier.linear, dict(classifier.manifest), classifier)
        return est

    def save(self, path: str | os.PathLike[str], force: bool = False) -> None:
        """Write the model directory ``path`` as ``smsclf train --out`` does, for
        ``smsclf.load_model`` and the command line: created, or replaced only when it
        holds a smsclf model or is empty (``force``: any folder; a file never), atomically.
        Raises ``smsclf.safe_write.OutputError`` (a ValueError) when refused."""
        check_is_fitted(self)
        linear, manifest = self.model_, self.manifest_
        write_model_dir(Path(path), lambda folder: _model.save(linear, folder, manifest),
                        force=force)

    # -- predicting ------------------------------------------------------------------------

    def _columns(self) -> list[int]:
        """For each class of ``classes_``, its index among the model's labels."""
        return [_model.LABELS.index(c) for c in self.classes_]

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """P(label) for each text, columns in ``classes_`` order: exactly the probabilities
        of ``Classifier.classify(text)`` (decisive-mark layer included)."""
        check_is_fitted(self)
        results = self.classifier_.classify_many(_texts(X))
        return np.array([[r.probabilities[c] for c in self.classes_] for r in results],
                        dtype=np.float64).reshape(len(results), len(self.classes_))

    def predict(self, X: Iterable[str]) -> np.ndarray:
        """The label of each text, as ``Classifier.classify(text).label``."""
        check_is_fitted(self)
        labels = [r.label for r in self.classifier_.classify_many(_texts(X))]
        return np.array(labels, dtype=self.classes_.dtype)

    def decision_function(self, X: Iterable[str]) -> np.ndarray:
        """Scores whose softmax is ``predict_proba``, columns in ``classes_`` order: the
        model's logits (temperature applied), except that where a decisive mark caps the
        authenticity, genuine's and fake's scores are moved to where the cap puts them
        (their log-sum-exp, and so P(unrelated), unchanged)."""
        check_is_fitted(self)
        texts = _texts(X)
        ig, i_fake = _model.LABELS.index("genuine"), _model.LABELS.index("fake")
        log_cap = math.log(_decisive.AUTHENTICITY_CAP)
        log_rest = math.log1p(-_decisive.AUTHENTICITY_CAP)
        scores = np.empty((len(texts), len(_model.LABELS)), dtype=np.float64)
        for i, text in enumerate(texts):
            features = featurize(text)
            z = self.classifier_.logits(features)
            if _decisive.marks_in(features.evidence_features):
                legal = float(np.logaddexp(z[ig], z[i_fake]))
                if z[ig] > legal + log_cap:
                    z[ig], z[i_fake] = legal + log_cap, legal + log_rest
            scores[i] = z
        return scores[:, self._columns()]

    # -- pickling: the Classifier's compiled kernel does not pickle; it is rebuilt ---------

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("classifier_", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        if "model_" in state:
            self.classifier_ = Classifier(self.model_, self.manifest_)
