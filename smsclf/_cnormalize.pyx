# cython: language_level=3
"""Compiled twin of two per-character loops: ``smsclf.normalize._one_to_one`` and
``smsclf.tokenize._kept``.  Both twins read the same lookup tables (filled by the
pure-Python functions), so the rules live in one place; the loops run here in C."""

from cpython.mem cimport PyMem_Free, PyMem_Malloc


cdef extern from "Python.h":
    object PyUnicode_FromKindAndData(int kind, const void *buffer, Py_ssize_t size)
    int PyUnicode_4BYTE_KIND

#: checked by smsclf.accel against the number the pure-Python sources expect
ABI = 1

# code point -> 1 + the code point it becomes, 0 while unknown, _UNEVEN when it does not
# become exactly one character.  Filled from the translate table, whose values are a pure
# function of the code point, so an entry never goes stale.  Pages never touched stay
# unallocated (static zeroed memory): only the code points met cost memory.  (Code points
# are held as unsigned int: Cython treats Py_UCS4 arithmetic as string operations.)
cdef unsigned int _map[0x110000]
cdef unsigned int _UNEVEN = 0xFFFFFFFF


cdef unsigned int _learn(unsigned int code, table) except 0:
    cdef unsigned int m = _UNEVEN
    out = table[code]  # the table computes and remembers what it does not know yet
    if len(out) == 1:
        m = <unsigned int>ord(out) + 1
    _map[code] = m
    return m


def one_to_one(str text, table):
    """``text.translate(table)`` if every character of ``text`` maps to exactly one
    character, else None (see ``smsclf.normalize._one_to_one``)."""
    cdef Py_ssize_t n = len(text), i = 0
    cdef Py_UCS4 ch
    cdef unsigned int c, m
    cdef bint same = True
    cdef unsigned int *buf = <unsigned int *>PyMem_Malloc(n * sizeof(unsigned int) + 1)
    if buf == NULL:
        raise MemoryError()
    try:
        for ch in text:
            c = ch
            m = _map[c]
            if m == 0:
                m = _learn(c, table)
            if m == _UNEVEN:
                return None
            m -= 1
            buf[i] = m
            same = same and m == c
            i += 1
        if same:
            return text
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, n)
    finally:
        PyMem_Free(buf)


cdef bint _ideographs_plain():
    """No ideograph U+4E00-U+9FFF is white space or a decimal digit in this Python's
    Unicode data: then ``tokenize._token`` keeps every segment made of them unchanged."""
    cdef Py_UCS4 c
    for c in range(0x4E00, 0xA000):
        if c.isspace() or c.isdecimal():
            return False
    return True


cdef bint _IDEOGRAPHS_PLAIN = _ideographs_plain()


cdef inline bint _all_ideographs(str tok):
    cdef Py_UCS4 c
    if not tok:
        return False
    for c in tok:
        if c < 0x4E00 or c > 0x9FFF:
            return False
    return True


def kept(segments, table):
    """The non-empty ``table[segment]`` of ``segments``, in order; a segment of ideographs
    only is kept as it is without a look-up (see ``smsclf.tokenize._kept``)."""
    cdef list out = []
    for seg in segments:
        if _IDEOGRAPHS_PLAIN and type(seg) is str and _all_ideographs(<str>seg):
            out.append(seg)
            continue
        word = table[seg]
        if word:
            out.append(word)
    return out
