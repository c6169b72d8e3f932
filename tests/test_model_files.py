"""Model files: deterministic, safe to load, and refused when tampered with."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from smsclf.classifier import Classifier
from smsclf.model import ModelError, load, sha256_file
from smsclf.train import train_model


def test_training_twice_gives_identical_files(small_train_file, small_dev_file, small_model,
                                              tmp_path):
    again = tmp_path / "again"
    train_model([str(small_train_file)], str(again), dev=[str(small_dev_file)], c_grid=(3.0,),
                scales=(1.0,))
    for name in ("model.npz", "manifest.json"):
        assert (again / name).read_bytes() == (small_model / name).read_bytes(), name


def test_model_file_has_no_pickles(small_model):
    with np.load(small_model / "model.npz", allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)


def test_tampered_arrays_are_refused(small_model, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(small_model, bad)
    data = bytearray((bad / "model.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (bad / "model.npz").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        Classifier.load(bad)


def test_unknown_format_version_is_refused(small_model, tmp_path):
    bad = tmp_path / "future"
    shutil.copytree(small_model, bad)
    manifest = json.loads((bad / "manifest.json").read_text(encoding="utf-8"))
    manifest["format_version"] = 99
    (bad / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelError, match="version 99"):
        Classifier.load(bad)


def test_missing_model_is_refused(tmp_path):
    with pytest.raises(ModelError, match="manifest"):
        Classifier.load(tmp_path)


def test_shipped_model_is_what_training_makes(tmp_path):
    """Retrain with the shipped manifest's data and chosen settings: the same arrays."""
    root = Path(__file__).resolve().parent.parent
    shipped = root / "models" / "smsclf-1"
    manifest = json.loads((shipped / "manifest.json").read_text(encoding="utf-8"))
    hp = manifest["hyperparameters"]
    paths = [str(root / d["path"]) for d in manifest["training_data"]]
    for d, p in zip(manifest["training_data"], paths, strict=True):
        assert sha256_file(Path(p)) == d["sha256"], f"{p} changed since the model was trained"
    out = tmp_path / "retrained"
    train_model(paths[:1], str(out), dev=paths[1:], c_grid=(hp["C"],),
                scales=(hp["evidence_scale"],), min_df=manifest["tfidf"]["min_df"],
                dev_source=manifest.get("dev_source"), year=manifest.get("reference_year"))
    a, _ = load(shipped)
    b, _ = load(out)
    assert a.vocabulary == b.vocabulary and a.evidence_names == b.evidence_names
    assert a.temperature == b.temperature
    np.testing.assert_allclose(a.coef, b.coef, rtol=0, atol=1e-9)
    np.testing.assert_allclose(a.intercept, b.intercept, rtol=0, atol=1e-9)
