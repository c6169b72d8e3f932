"""The model on disk: ``model.npz`` (arrays) and ``manifest.json`` (what made it, and the
hash of the arrays).

Loading trusts nothing in the directory, hash or not (a manifest can be edited to match
edited arrays): it never unpickles, reads every file with a bound on its size, follows no
path out of the directory, parses the arrays with the numpy-free reader of
``smsclf.npy`` (sizes checked before anything is allocated) and checks what the arrays
hold (dtypes, shapes, labels, finite weights in range) before the model is used.  Both
``load`` and ``load_light`` go through the same checks; any fault is a ``ModelError``
naming the file and the reason.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import reprlib
import stat
import zipfile
from array import array
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from smsclf.npy import MAX_ARRAY_BYTES as _NPY_MAX_ARRAY_BYTES
from smsclf.npy import NpyError, read_npz

if TYPE_CHECKING:
    import numpy as np

FORMAT = "smsclf-model"
FORMAT_VERSION = 1
LABELS = ("genuine", "fake", "unrelated")
ARRAYS_FILE = "model.npz"
MANIFEST_FILE = "manifest.json"

#: The most bytes ``manifest.json`` may have (a model's has about 9 KB).
MAX_MANIFEST_BYTES = 1024 * 1024

#: The most bytes of the array file, and of its members once inflated, all together
#: (a model's arrays are about 1.5 MB); see ``smsclf.npy`` for the other limits on it.
MAX_ARRAY_BYTES = _NPY_MAX_ARRAY_BYTES

#: The deepest nesting of lists and objects in the manifest (a model's is 5): code that
#: walks it recursively (``json.dumps`` of it, for one) can then never hit the recursion
#: limit.
MAX_MANIFEST_DEPTH = 32

#: The largest magnitude of a weight (``coef``, ``intercept``) and the range of the
#: positive numbers (``idf``, ``evidence_scale``, ``temperature``): a trained model's are
#: within ±10 and [0.5, 20].  Within these bounds no score can overflow, so a model that
#: loads always gives finite probabilities.
MAX_WEIGHT = 1e6
MIN_POSITIVE = 1e-6

#: The arrays of the format and their number of dimensions.
_NDIM = {"labels": 1, "vocabulary": 1, "evidence_names": 1, "idf": 1, "coef": 2,
         "intercept": 1, "evidence_scale": 0, "temperature": 0}
_STRINGS = frozenset({"labels", "vocabulary", "evidence_names"})
_TERM_PREFIXES = ("w:", "b:")  # a vocabulary term is a word or a bigram
_SHA256 = re.compile(r"[0-9a-f]{64}")
_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = 60


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


# -- reading, trusting nothing -------------------------------------------------------------

def _read_file(directory: Path, root: Path, name: str, limit: int) -> bytes:
    """The bytes of ``directory / name``, which must be a regular file in the directory
    itself once links are followed, of at most ``limit`` bytes; read with that bound, so
    a file that grows meanwhile cannot make it read more."""
    path = directory / name
    try:
        real = path.resolve(strict=True)
    except (FileNotFoundError, NotADirectoryError):
        if name == MANIFEST_FILE:
            raise ModelError(f"{directory}: no {MANIFEST_FILE}; is this a smsclf model "
                             "directory?") from None
        raise ModelError(f"{path}: the array file is missing") from None
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop, before 3.13
        raise ModelError(f"{path}: cannot be read ({exc})") from None
    if real.parent != root:
        raise ModelError(f"{path}: a link to {real}, outside the model directory")
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(real, flags)  # non-blocking: a FIFO is refused, not waited on
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise ModelError(f"{path}: not a regular file")
            if info.st_size > limit:
                raise ModelError(f"{path}: {info.st_size} bytes, over the limit of {limit}")
            with open(fd, "rb", closefd=False) as f:
                # read(n) allocates n bytes at once: ask for what the file says it has
                data = f.read(info.st_size + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        raise ModelError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) != info.st_size:
        raise ModelError(f"{path}: changed while it was read")
    return data


def _plain_name(name: object) -> bool:
    """Whether ``name`` can only mean a file in the model directory itself."""
    return (isinstance(name, str) and 0 < len(name) <= 255 and name not in (".", "..")
            and not any(c in name for c in "/\\:\x00"))


def _depth(value: object) -> int:
    """How deep lists and objects nest in a parsed JSON value (without recursing)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict)
                                                  else value))
    return deepest


def _checked(directory: str | Path) -> tuple[dict[str, Any], Path, bytes]:
    """The manifest, the array file's path and its bytes, after checking the manifest's
    fields, the file's place and size, and its hash against the manifest's."""
    directory = Path(directory)
    try:
        root = directory.resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # ValueError: a NUL in the path
        raise ModelError(f"{directory}: cannot be read ({exc})") from None
    manifest_path = directory / MANIFEST_FILE
    raw = _read_file(directory, root, MANIFEST_FILE, MAX_MANIFEST_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelError(f"{manifest_path}: not UTF-8 ({exc.reason} at byte {exc.start})"
                         ) from None
    try:
        manifest = json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise ModelError(f"{manifest_path}: not valid JSON ({type(exc).__name__}: "
                         f"{str(exc)[:200]})") from None
    if _depth(manifest) > MAX_MANIFEST_DEPTH:
        raise ModelError(f"{manifest_path}: lists and objects nested deeper than "
                         f"{MAX_MANIFEST_DEPTH}, the limit")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelError(f"{manifest_path}: not a smsclf model manifest")
    version = manifest.get("format_version")
    if type(version) is not int:
        raise ModelError(f"{manifest_path}: format_version must be an integer, not "
                         f"{_repr.repr(version)}")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"{manifest_path}: model format version {version!r}, but this smsclf reads "
            f"version {FORMAT_VERSION}; retrain the model with this version"
        )
    arrays = manifest.get("arrays")
    if not isinstance(arrays, dict):
        raise ModelError(f"{manifest_path}: arrays must be an object with file and sha256, "
                         f"not {_repr.repr(arrays)}")
    name, expected = arrays.get("file"), arrays.get("sha256")
    if not _plain_name(name):
        raise ModelError(f"{manifest_path}: arrays.file must be the plain name of a file in "
                         f"the model directory, not {_repr.repr(name)}")
    if not isinstance(expected, str) or not _SHA256.fullmatch(expected):
        raise ModelError(f"{manifest_path}: arrays.sha256 must be 64 hex digits, not "
                         f"{_repr.repr(expected)}")
    arrays_path = directory / name
    data = _read_file(directory, root, name, MAX_ARRAY_BYTES)
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise ModelError(
            f"{arrays_path}: sha256 {actual} does not match the manifest ({expected}); "
            "the file was changed or damaged"
        )
    return manifest, arrays_path, data


def _check_range(fail, name: str, values: array | float, low: float, high: float) -> None:
    """Every value finite and in [low, high]: ``sum`` is finite only when no value is
    NaN or infinite, and then ``min`` and ``max`` are exact (all in C, for speed)."""
    if isinstance(values, float):
        values = array("d", (values,))
    if not values:
        return
    total = sum(values)
    if math.isfinite(total) and min(values) >= low and max(values) <= high:
        return
    i, x = next((i, x) for i, x in enumerate(values) if not low <= x <= high)
    fail(name, f"{x!r} at index {i}; every value must be finite and between {low:g} and "
               f"{high:g}")


def _first_duplicate(items: list[str]) -> str | None:
    if len(set(items)) == len(items):
        return None
    seen: set[str] = set()
    return next(x for x in items if x in seen or seen.add(x))  # add() is None: go on


def _validated(a: dict[str, tuple[tuple[int, ...], Any]], where: Path) -> dict[str, Any]:
    """The arrays' values, after checking that they are what the format defines and what
    ``Classifier`` can use without failing."""
    def fail(name: str, reason: str) -> NoReturn:
        raise ModelError(f"{where}: {name}.npy: {reason}")

    for name, ndim in _NDIM.items():
        shape, values = a[name]
        if len(shape) != ndim:
            fail(name, f"must be {ndim}-D, not of shape {shape}")
        if name in _STRINGS and not isinstance(values, list):
            fail(name, "must hold unicode strings, not float64 numbers")
        if name not in _STRINGS and not isinstance(values, (array, float)):
            fail(name, "must hold float64 numbers, not unicode strings")
    labels = tuple(a["labels"][1])
    if labels != LABELS:
        fail("labels", f"the labels must be exactly {LABELS}, not {_repr.repr(labels)}")
    vocabulary = a["vocabulary"][1]
    if not all(map(str.startswith, vocabulary, repeat(_TERM_PREFIXES))):
        term = next(t for t in vocabulary if not t.startswith(_TERM_PREFIXES))
        fail("vocabulary", f"term {_repr.repr(term)} does not start with w: or b:")
    if (term := _first_duplicate(vocabulary)) is not None:
        fail("vocabulary", f"duplicate term {_repr.repr(term)}")
    evidence_names = a["evidence_names"][1]
    if "" in evidence_names:
        fail("evidence_names", "an empty name")
    if (name := _first_duplicate(evidence_names)) is not None:
        fail("evidence_names", f"duplicate name {_repr.repr(name)}")
    n_labels, n_vocab = len(labels), len(vocabulary)
    width = n_vocab + len(evidence_names)
    for name, shape in (("idf", (n_vocab,)), ("intercept", (n_labels,)),
                        ("coef", (n_labels, width))):
        if a[name][0] != shape:
            fail(name, f"shape {a[name][0]}, but {n_labels} labels, {n_vocab} terms and "
                       f"{len(evidence_names)} evidence features make it {shape}")
    for name in ("coef", "intercept"):
        _check_range(fail, name, a[name][1], -MAX_WEIGHT, MAX_WEIGHT)
    for name in ("idf", "evidence_scale", "temperature"):
        _check_range(fail, name, a[name][1], MIN_POSITIVE, MAX_WEIGHT)
    values = {name: a[name][1] for name in _NDIM}
    values["labels"] = labels
    values["width"] = width
    return values


def _read(directory: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The checked arrays (numpy-free) and the manifest of a model directory."""
    manifest, arrays_path, data = _checked(directory)
    try:
        a = read_npz(data, names=_NDIM, max_bytes=MAX_ARRAY_BYTES)
    except NpyError as exc:
        raise ModelError(f"{arrays_path}: {exc}") from None
    return _validated(a, arrays_path), manifest


def load(directory: str | Path) -> tuple[LinearModel, dict[str, Any]]:
    """Read a model directory into numpy arrays, after all of ``load_light``'s checks
    (``np.load`` is not used: it would allocate what a crafted header declares)."""
    import numpy as np

    v, manifest = _read(directory)
    model = LinearModel(
        labels=v["labels"],
        vocabulary=tuple(v["vocabulary"]),
        idf=np.array(v["idf"], dtype=np.float64),
        evidence_names=tuple(v["evidence_names"]),
        coef=np.array(v["coef"], dtype=np.float64).reshape(len(v["labels"]), v["width"]),
        intercept=np.array(v["intercept"], dtype=np.float64),
        evidence_scale=v["evidence_scale"],
        temperature=v["temperature"],
    )
    return model, manifest


def load_light(directory: str | Path) -> tuple[LinearModel, dict[str, Any]]:
    """``load`` without numpy (for classifying): float arrays as ``array('d')``, ``coef`` as
    one ``array('d')`` a label.  Same checks, same refusal of anything pickled."""
    v, manifest = _read(directory)
    flat, width = v["coef"], v["width"]
    model = LinearModel(
        labels=v["labels"],
        vocabulary=tuple(v["vocabulary"]),
        idf=v["idf"],
        evidence_names=tuple(v["evidence_names"]),
        coef=[flat[k * width:(k + 1) * width] for k in range(len(v["labels"]))],
        intercept=v["intercept"],
        evidence_scale=v["evidence_scale"],
        temperature=v["temperature"],
    )
    return model, manifest
