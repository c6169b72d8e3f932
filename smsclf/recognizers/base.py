"""What every recogniser is: a small unit with a name, a kind and ``analyze``."""

from __future__ import annotations

from typing import Any, Protocol

from smsclf.evidence import Evidence
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
    return Evidence(kind, ostart, oend, doc.original[ostart:oend], details)


def preceded_by(text: str, pos: int, words: tuple[str, ...], window: int = 8) -> bool:
    """Whether one of ``words`` ends within ``window`` characters before ``pos`` (context)."""
    before = text[max(0, pos - window) : pos]
    return any(w in before for w in words)
