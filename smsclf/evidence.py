"""The unit of evidence every recogniser returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class _Factory:
    """The default of ``details``: a new empty dict for each Evidence (shown as the
    dataclass shows a default factory)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


@dataclass(frozen=True, slots=True, init=False)
class Evidence:
    """One thing found in a message.

    ``start`` and ``end`` are offsets into the ORIGINAL text, so that
    ``text[start:end] == evidence.text``.  ``details`` holds parsed values; for case
    numbers and courts it always has ``valid`` (bool) and ``problems`` (list of str).
    """

    kind: str
    start: int
    end: int
    text: str
    details: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    def __init__(self, kind: str, start: int, end: int, text: str,
                 details: dict[str, Any] = _FACTORY) -> None:  # type: ignore[assignment]
        # the slots' own setters: the generated __init__ of a frozen dataclass goes through
        # object.__setattr__ for each field, twice as slow (every message makes about ten)
        _set_kind(self, kind)
        _set_start(self, start)
        _set_end(self, end)
        _set_text(self, text)
        _set_details(self, {} if details is _FACTORY else details)

    def __reduce__(self):
        # the fields as a plain tuple: half the pickling time of the default for slots,
        # which is what classify_many's worker processes spend sending results back
        return Evidence, (self.kind, self.start, self.end, self.text, self.details)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "details": self.details,
        }


_set_kind, _set_start, _set_end, _set_text, _set_details = (
    Evidence.__dict__[name].__set__ for name in ("kind", "start", "end", "text", "details"))
_new = object.__new__


def new_evidence(kind: str, start: int, end: int, text: str, details: dict[str, Any]) -> Evidence:
    """``Evidence(kind, start, end, text, details)`` without the cost of calling a class
    (about a third of it): for the recognisers, which make about ten a message."""
    e = _new(Evidence)
    _set_kind(e, kind)
    _set_start(e, start)
    _set_end(e, end)
    _set_text(e, text)
    _set_details(e, details)
    return e
