"""Reading the arrays of a model's ``.npz`` file without numpy.

Classifying then needs neither numpy's import time nor its memory (about 15 MB).  Only the
dtypes a model file holds are read: little- or big-endian float64 and fixed-width unicode;
a pickled (object) array is refused, as ``np.load(allow_pickle=False)`` would refuse it.
"""

from __future__ import annotations

import ast
import struct
import sys
import zipfile
from array import array
from pathlib import Path

_MAGIC = b"\x93NUMPY"


class NpyError(ValueError):
    """An array this reader does not accept."""


def _parse(data: bytes, name: str) -> tuple[str, tuple[int, ...], bytes]:
    if not data.startswith(_MAGIC) or len(data) < 10:
        raise NpyError(f"{name}: not a .npy array")
    major = data[6]
    if major == 1:
        (hlen,), start = struct.unpack("<H", data[8:10]), 10
    elif major in (2, 3):
        (hlen,), start = struct.unpack("<I", data[8:12]), 12
    else:
        raise NpyError(f"{name}: .npy format version {major} is not supported")
    header = ast.literal_eval(data[start : start + hlen].decode("latin1"))
    if not isinstance(header, dict) or header.get("fortran_order"):
        raise NpyError(f"{name}: unsupported array layout")
    return header["descr"], tuple(header["shape"]), data[start + hlen :]


def _decode(descr: str, shape: tuple[int, ...], body: bytes, name: str):
    count = 1
    for n in shape:
        count *= n
    if descr in ("<f8", ">f8"):
        values = array("d")
        values.frombytes(body[: 8 * count])
        if (descr[0] == "<") != (sys.byteorder == "little"):
            values.byteswap()
        return values[0] if shape == () else values
    if descr[:2] in ("<U", ">U"):
        width = int(descr[2:])
        encoding = "utf-32-le" if descr[0] == "<" else "utf-32-be"
        items = [body[i * 4 * width : (i + 1) * 4 * width].decode(encoding).rstrip("\x00")
                 for i in range(count)]
        return items[0] if shape == () else items
    raise NpyError(f"{name}: dtype {descr!r} is not read (object arrays are never loaded)")


def read_npz(path: Path) -> dict[str, tuple[tuple[int, ...], object]]:
    """``{name: (shape, values)}``: float64 arrays as ``array('d')`` (flat, C order),
    unicode arrays as lists of str, 0-d arrays as a plain value."""
    out: dict[str, tuple[tuple[int, ...], object]] = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = info.filename.removesuffix(".npy")
            descr, shape, body = _parse(zf.read(info), name)
            out[name] = (shape, _decode(descr, shape, body, name))
    return out
