"""The model on disk: ``model.npz`` (arrays, read with ``allow_pickle=False``) and
``manifest.json`` (what made it, and the hash of the arrays).  Loading never unpickles and
refuses a file whose format version or hash is not what the manifest says."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from array import array

    import numpy as np

FORMAT = "smsclf-model"
FORMAT_VERSION = 1
LABELS = ("genuine", "fake", "unrelated")
ARRAYS_FILE = "model.npz"
MANIFEST_FILE = "manifest.json"


class ModelError(ValueError):
    """A model directory that cannot be used: missing, tampered with, or of another version."""


@dataclass(frozen=True)
class LinearModel:
    """Weights of the multinomial logistic regression over TF-IDF terms and evidence.

    From ``load`` (and training) the arrays are numpy arrays; from ``load_light`` they are
    ``array('d')`` (``coef`` a list of one row a label)."""

    labels: tuple[str, ...]
    vocabulary: tuple[str, ...]
    idf: np.ndarray | array  # (V,)
    evidence_names: tuple[str, ...]
    coef: np.ndarray | list[array]  # (L, V + E)
    intercept: np.ndarray | array  # (L,)
    evidence_scale: float
    temperature: float

    def arrays(self) -> dict[str, np.ndarray]:
        import numpy as np

        return {
            "labels": np.array(self.labels, dtype=str),
            "vocabulary": np.array(self.vocabulary, dtype=str),
            "idf": self.idf.astype(np.float64),
            "evidence_names": np.array(self.evidence_names, dtype=str),
            "coef": self.coef.astype(np.float64),
            "intercept": self.intercept.astype(np.float64),
            "evidence_scale": np.array(self.evidence_scale, dtype=np.float64),
            "temperature": np.array(self.temperature, dtype=np.float64),
        }


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like ``np.savez_compressed`` but byte-for-byte reproducible (fixed zip timestamps)."""
    import numpy as np

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            array = arrays[name] if arrays[name].flags.c_contiguous else arrays[name].copy()
            np.lib.format.write_array(buf, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue())


def save(model: LinearModel, directory: Path, manifest: dict[str, Any]) -> None:
    """Write the arrays and the manifest (with the arrays' hash) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    write_arrays(directory / ARRAYS_FILE, model.arrays())
    manifest = {
        **manifest,
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "arrays": {"file": ARRAYS_FILE, "sha256": sha256_file(directory / ARRAYS_FILE)},
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (directory / MANIFEST_FILE).write_text(text, encoding="utf-8")


def _checked(directory: str | Path) -> tuple[dict[str, Any], Path]:
    """The manifest and the array file of a model directory, after checking the format
    version and the array file's hash."""
    directory = Path(directory)
    manifest_path = directory / MANIFEST_FILE
    if not manifest_path.is_file():
        raise ModelError(f"{directory}: no {MANIFEST_FILE}; is this a smsclf model directory?")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{manifest_path}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelError(f"{manifest_path}: not a smsclf model manifest")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"{manifest_path}: model format version {version!r}, but this smsclf reads "
            f"version {FORMAT_VERSION}; retrain the model with this version"
        )
    arrays_path = directory / manifest.get("arrays", {}).get("file", ARRAYS_FILE)
    if not arrays_path.is_file():
        raise ModelError(f"{directory}: the array file {arrays_path.name} is missing")
    expected = manifest.get("arrays", {}).get("sha256")
    actual = sha256_file(arrays_path)
    if actual != expected:
        raise ModelError(
            f"{arrays_path}: sha256 {actual} does not match the manifest ({expected}); "
            "the file was changed or damaged"
        )
    return manifest, arrays_path


def _check_shapes(model: LinearModel, arrays_path: Path) -> LinearModel:
    n = len(model.vocabulary) + len(model.evidence_names)
    n_labels = len(model.labels)
    if (len(model.coef) != n_labels or any(len(row) != n for row in model.coef)
            or len(model.idf) != len(model.vocabulary) or len(model.intercept) != n_labels):
        raise ModelError(f"{arrays_path}: array shapes do not agree")
    return model


def load(directory: str | Path) -> tuple[LinearModel, dict[str, Any]]:
    """Read a model directory into numpy arrays, checking format version and hash first."""
    import numpy as np

    manifest, arrays_path = _checked(directory)
    try:
        with np.load(arrays_path, allow_pickle=False) as z:
            a = {k: z[k] for k in z.files}
        model = LinearModel(
            labels=tuple(str(x) for x in a["labels"]),
            vocabulary=tuple(str(x) for x in a["vocabulary"]),
            idf=a["idf"],
            evidence_names=tuple(str(x) for x in a["evidence_names"]),
            coef=a["coef"],
            intercept=a["intercept"],
            evidence_scale=float(a["evidence_scale"]),
            temperature=float(a["temperature"]),
        )
    except (KeyError, TypeError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{arrays_path}: unreadable model arrays ({exc})") from None
    return _check_shapes(model, arrays_path), manifest


def load_light(directory: str | Path) -> tuple[LinearModel, dict[str, Any]]:
    """``load`` without numpy (for classifying): float arrays as ``array('d')``, ``coef`` as
    one ``array('d')`` a label.  Same checks, same refusal of anything pickled."""
    from smsclf.npy import NpyError, read_npz

    manifest, arrays_path = _checked(directory)
    try:
        a = read_npz(arrays_path)
        (n_labels, width), flat = a["coef"]
        model = LinearModel(
            labels=tuple(a["labels"][1]),
            vocabulary=tuple(a["vocabulary"][1]),
            idf=a["idf"][1],
            evidence_names=tuple(a["evidence_names"][1]),
            coef=[flat[k * width : (k + 1) * width] for k in range(n_labels)],
            intercept=a["intercept"][1],
            evidence_scale=float(a["evidence_scale"][1]),
            temperature=float(a["temperature"][1]),
        )
    except (KeyError, TypeError, ValueError, NpyError, OSError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{arrays_path}: unreadable model arrays ({exc})") from None
    return _check_shapes(model, arrays_path), manifest
