"""What every recogniser is: a small unit with a name, a kind and ``analyze``."""

from __future__ import annotations

import re
from typing import Any, Protocol

from smsclf.evidence import Evidence, new_evidence
from smsclf.normalize import NormalizedText


class Recognizer(Protocol):
    """Finds one kind of evidence in a normalised message."""

    name: str
    kind: str

    def analyze(self, doc: NormalizedText) -> list[Evidence]: ...


def make_evidence(
    doc: NormalizedText, kind: str, start: int, end: int, details: dict[str, Any]
) -> Evidence:
    """Evidence for ``doc.text[start:end]``, with its span mapped to the original text."""
    if end > start:  # doc.span inlined: every message makes several of these
        ostart, oend = doc.starts[start], doc.ends[end - 1]
    else:
        ostart, oend = doc.span(start, end)
    return new_evidence(kind, ostart, oend, doc.original[ostart:oend], details)


def preceded_by(text: str, pos: int, words: tuple[str, ...], window: int = 8) -> bool:
    """Whether one of ``words`` ends within ``window`` characters before ``pos`` (context)."""
    before = text[max(0, pos - window) : pos]
    return any(w in before for w in words)


try:  # the regular-expression parser of the re module (renamed in Python 3.11)
    from re import _parser as _sre
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef]

#: A character class larger than this makes no useful test.
_MAX_CLASS = 64


def required_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Characters one of which every match of ``pattern`` contains, or None when the
    pattern does not tell (a class too large, an optional part).  Whether a text holds one
    of a few characters is much cheaper to test than a search that finds nothing, which is
    what most patterns find in most messages."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        return _sequence(_sre.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - an unknown parser: no test, the search still runs
        return None


def _sequence(items) -> frozenset[str] | None:
    """Every item of a sequence must match: the smallest set any one of them requires."""
    best = None
    for op, av in items:
        chars = _item(op, av)
        if chars is not None and (best is None or len(chars) < len(best)):
            best = chars
    return best


def _item(op, av) -> frozenset[str] | None:
    if op is _sre.LITERAL:
        return frozenset(chr(av))
    if op is _sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is _sre.LITERAL:
                chars.add(chr(value))
            elif kind is _sre.RANGE and value[1] - value[0] < _MAX_CLASS:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:  # NEGATE, CATEGORY, a large range
                return None
        return frozenset(chars) if len(chars) <= _MAX_CLASS else None
    if op is _sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & re.IGNORECASE else _sequence(sub)
    if op is _sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            chars = _sequence(branch)
            if chars is None:
                return None
            union |= chars
        return frozenset(union)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) or op is getattr(_sre, "POSSESSIVE_REPEAT", None):
        low, _high, sub = av
        return _sequence(sub) if low >= 1 else None
    if op is _sre.ASSERT:  # a positive lookahead or lookbehind matches text too
        return _sequence(av[1])
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _sequence(av)
    return None  # ANY, AT, ASSERT_NOT, group references, …


def anchored_at_start(pattern: re.Pattern[str]) -> bool:
    """Whether ``pattern`` can match only at the start of the text (it opens with ``^`` and
    has no MULTILINE): ``match`` then finds what ``finditer`` would, without trying every
    other position."""
    if pattern.flags & re.MULTILINE:
        return False
    try:
        items = _sre.parse(pattern.pattern, pattern.flags)
        op, av = items[0]
    except Exception:  # noqa: BLE001
        return False
    return op is _sre.AT and av is _sre.AT_BEGINNING


def widths(pattern: str) -> tuple[int, int | None]:
    """The fewest and the most characters a match of ``pattern`` can have (None: unbounded
    or unknown); (0, None) when the pattern cannot be read."""
    try:
        low, high = _sre.parse(pattern).getwidth()
    except Exception:  # noqa: BLE001
        return 0, None
    return low, (high if high < _sre.MAXREPEAT else None)
