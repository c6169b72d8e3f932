"""The unit of evidence every recogniser returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
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
