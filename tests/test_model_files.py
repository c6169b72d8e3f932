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


def test_light_loader_reads_what_numpy_reads(small_model):
    from smsclf.model import load_light

    a, _ = load(small_model)
    b, _ = load_light(small_model)
    assert (a.labels, a.vocabulary, a.evidence_names) == (b.labels, b.vocabulary, b.evidence_names)
    assert [list(row) for row in a.coef] == [list(row) for row in b.coef]
    assert list(a.idf) == list(b.idf) and list(a.intercept) == list(b.intercept)
    assert (a.temperature, a.evidence_scale) == (b.temperature, b.evidence_scale)


def test_light_reader_refuses_object_arrays(tmp_path):
    from smsclf.npy import NpyError, read_npz

    path = tmp_path / "bad.npz"
    np.savez(path, x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(NpyError, match="object"):
        read_npz(path)


def test_classify_does_not_import_numpy_or_scikit_learn():
    import subprocess
    import sys

    code = ("import sys, smsclf; smsclf.classify('【法务部】你已逾期，将起诉你'); "
            "print(sorted(m for m in ('numpy', 'sklearn', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
