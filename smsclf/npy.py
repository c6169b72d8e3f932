"""Reading the arrays of a model's ``.npz`` file without numpy, trusting none of its bytes.

Classifying then needs neither numpy's import time nor its memory (about 15 MB).  Only the
dtypes a model file holds are read: little- or big-endian float64 and fixed-width unicode;
a pickled (object) array is refused, as ``np.load(allow_pickle=False)`` would refuse it.

The file may have been crafted (a hash in a manifest only says that it is the file the
manifest's writer meant), so every size is checked against the bytes that are really there
before anything is allocated for it, and the work done is bounded by the limits below:

* the zip: its end record must be the file's last 22 bytes (no comment, no zip64), its
  central directory small, at most ``MAX_MEMBERS`` members, each stored or deflated, not
  encrypted, with a unique name; their declared sizes add up to at most ``max_bytes`` and
  each is read with that bound, so a member that inflates past its declared size is
  stopped there (and then fails its CRC);
* each ``.npy`` member: format version 1.0, 2.0 or 3.0, a header of at most
  ``MAX_HEADER_BYTES`` that is a dict of exactly ``descr``, ``fortran_order`` (``False``)
  and ``shape`` (a tuple of at most ``MAX_NDIM`` non-negative ints), a dtype of float64 or
  unicode of at most ``MAX_UNICODE_WIDTH`` characters, and exactly as many data bytes as
  the shape and dtype make.

Anything else raises ``NpyError``, and nothing else is raised.
"""

from __future__ import annotations

import ast
import io
import os
import re
import struct
import sys
import zipfile
from array import array
from pathlib import Path

_MAGIC = b"\x93NUMPY"

#: The most bytes the members of an ``.npz`` may hold once inflated, all together (and the
#: most the ``.npz`` file itself may hold).  A model's arrays are about 1.5 MB; the limit
#: leaves a hundredfold room and still bounds a zip bomb's memory.
MAX_ARRAY_BYTES = 256 * 1024 * 1024

#: The most members an ``.npz`` may have (a model has 8).
MAX_MEMBERS = 16

#: The most bytes of a ``.npy`` header (numpy writes about 128; its own reader's limit is
#: 10000).  It bounds the work of parsing one.
MAX_HEADER_BYTES = 4096

#: The most dimensions of an array (a model's arrays have at most 2).
MAX_NDIM = 8

#: The most characters of a fixed-width unicode dtype (``<U{n}``; a model's longest is 45).
MAX_UNICODE_WIDTH = 1024

#: The most bytes of the zip's central directory (a model's is under 600).
_MAX_DIRECTORY_BYTES = MAX_MEMBERS * 512

_HEADER_KEYS = frozenset({"descr", "fortran_order", "shape"})
_UNICODE = re.compile(r"[<>]U([1-9][0-9]{0,5})")
_END = struct.Struct("<4s4H2LH")  # the zip's end of central directory record
# what ast.literal_eval raises on text it cannot parse, or that nests too deep
_LITERAL_ERRORS = (SyntaxError, ValueError, TypeError, MemoryError, RecursionError)


class NpyError(ValueError):
    """An array this reader does not accept."""


def _parse(data: bytes, name: str) -> tuple[str, tuple[int, ...], memoryview]:
    """The dtype, the shape and the data bytes of a ``.npy`` member, all checked."""
    if len(data) < 10 or not data.startswith(_MAGIC):
        raise NpyError(f"{name}: not a .npy array")
    major, minor = data[6], data[7]
    if major == 1 and minor == 0:
        (size,), start = struct.unpack_from("<H", data, 8), 10
    elif major in (2, 3) and minor == 0 and len(data) >= 12:
        (size,), start = struct.unpack_from("<I", data, 8), 12
    else:
        raise NpyError(f"{name}: .npy format version {major}.{minor} is not supported")
    if size > MAX_HEADER_BYTES:
        raise NpyError(f"{name}: header of {size} bytes, over the limit of {MAX_HEADER_BYTES}")
    if start + size > len(data):
        raise NpyError(f"{name}: truncated header")
    try:
        text = data[start:start + size].decode("utf-8" if major == 3 else "latin1")
        header = ast.literal_eval(text)
    except _LITERAL_ERRORS as exc:  # UnicodeDecodeError is a ValueError
        raise NpyError(f"{name}: unreadable header ({type(exc).__name__})") from None
    if not isinstance(header, dict) or set(header) != _HEADER_KEYS:
        raise NpyError(f"{name}: the header must be a dict of exactly the keys descr, "
                       "fortran_order and shape")
    descr, shape = header["descr"], header["shape"]
    if header["fortran_order"] is not False:
        raise NpyError(f"{name}: fortran_order must be False (Fortran order is not read)")
    if (type(shape) is not tuple or len(shape) > MAX_NDIM
            or not all(type(n) is int and n >= 0 for n in shape)):
        raise NpyError(f"{name}: the shape must be a tuple of at most {MAX_NDIM} "
                       f"non-negative ints, not {_short(shape)}")
    if not isinstance(descr, str):
        raise NpyError(f"{name}: the dtype (descr) must be a string, not {_short(descr)}")
    return descr, shape, memoryview(data)[start + size:]


def _short(value: object) -> str:
    """``repr`` cut short: headers are attacker's text, messages should stay readable."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _decode(descr: str, shape: tuple[int, ...], body: memoryview, name: str):
    """The values of an array whose data bytes have been checked against its shape."""
    count = 1
    for n in shape:
        count *= n
    if descr in ("<f8", ">f8"):
        itemsize = 8
    elif (m := _UNICODE.fullmatch(descr)) and int(m[1]) <= MAX_UNICODE_WIDTH:
        itemsize = 4 * int(m[1])
    elif _UNICODE.fullmatch(descr):
        raise NpyError(f"{name}: unicode width {descr[2:]} is over the limit of "
                       f"{MAX_UNICODE_WIDTH}")
    else:
        raise NpyError(f"{name}: dtype {_short(descr)} is not read (only float64 and unicode; "
                       "object arrays are never loaded)")
    if count * itemsize != len(body):
        raise NpyError(f"{name}: shape {_short(shape)} of {descr} needs {count * itemsize} "
                       f"bytes of data, but {len(body)} bytes are there")
    if itemsize == 8:
        values = array("d")
        values.frombytes(body)
        if (descr[0] == "<") != (sys.byteorder == "little"):
            values.byteswap()
        return values[0] if shape == () else values
    width = itemsize // 4
    try:
        text = str(body, "utf-32-le" if descr[0] == "<" else "utf-32-be")
    except UnicodeDecodeError as exc:
        raise NpyError(f"{name}: invalid unicode data ({exc.reason})") from None
    items = [text[i:i + width].rstrip("\x00") for i in range(0, len(text), width)]
    return items[0] if shape == () else items


def _check_end(data: bytes, max_bytes: int) -> None:
    """Refuse a zip whose central directory could make ``zipfile`` do unbounded work.

    ``zipfile`` reads the end record from the file's last 22 bytes when there is no
    comment, and then as many central directory bytes as that record says; the checks here
    see the same record (a comment, or a zip64 record, would let it look elsewhere)."""
    if len(data) > max_bytes:
        raise NpyError(f"{len(data)} bytes, over the limit of {max_bytes}")
    if len(data) < _END.size or data[-_END.size:-_END.size + 4] != b"PK\x05\x06":
        raise NpyError("not a zip archive (or one with a comment)")
    *_, n_total, directory_size, _, comment = _END.unpack_from(data, len(data) - _END.size)
    if comment:
        raise NpyError("a zip archive with a comment is not read")
    if data[-_END.size - 20:-_END.size - 16] == b"PK\x06\x07":
        raise NpyError("a zip64 archive is not read")
    if n_total > MAX_MEMBERS or directory_size > _MAX_DIRECTORY_BYTES:
        raise NpyError(f"{n_total} members in a central directory of {directory_size} bytes; "
                       f"the limits are {MAX_MEMBERS} members and {_MAX_DIRECTORY_BYTES} bytes")


def _members(data: bytes, names: frozenset[str] | None, max_bytes: int
             ) -> list[tuple[str, bytes]]:
    """The members' names and inflated bytes, every size checked before it is read."""
    _check_end(data, max_bytes)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise NpyError(f"{len(infos)} members, over the limit of {MAX_MEMBERS}")
        seen: set[str] = set()
        for info in infos:
            member = info.filename
            if member in seen:
                raise NpyError(f"duplicate member {member!r}")
            seen.add(member)
            if not member.endswith(".npy") or (
                    names is not None and member.removesuffix(".npy") not in names):
                raise NpyError(f"unexpected member {member!r}")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise NpyError(f"{member}: compression method {info.compress_type} is not "
                               "read (only stored or deflated)")
            if info.flag_bits & 0x1:
                raise NpyError(f"{member}: encrypted")
        if names is not None and (missing := sorted(names - {m[:-4] for m in seen})):
            raise NpyError(f"missing arrays: {', '.join(missing)}")
        total = sum(info.file_size for info in infos)
        if total > max_bytes:
            largest = max(infos, key=lambda info: info.file_size)
            raise NpyError(f"members declare {total} bytes in all (the largest, "
                           f"{largest.filename}, {largest.file_size}), over the limit of "
                           f"{max_bytes}")
        out = []
        for info in infos:
            # zipfile stops inflating at the declared size and then checks the CRC
            with zf.open(info) as f:
                raw = f.read(info.file_size + 1)
            if len(raw) != info.file_size:
                raise NpyError(f"{info.filename}: {len(raw)} bytes, not the "
                               f"{info.file_size} its directory entry declares")
            out.append((info.filename, raw))
    return out


def read_npz(source: Path | str | bytes, *, names=None, max_bytes: int = MAX_ARRAY_BYTES
             ) -> dict[str, tuple[tuple[int, ...], object]]:
    """``{name: (shape, values)}`` of an ``.npz`` (a path or its bytes): float64 arrays as
    ``array('d')`` (flat, C order), unicode arrays as lists of str, 0-d arrays as a plain
    value.  With ``names``, the members must be exactly those arrays.  Raises only
    ``NpyError``."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        try:
            with open(source, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size > max_bytes:
                    raise NpyError(f"{source}: {size} bytes, over the limit of {max_bytes}")
                data = f.read(size + 1)  # read(n) allocates n bytes: not max_bytes
        except OSError as exc:
            raise NpyError(f"cannot read {source} ({exc})") from None
    wanted = None if names is None else frozenset(names)
    try:
        members = _members(data, wanted, max_bytes)
    except NpyError:
        raise
    except Exception as exc:
        # zipfile raises a wide and version-dependent set on damaged input (BadZipFile,
        # zlib.error, EOFError, struct.error, UnicodeDecodeError, NotImplementedError,
        # RuntimeError, ...): all of them mean the same here
        raise NpyError(f"damaged zip archive ({type(exc).__name__}: {exc})") from None
    out: dict[str, tuple[tuple[int, ...], object]] = {}
    for member, raw in members:
        descr, shape, body = _parse(raw, member)
        out[member.removesuffix(".npy")] = (shape, _decode(descr, shape, body, member))
    return out
