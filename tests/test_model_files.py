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


#: How far probabilities of a retrained model may differ from the shipped one's.  The solver
#: stops at max |gradient| <= 1e-10 (train.SOLVER_TOL) on a strictly convex loss; two runs
#: on different floating-point kernels were measured to differ by ~1e-10 in probabilities,
#: so 1e-6 leaves four orders of magnitude for other CPUs and library builds.
PROBABILITY_TOLERANCE = 1e-6


def _metric_scalars(metrics: dict, prefix: str = "") -> dict[str, float]:
    out = {}
    for key, value in metrics.items():
        if isinstance(value, dict):
            out.update(_metric_scalars(value, f"{prefix}{key}."))
        elif isinstance(value, float):
            out[prefix + key] = value
    return out


def test_shipped_model_is_what_training_makes(tmp_path):
    """Rerun the shipped model's training (the whole grid): same settings, vocabulary and
    verdicts on every message of the data set, probabilities within PROBABILITY_TOLERANCE,
    metrics equal to the manifest's at 3 decimals.  Bytes are compared only on one machine
    (test_training_twice_gives_identical_files): across CPUs the last bits differ."""
    root = Path(__file__).resolve().parent.parent
    shipped = root / "models" / "smsclf-1"
    manifest = json.loads((shipped / "manifest.json").read_text(encoding="utf-8"))
    hp = manifest["hyperparameters"]
    paths = [str(root / d["path"]) for d in manifest["training_data"]]
    tests = [str(root / d["path"]) for d in manifest["test_data"]]
    for d, p in zip(manifest["training_data"] + manifest["test_data"], paths + tests,
                    strict=True):
        assert sha256_file(Path(p)) == d["sha256"], f"{p} changed since the model was trained"
    out = tmp_path / "retrained"
    again = train_model(paths[:1], str(out), dev=paths[1:], test=tests,
                        c_grid=tuple(hp["C_grid"]), scales=tuple(hp["evidence_scales"]),
                        min_df=manifest["tfidf"]["min_df"], dev_source=manifest["dev_source"],
                        year=manifest["reference_year"],
                        real_text={c["name"]: c["sentences"] for c in manifest["real_text"]})
    assert again["hyperparameters"] == hp
    assert [(r["C"], r["evidence_scale"]) for r in again["selection"]] == \
        [(r["C"], r["evidence_scale"]) for r in manifest["selection"]]
    for a, b in zip(again["selection"], manifest["selection"], strict=True):
        assert a == pytest.approx(b, abs=5e-4), (a, b)
    expected, got = _metric_scalars(manifest["metrics"]), _metric_scalars(again["metrics"])
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, abs=5e-4), key
    a, _ = load(shipped)
    b, _ = load(out)
    assert a.vocabulary == b.vocabulary and a.evidence_names == b.evidence_names
    texts = [json.loads(line)["text"] for p in paths + tests
             for line in Path(p).read_text(encoding="utf-8").splitlines()]
    assert len(texts) > 6000
    c_shipped, c_again = Classifier.load(shipped), Classifier.load(out)
    worst = 0.0
    for text in texts:
        r, s = c_shipped.classify(text), c_again.classify(text)
        assert r.label == s.label, text
        worst = max(worst, *(abs(r.probabilities[k] - s.probabilities[k]) for k in a.labels))
    assert worst <= PROBABILITY_TOLERANCE


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
