"""Loading a model trusts nothing past the manifest's hash.

Every bad model here is built from a valid one and re-hashed, so the sha256 check passes
and only the checks after it can catch the fault.  Each one must end as a ``ModelError``
naming the file and the reason, quickly and in little memory, through all three entry
points (``model.load``, ``model.load_light``, ``Classifier.load``).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import shutil
import struct
import tempfile
import time
import tracemalloc
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from smsclf import model as M
from smsclf.classifier import Classifier, Result
from smsclf.model import LABELS, ModelError

NPZ, MANIFEST = "model.npz", "manifest.json"
#: what one load of the small model may allocate at its peak, refused or not
PEAK_LIMIT = 64 << 20
#: what one load may take, refused or not (a few ms in practice: this only catches work
#: proportional to a declared size)
TIME_LIMIT = 5.0
#: the limit on the arrays' total size; read this way so the tests run against any version
ARRAY_LIMIT = getattr(M, "MAX_ARRAY_BYTES", 256 << 20)
WEIGHT_LIMIT = getattr(M, "MAX_WEIGHT", 1e6)
POSITIVE_MIN = getattr(M, "MIN_POSITIVE", 1e-6)
MAGIC = b"\x93NUMPY"
MESSAGES = ("【北京市朝阳区人民法院】你的案件（2024）京0105民初1号已立案，"
            "请速加微信 fayuan123 缴纳诉讼费，逾期将强制执行",
            "晚上一起吃饭吗？")


# -- building bad models -----------------------------------------------------------------

def _members(model: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(model / NPZ) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def _zip(items: list[tuple[str, bytes]], compress_type: int = zipfile.ZIP_DEFLATED,
         comment: bytes = b"") -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():  # duplicate names are written on purpose
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buf, "w") as zf:
            for name, data in items:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = compress_type
                zf.writestr(info, data)
            zf.comment = comment
    return buf.getvalue()


def _edit_manifest(model: Path, edit: Callable[[dict], object]) -> None:
    path = model / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    edit(manifest)
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _rehash(model: Path, npz: Path | None = None) -> None:
    digest = hashlib.sha256((npz or model / NPZ).read_bytes()).hexdigest()
    _edit_manifest(model, lambda m: m["arrays"].__setitem__("sha256", digest))


def _write_npz(model: Path, data: bytes) -> None:
    (model / NPZ).write_bytes(data)
    _rehash(model)


def _set_member(model: Path, name: str, data: bytes) -> None:
    items = [(n, d) for n, d in _members(model) if n != name] + [(name, data)]
    _write_npz(model, _zip(items))


def _npy(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


def _raw_npy(header: str, body: bytes = b"", version: int = 1) -> bytes:
    """A .npy member with any header text (padded and ended like numpy's)."""
    text = (header + " " * (-(len(header) + 11) % 64) + "\n").encode("latin1")
    size = struct.pack("<H", len(text)) if version == 1 else struct.pack("<I", len(text))
    return MAGIC + bytes([version, 0]) + size + text + body


def _header(descr: object, shape: object, fortran_order: object = False) -> str:
    return repr({"descr": descr, "fortran_order": fortran_order, "shape": shape})


def _array(model: Path, name: str) -> np.ndarray:
    data = dict(_members(model))[f"{name}.npy"]
    return np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)


def _set_array(model: Path, name: str, array: np.ndarray, allow_pickle: bool = False) -> None:
    _set_member(model, f"{name}.npy", _npy(array, allow_pickle))


def _changed(name: str, change: Callable[[np.ndarray], object]) -> Callable[[Path], None]:
    """A builder that changes array ``name`` in place (or replaces it by what it returns)."""
    def build(model: Path) -> None:
        a = _array(model, name).copy()
        out = change(a)
        _set_array(model, name, a if out is None else np.asarray(out))
    return build


def _patch_directory(data: bytes, name: str, *, size: int | None = None,
                     flags: int | None = None) -> bytes:
    """The zip with member ``name``'s declared uncompressed size or flag bits changed, in
    its central directory entry and its local header alike (the CRC is left alone)."""
    out = bytearray(data)
    (cd_offset,) = struct.unpack_from("<I", data, len(data) - 6)
    pos = cd_offset
    while data[pos:pos + 4] == b"PK\x01\x02":
        n_name, n_extra, n_comment = struct.unpack_from("<3H", data, pos + 28)
        (local,) = struct.unpack_from("<I", data, pos + 42)
        if data[pos + 46:pos + 46 + n_name] == name.encode():
            if size is not None:
                struct.pack_into("<I", out, pos + 24, size)
                struct.pack_into("<I", out, local + 22, size)
            if flags is not None:
                struct.pack_into("<H", out, pos + 8, flags)
                struct.pack_into("<H", out, local + 6, flags)
        pos += 46 + n_name + n_extra + n_comment
    return bytes(out)


def _bomb(model: Path) -> bytes:
    """The model's zip with ``coef.npy`` a valid array of zeros just over the limit on the
    arrays' size: about 260 KB on disk, streamed so that building it stays small."""
    n = ARRAY_LIMIT // 24 + 1
    header = _raw_npy(_header("<f8", (3, n)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in _members(model):
            if name != "coef.npy":
                zf.writestr(name, data)
        info = zipfile.ZipInfo("coef.npy")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=False) as f:
            f.write(header)
            chunk, left = bytes(1 << 20), 24 * n
            while left > 0:
                f.write(chunk[:left])
                left -= len(chunk)
    return buf.getvalue()


def _elsewhere(model: Path) -> Path:
    """A copy of the model's array file outside the model directory."""
    other = model.parent / "elsewhere"
    other.mkdir()
    shutil.copy(model / NPZ, other / NPZ)
    return other / NPZ


CASES: list = []


def case(file: str, reason: str) -> Callable:
    """Register a builder of a bad model: ``file`` must be named in the error, and
    ``reason`` (a regex) must match it."""
    def register(build: Callable[[Path], None]) -> Callable[[Path], None]:
        CASES.append(pytest.param(build, file, reason, id=build.__name__))
        return build
    return register


def _register(name: str, file: str, reason: str, build: Callable[[Path], None]) -> None:
    build.__name__ = name
    case(file, reason)(build)


# sizes: declared sizes must agree with the bytes there are, and stay under the limits

@case(NPZ, r"idf\.npy: .*bytes")
def huge_declared_shape(model):
    _set_member(model, "idf.npy", _raw_npy(_header("<f8", (10**10,)), bytes(8)))


@case(NPZ, r"vocabulary\.npy: .*bytes")
def huge_declared_string_count(model):
    _set_member(model, "vocabulary.npy", _raw_npy(_header("<U16", (10**10,))))


@case(NPZ, r"coef\.npy: .*bytes")
def huge_declared_2d_shape(model):
    _set_member(model, "coef.npy", _raw_npy(_header("<f8", (3, 10**12)), bytes(64)))


@case(NPZ, r"coef\.npy.*(declare|limit)")
def zip_bomb(model):
    _write_npz(model, _bomb(model))


@case(NPZ, r"limit")
def declared_size_over_the_limit(model):
    _write_npz(model, _patch_directory((model / NPZ).read_bytes(), "coef.npy",
                                       size=ARRAY_LIMIT + 1))


@case(NPZ, r"(CRC|damaged).*coef\.npy")
def member_inflating_beyond_its_declared_size(model):
    small = _npy(_array(model, "coef"))
    big = _raw_npy(_header("<f8", (3, 1 << 18)), bytes(24 << 18))
    items = [(n, d) for n, d in _members(model) if n != "coef.npy"] + [("coef.npy", big)]
    _write_npz(model, _patch_directory(_zip(items), "coef.npy", size=len(small)))


@case(NPZ, r"(idf\.npy: .*bytes|shape)")
def trailing_bytes(model):
    _set_member(model, "idf.npy", _npy(_array(model, "idf")) + bytes(8))


@case(NPZ, r"idf\.npy: .*bytes")
def truncated_data(model):
    _set_member(model, "idf.npy", _npy(_array(model, "idf"))[:-8])


@case(NPZ, r"(too large|limit)")
def array_file_over_the_limit(model):
    with open(model / NPZ, "r+b") as f:  # sparse: no disk space, no time
        f.truncate(ARRAY_LIMIT + 1)
    _edit_manifest(model, lambda m: m["arrays"].__setitem__("sha256", "0" * 64))


@case(NPZ, r"members")
def too_many_members(model):
    extra = [(f"x{i}.npy", _npy(np.zeros(1))) for i in range(40)]
    _write_npz(model, _zip(_members(model) + extra))


# the zip container

@case(NPZ, r"zip")
def not_a_zip(model):
    _write_npz(model, b"this is not a zip archive" * 10)


@case(NPZ, r"zip")
def empty_array_file(model):
    _write_npz(model, b"")


@case(NPZ, r"comment")
def zip_with_a_comment(model):
    _write_npz(model, _zip(_members(model), comment=b"hello"))


@case(NPZ, r"compression")
def bzip2_members(model):
    _write_npz(model, _zip(_members(model), compress_type=zipfile.ZIP_BZIP2))


@case(NPZ, r"encrypted")
def encrypted_member(model):
    _write_npz(model, _patch_directory(_zip(_members(model)), "idf.npy", flags=1))


@case(NPZ, r"temperature.*missing|missing.*temperature")
def missing_array(model):
    _write_npz(model, _zip([(n, d) for n, d in _members(model) if n != "temperature.npy"]))


@case(NPZ, r"extra\.npy")
def extra_array(model):
    _write_npz(model, _zip(_members(model) + [("extra.npy", _npy(np.zeros(3)))]))


@case(NPZ, r"duplicate.*idf\.npy|idf\.npy.*duplicate")
def duplicate_member(model):
    items = _members(model)
    _write_npz(model, _zip(items + [next(x for x in items if x[0] == "idf.npy")]))


@case(NPZ, r"sub/idf\.npy")
def member_in_a_folder(model):
    _write_npz(model, _zip([("sub/" + n if n == "idf.npy" else n, d)
                            for n, d in _members(model)]))


# the .npy header

@case(NPZ, r"idf\.npy: .*header")
def bad_header_syntax(model):
    _set_member(model, "idf.npy",
                _raw_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,", bytes(24)))


@case(NPZ, r"idf\.npy: .*header")
def deeply_nested_header(model):
    _set_member(model, "idf.npy", _raw_npy("-" * 4000 + "1"))


@case(NPZ, r"idf\.npy: .*header")
def header_too_long(model):
    idf = _array(model, "idf")
    header = _header("<f8", idf.shape) + " " * 70000
    _set_member(model, "idf.npy", _raw_npy(header, idf.tobytes(), version=2))


@case(NPZ, r"idf\.npy: .*header")
def header_not_a_dict(model):
    _set_member(model, "idf.npy", _raw_npy("[1, 2, 3]"))


@case(NPZ, r"intercept\.npy: .*header")
def header_with_an_extra_key(model):
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': 1}"
    _set_member(model, "intercept.npy", _raw_npy(header, bytes(24)))


@case(NPZ, r"intercept\.npy: .*header")
def header_without_shape(model):
    _set_member(model, "intercept.npy",
                _raw_npy("{'descr': '<f8', 'fortran_order': False}", bytes(24)))


@case(NPZ, r"intercept\.npy: .*shape")
def negative_shape(model):
    _set_member(model, "intercept.npy", _raw_npy(_header("<f8", (-1,)), bytes(24)))


@case(NPZ, r"intercept\.npy: .*shape")
def shape_a_list(model):
    _set_member(model, "intercept.npy", _raw_npy(_header("<f8", [3]), bytes(24)))


@case(NPZ, r"labels\.npy: .*shape")
def shape_of_bools(model):
    labels = _array(model, "labels")
    _set_member(model, "labels.npy",
                _raw_npy(_header(labels.dtype.str, (True, 3)), labels.tobytes()))


@case(NPZ, r"intercept\.npy: .*(dtype|descr)")
def descr_not_a_string(model):
    _set_member(model, "intercept.npy", _raw_npy(_header(8, (3,)), bytes(24)))


@case(NPZ, r"intercept\.npy: .*fortran")
def fortran_order_not_a_bool(model):
    _set_member(model, "intercept.npy", _raw_npy(_header("<f8", (3,), 0), bytes(24)))


@case(NPZ, r"coef\.npy: .*fortran")
def fortran_order(model):
    _set_array(model, "coef", np.asfortranarray(_array(model, "coef")))


@case(NPZ, r"idf\.npy: .*version")
def npy_version_4(model):
    _set_member(model, "idf.npy", MAGIC + b"\x04\x00" + bytes(60))


@case(NPZ, r"idf\.npy: .*npy")
def member_not_npy(model):
    _set_member(model, "idf.npy", b"PK\x03\x04 not an array at all")


# dtypes and shapes

_register("object_dtype", NPZ, r"labels\.npy: .*object",
          lambda m: _set_array(m, "labels", np.array([{"a": 1}] * 3, dtype=object), True))
_register("int_dtype", NPZ, r"idf\.npy: .*dtype", _changed("idf", lambda a: a.astype(np.int64)))
_register("float32_dtype", NPZ, r"coef\.npy: .*dtype",
          _changed("coef", lambda a: a.astype(np.float32)))
_register("floats_for_labels", NPZ, r"labels\.npy: .*(unicode|str)",
          lambda m: _set_array(m, "labels", np.zeros(3)))
_register("strings_for_idf", NPZ, r"idf\.npy: .*float", _changed("idf", lambda a: a.astype(str)))
_register("unicode_too_wide", NPZ, r"labels\.npy: .*(width|wide)",
          _changed("labels", lambda a: a.astype("<U2000")))
_register("invalid_code_point", NPZ, r"labels\.npy: .*unicode",
          lambda m: _set_member(m, "labels.npy", _raw_npy(
              _header("<U1", (3,)), struct.pack("<3I", 0x110000, 0x110001, 0xFFFFFFFF))))
_register("idf_2d", NPZ, r"idf\.npy: .*(1-D|ndim|dimension)",
          _changed("idf", lambda a: a.reshape(1, -1)))
_register("coef_1d", NPZ, r"coef\.npy: .*(2-D|ndim|dimension)",
          _changed("coef", lambda a: a.ravel()))
_register("temperature_1d", NPZ, r"temperature\.npy: .*(0-D|scalar|ndim|dimension)",
          _changed("temperature", lambda a: a.reshape(1)))
_register("labels_0d", NPZ, r"labels\.npy: .*(1-D|ndim|dimension)",
          lambda m: _set_array(m, "labels", np.array("genuine")))
_register("coef_too_narrow", NPZ, r"coef\.npy: .*shape", _changed("coef", lambda a: a[:, :-1]))
_register("coef_too_few_rows", NPZ, r"(coef|labels)\.npy: .*",
          _changed("coef", lambda a: a[:2]))
_register("idf_too_short", NPZ, r"idf\.npy: .*shape", _changed("idf", lambda a: a[:-1]))
_register("intercept_too_long", NPZ, r"intercept\.npy: .*shape",
          _changed("intercept", lambda a: np.append(a, 0.0)))

# values

def _put(index, value):
    def change(a):
        a[index] = value
    return change


for _name, _index in (("coef", (0, 0)), ("idf", 0), ("intercept", 1)):
    for _value in (math.nan, math.inf, -math.inf, 1e300):
        _register(f"{_name}_{_value}", NPZ, rf"{_name}\.npy: .*(finite|range|between)",
                  _changed(_name, _put(_index, _value)))
_register("idf_zero", NPZ, r"idf\.npy: .*(range|between)", _changed("idf", _put(0, 0.0)))
_register("idf_negative", NPZ, r"idf\.npy: .*(range|between)", _changed("idf", _put(0, -2.0)))
for _name in ("temperature", "evidence_scale"):
    for _value in (0.0, -1.0, math.nan, math.inf, 1e-300, 1e300):
        _register(f"{_name}_{_value}", NPZ, rf"{_name}\.npy: .*(finite|range|between)",
                  _changed(_name, lambda a, v=_value: np.array(v)))

for _id, _labels in (("renamed", ["genuine", "fake", "other"]),
                     ("reordered", ["fake", "genuine", "unrelated"]),
                     ("two", ["genuine", "fake"]),
                     ("four", ["genuine", "fake", "unrelated", "unrelated"]),
                     ("padded", ["genuine ", "fake", "unrelated"])):
    _register(f"labels_{_id}", NPZ, r"labels\.npy: .*labels",
              lambda m, v=_labels: _set_array(m, "labels", np.array(v)))


def _duplicate_first(a):
    a[1] = a[0]


_register("duplicate_vocabulary", NPZ, r"vocabulary\.npy: .*duplicate",
          _changed("vocabulary", _duplicate_first))
_register("vocabulary_without_prefix", NPZ, r"vocabulary\.npy: .*(w:|prefix)",
          _changed("vocabulary", _put(0, "zz")))
_register("duplicate_evidence_name", NPZ, r"evidence_names\.npy: .*duplicate",
          _changed("evidence_names", _duplicate_first))
_register("empty_evidence_name", NPZ, r"evidence_names\.npy: .*empty",
          _changed("evidence_names", _put(0, "")))


# the manifest

def _set_arrays_file(model: Path, value: object) -> None:
    _edit_manifest(model, lambda m: m["arrays"].__setitem__("file", value))


@case(MANIFEST, r"arrays\.file")
def arrays_file_in_the_parent(model):
    _elsewhere(model)
    _set_arrays_file(model, "../elsewhere/model.npz")


@case(MANIFEST, r"arrays\.file")
def arrays_file_absolute(model):
    _set_arrays_file(model, str(_elsewhere(model)))


@case(MANIFEST, r"arrays\.file")
def arrays_file_in_a_subfolder(model):
    (model / "sub").mkdir()
    shutil.copy(model / NPZ, model / "sub" / NPZ)
    _set_arrays_file(model, "sub/model.npz")


for _id, _value in (("dotdot", ".."), ("dot", "."), ("empty", ""), ("backslash", "..\\model.npz"),
                    ("nul", "model.npz\x00"), ("int", 5), ("list", ["model.npz"]),
                    ("none", None)):
    _register(f"arrays_file_{_id}", MANIFEST, r"arrays\.file",
              lambda m, v=_value: _set_arrays_file(m, v))


@case(NPZ, r"outside")
def array_file_symlink_outside(model):
    target = _elsewhere(model)
    (model / NPZ).unlink()
    (model / NPZ).symlink_to(target)


@case(MANIFEST, r"outside")
def manifest_symlink_outside(model):
    other = model.parent / "elsewhere"
    other.mkdir()
    shutil.move(model / MANIFEST, other / MANIFEST)
    (model / MANIFEST).symlink_to(other / MANIFEST)


@case(NPZ, r"regular file")
def array_file_a_folder(model):
    (model / NPZ).unlink()
    (model / NPZ).mkdir()


@case(MANIFEST, r"arrays")
def arrays_not_a_dict(model):
    _edit_manifest(model, lambda m: m.__setitem__("arrays", ["model.npz", "0" * 64]))


@case(MANIFEST, r"arrays")
def arrays_missing(model):
    _edit_manifest(model, lambda m: m.pop("arrays"))


@case(MANIFEST, r"sha256")
def sha256_not_a_string(model):
    _edit_manifest(model, lambda m: m["arrays"].__setitem__("sha256", 123))


@case(MANIFEST, r"(too large|limit)")
def manifest_too_large(model):
    _edit_manifest(model, lambda m: m.__setitem__("padding", "x" * (1 << 20)))


@case(MANIFEST, r"UTF-8")
def manifest_not_utf8(model):
    path = model / MANIFEST
    path.write_bytes(path.read_bytes().replace(b'"format"', b'"f\xe9rmat"', 1))


@case(MANIFEST, r"JSON")
def manifest_deeply_nested(model):
    (model / MANIFEST).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")


@case(MANIFEST, r"nested")
def manifest_nested_within_what_json_parses(model):
    _edit_manifest(model, lambda m: m.__setitem__("x", json.loads("[" * 500 + "]" * 500)))


@case(MANIFEST, r"JSON")
def manifest_huge_number(model):
    text = (model / MANIFEST).read_text(encoding="utf-8")
    text = text.replace('"format_version": 1', '"format_version": 1' + "0" * 5000, 1)
    (model / MANIFEST).write_text(text, encoding="utf-8")


@case(MANIFEST, r"manifest")
def manifest_not_an_object(model):
    (model / MANIFEST).write_text("[]", encoding="utf-8")


@case(MANIFEST, r"version")
def format_version_true(model):
    _edit_manifest(model, lambda m: m.__setitem__("format_version", True))


@case(MANIFEST, r"version")
def format_version_float(model):
    _edit_manifest(model, lambda m: m.__setitem__("format_version", 1.0))


# -- the checks ----------------------------------------------------------------------------

def _traced(load: Callable[[], object]) -> tuple[object, Exception | None, int, float]:
    """What ``load`` returned or raised, its peak allocation and its time."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        return load(), None, tracemalloc.get_traced_memory()[1], time.perf_counter() - start
    except Exception as exc:  # handed back for the caller to judge
        return None, exc, tracemalloc.get_traced_memory()[1], time.perf_counter() - start
    finally:
        tracemalloc.stop()


def _loaders(model: Path) -> dict[str, Callable[[], Classifier]]:
    """The entry points, each ending in a Classifier (or raising)."""
    return {
        "Classifier.load": lambda: Classifier.load(model),
        "model.load": lambda: Classifier(*M.load(model)),
        "model.load_light": lambda: Classifier(*M.load_light(model)),
    }


def _assert_valid(result: Result) -> None:
    assert result.label in LABELS
    assert set(result.probabilities) == set(LABELS)
    ps = list(result.probabilities.values())
    assert all(math.isfinite(p) and 0.0 <= p <= 1.0 for p in ps), ps
    assert math.isclose(sum(ps), 1.0, abs_tol=1e-9), ps
    assert result.probabilities[result.label] == max(ps)
    assert 0.0 <= result.authenticity <= 1.0
    assert all(math.isfinite(r.contribution) for r in result.reasons)


@pytest.fixture(scope="module")
def warm(small_model) -> Path:
    """The small model, with the tokenizer and the tables loaded (not timed below)."""
    Classifier.load(small_model).classify(MESSAGES[0])
    return small_model


@pytest.mark.parametrize(("build", "file", "reason"), CASES)
def test_bad_model_is_refused(warm, tmp_path, build, file, reason):
    """Refused by every entry point, naming the file and the reason, in little memory."""
    model = tmp_path / "model"
    shutil.copytree(warm, model)
    build(model)
    for entry, load in _loaders(model).items():
        _, exc, peak, seconds = _traced(load)
        assert isinstance(exc, ModelError), f"{entry}: {exc!r}"
        assert str(model / file) in str(exc), f"{entry}: {exc}"
        assert re.search(reason, str(exc)), f"{entry}: {exc}"
        assert peak < PEAK_LIMIT, f"{entry}: peak {peak} bytes"
        assert seconds < TIME_LIMIT, f"{entry}: {seconds:.1f} s"


def test_there_are_many_bad_models():
    """The table is built by registration: a broken decorator would empty it silently."""
    assert len(CASES) >= 100


def test_valid_variants_load_the_same(warm, tmp_path):
    """Big-endian arrays, .npy version 2 headers and a symlink inside the folder are fine."""
    model = tmp_path / "model"
    shutil.copytree(warm, model)
    items = []
    for name, data in _members(model):
        a = np.lib.format.read_array(io.BytesIO(data))
        if a.dtype.kind == "f":
            items.append((name, _npy(a.astype(">f8"))))
        else:
            header = _header(a.dtype.str, a.shape)
            items.append((name, _raw_npy(header, a.tobytes(), version=2)))
    (model / "arrays.npz").write_bytes(_zip(items))
    (model / NPZ).unlink()
    (model / NPZ).symlink_to(model / "arrays.npz")
    _rehash(model, model / "arrays.npz")
    for loader in (M.load, M.load_light):
        a, _ = loader(warm)
        b, _ = loader(model)
        assert (a.labels, a.vocabulary, a.evidence_names) == (b.labels, b.vocabulary,
                                                              b.evidence_names)
        assert [list(r) for r in a.coef] == [list(r) for r in b.coef]
        assert list(a.idf) == list(b.idf) and list(a.intercept) == list(b.intercept)
        assert (a.temperature, a.evidence_scale) == (b.temperature, b.evidence_scale)
    assert Classifier.load(model).classify(MESSAGES[0]) == Classifier.load(warm).classify(
        MESSAGES[0])


def test_the_shipped_model_passes_the_checks():
    shipped = Path(__file__).resolve().parent.parent / "models" / "smsclf-1"
    a, _ = M.load(shipped)
    b, _ = M.load_light(shipped)
    assert a.labels == b.labels == LABELS
    assert a.coef.shape == (3, len(b.vocabulary) + len(b.evidence_names))


def _extreme(model: Path, coef: Callable[[np.ndarray], None], idf: float | None = None,
             temperature: float | None = None, evidence_scale: float | None = None,
             intercept: tuple[float, float, float] | None = None) -> None:
    _changed("coef", coef)(model)
    if idf is not None:
        _changed("idf", lambda a: np.full_like(a, idf))(model)
    for name, value in (("temperature", temperature), ("evidence_scale", evidence_scale),
                        ("intercept", intercept)):
        if value is not None:
            _set_array(model, name, np.array(value, dtype=np.float64))


def _fill(value: float) -> Callable[[np.ndarray], None]:
    def change(a):
        a[:] = value
    return change


def _opposed(a: np.ndarray) -> None:
    a[0], a[1], a[2] = WEIGHT_LIMIT, -WEIGHT_LIMIT, 0.0


def _alternating(a: np.ndarray) -> None:
    a[:] = WEIGHT_LIMIT
    a[:, ::2] = -WEIGHT_LIMIT


@pytest.mark.parametrize("weights", [
    dict(coef=_fill(WEIGHT_LIMIT), temperature=POSITIVE_MIN, idf=WEIGHT_LIMIT,
         evidence_scale=WEIGHT_LIMIT),
    dict(coef=_opposed, temperature=POSITIVE_MIN, idf=POSITIVE_MIN,
         intercept=(-WEIGHT_LIMIT, WEIGHT_LIMIT, 0.0)),
    dict(coef=_alternating, temperature=POSITIVE_MIN, idf=WEIGHT_LIMIT,
         evidence_scale=POSITIVE_MIN),
    dict(coef=_fill(-WEIGHT_LIMIT), temperature=WEIGHT_LIMIT, idf=POSITIVE_MIN,
         evidence_scale=WEIGHT_LIMIT, intercept=(WEIGHT_LIMIT,) * 3),
], ids=["all-largest", "opposed-rows", "alternating", "largest-temperature"])
def test_weights_at_the_limits_give_valid_verdicts(warm, tmp_path, weights):
    """The value limits are what keeps scores finite: a model at them still loads and every
    verdict is a probability distribution."""
    model = tmp_path / "model"
    shutil.copytree(warm, model)
    _extreme(model, **weights)
    for load in _loaders(model).values():
        clf = load()
        for text in MESSAGES:
            _assert_valid(clf.classify(text))


# -- fuzzing -------------------------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=4),
    max_leaves=8)
_MANIFEST_KEYS = (("format",), ("format_version",), ("arrays",), ("arrays", "file"),
                  ("arrays", "sha256"), ("feature_version",), ("tokenizer",), ("labels",),
                  ("hyperparameters",), ("new key",))
_ARRAY_NAMES = ("labels", "vocabulary", "evidence_names", "idf", "coef", "intercept",
                "evidence_scale", "temperature")
_DTYPES = ("<f8", ">f8", "<f4", "<i8", "|b1", "<U3", ">U2", "<U0", "|O", "|S3", "<U99999",
           "f8", 8, None)
_positions = st.one_of(st.integers(0, 200), st.integers(0, 1 << 22))
_edits = st.lists(st.tuples(st.sampled_from(("flip", "set", "insert", "delete")), _positions,
                            st.integers(0, 255)), min_size=1, max_size=4)


def _edit_bytes(data: bytes, edits) -> bytes:
    out = bytearray(data)
    for kind, pos, value in edits:
        if kind == "insert" or not out:
            out.insert(pos % (len(out) + 1), value)
        elif kind == "delete":
            del out[pos % len(out)]
        elif kind == "flip":
            out[pos % len(out)] ^= value or 0x80
        else:
            out[pos % len(out)] = value
    return bytes(out)


def _mutate(draw, model: Path) -> None:
    """Change the model in one of several ways, then re-hash it (unless the hash itself is
    what changes)."""
    kind = draw(st.sampled_from(("npz bytes", "member bytes", "header", "array", "value",
                                 "manifest")))
    event(f"mutation: {kind}")
    items = _members(model)
    names = [n for n, _ in items]
    if kind == "npz bytes":
        _write_npz(model, _edit_bytes((model / NPZ).read_bytes(), draw(_edits)))
    elif kind == "member bytes":
        k = draw(st.integers(0, len(items) - 1))
        items[k] = (items[k][0], _edit_bytes(items[k][1], draw(_edits)))
        _write_npz(model, _zip(items))
    elif kind == "header":
        name = draw(st.sampled_from(names))
        a = np.lib.format.read_array(io.BytesIO(dict(items)[name]))
        header = {"descr": draw(st.sampled_from((a.dtype.str, *_DTYPES))),
                  "fortran_order": draw(st.sampled_from((False, False, True, 0, None))),
                  "shape": draw(st.one_of(
                      st.just(a.shape),
                      st.lists(st.integers(-2, 10**12) | st.integers(0, 5), max_size=3
                               ).map(tuple),
                      st.sampled_from(([3], (True,), None, (3.0,)))))}
        if draw(st.booleans()):
            header[draw(st.sampled_from(("x", "descr ", 1)))] = 1
        if draw(st.booleans()):
            header.pop(draw(st.sampled_from(tuple(header))))
        version = draw(st.sampled_from((1, 2, 3)))
        _set_member(model, name, _raw_npy(repr(header), a.tobytes(), version))
    elif kind == "array":
        name = draw(st.sampled_from(_ARRAY_NAMES))
        dtype = draw(st.sampled_from(("<f8", ">f8", "<i8", "<f4", "<U3", "<U12", "|b1")))
        shape = draw(array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=4))
        _set_array(model, name, draw(arrays(np.dtype(dtype), shape)))
    elif kind == "value":
        name = draw(st.sampled_from(("coef", "idf", "intercept", "evidence_scale",
                                     "temperature", "labels", "vocabulary", "evidence_names")))
        a = _array(model, name).copy()
        index = tuple(draw(st.integers(0, n - 1)) for n in a.shape) if a.size else None
        if index is not None:
            a[index] = draw(st.floats() | st.floats(-WEIGHT_LIMIT, WEIGHT_LIMIT)
                            if a.dtype.kind == "f" else st.sampled_from(
                (*LABELS, "", "w:", "b:x y", "zz", str(a.flat[0]))))
            _set_array(model, name, a)
    else:
        path = draw(st.sampled_from(_MANIFEST_KEYS))
        value = draw(_JSON)

        def edit(m: dict) -> None:
            target = m
            for key in path[:-1]:
                target = target.get(key) if isinstance(target, dict) else None
            if isinstance(target, dict):
                target[path[-1]] = value
        _edit_manifest(model, edit)


@settings(max_examples=150, deadline=2000,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_models_load_or_are_refused(warm, data):
    """Whatever the change, every entry point raises ModelError or gives a Classifier whose
    verdicts are valid, in bounded memory."""
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "model"
        shutil.copytree(warm, model)
        _mutate(data.draw, model)
        for entry, load in _loaders(model).items():
            clf, exc, peak, _ = _traced(load)
            assert peak < PEAK_LIMIT, f"{entry}: peak {peak} bytes"
            event(f"{entry}: {'refused' if exc else 'loaded'}")
            if exc is not None:  # (Classifier's own refusals do not name the directory)
                assert isinstance(exc, ModelError), f"{entry}: {exc!r}"
                continue
            for text in MESSAGES:
                _assert_valid(clf.classify(text))


@settings(max_examples=150, deadline=1000)
@given(header=st.binary(max_size=300), body=st.binary(max_size=64),
       version=st.sampled_from((1, 2, 3)))
def test_any_npy_member_is_read_or_refused(header, body, version):
    """The numpy-free reader raises only NpyError, whatever the bytes of a member."""
    from smsclf.npy import NpyError, read_npz

    member = (MAGIC + bytes([version, 0]) + struct.pack("<H" if version == 1 else "<I",
                                                        len(header)) + header + body)
    try:
        read_npz(_zip([("x.npy", member)]))
    except NpyError:
        pass


def test_no_limit_is_unbounded():
    """The limits are module constants, documented, and small enough to matter."""
    from smsclf import npy

    assert 0 < M.MAX_MANIFEST_BYTES <= 16 << 20
    assert 8 <= M.MAX_MANIFEST_DEPTH <= 100
    assert 0 < M.MAX_ARRAY_BYTES <= 1 << 30
    assert 8 <= npy.MAX_MEMBERS <= 1024
    assert 128 <= npy.MAX_HEADER_BYTES <= 65536
    assert 0 < npy.MAX_UNICODE_WIDTH <= 4096
    assert os.sep not in M.ARRAYS_FILE
