"""``extract(text)``: run every registered recogniser and check their findings together."""

from __future__ import annotations

import dataclasses

from smsclf.evidence import Evidence
from smsclf.normalize import NormalizedText, normalize
from smsclf.recognizers import RECOGNIZERS

# Numbers inside a case number or a link are part of it, not a phone number or an amount.
_CONTAINERS = frozenset({"case_number", "document_number"})
_CONTAINED = frozenset({"channel", "money", "deadline"})


def extract(text: str) -> list[Evidence]:
    """The evidence found in ``text``, sorted by position.

    Raises TypeError for anything but a str.  Only the first
    :data:`smsclf.normalize.MAX_CHARS` characters are analysed.
    """
    return extract_normalized(normalize(text))


def extract_normalized(doc: NormalizedText) -> list[Evidence]:
    """``extract`` for a text already normalised (the classifier normalises once)."""
    if not doc.text.strip():
        return []
    found: list[Evidence] = []
    for recognizer in RECOGNIZERS:
        found.extend(recognizer.analyze(doc))
    found = _drop_contained(found)
    found = _check_court_consistency(found)
    return sorted(found, key=lambda e: (e.start, -e.end, e.kind))


def _drop_contained(found: list[Evidence]) -> list[Evidence]:
    containers = [(e.start, e.end) for e in found if e.kind in _CONTAINERS
                  or (e.kind == "channel" and e.details.get("type") == "url")]
    out = []
    for e in found:
        if e.kind in _CONTAINED and not (e.kind == "channel" and e.details.get("type") == "url"):
            if any(s <= e.start and e.end <= t for s, t in containers):
                continue
        out.append(e)
    return out


def _fits(code: str, type_code: str, named: set[str]) -> bool:
    """Whether a case number's court code fits the courts a message names: one of theirs;
    a named court's first-instance number cited by its intermediate court (an appeal); or
    the intermediate court's appeal number (…终…) sent back by the basic court below it.
    All three are in real documents; a basic court with its intermediate court's 民初
    number is not."""
    if code in named:
        return True
    if len(code) > 3:  # a basic court's number: its intermediate court may name it
        return code[:3] in named
    return "终" in type_code and any(len(n) > 3 and n[:3] == code for n in named)


def _check_court_consistency(found: list[Evidence]) -> list[Evidence]:
    """Mark case numbers whose court code fits none of the courts the message names."""
    named = {e.details["code"] for e in found if e.kind == "court" and e.details.get("code")}
    # every code of a court that kept the code of a renamed or merged division
    named |= {c for e in found if e.kind == "court" for c in e.details.get("codes", ())}
    numbers = [(e.details["court_code"], e.details.get("type_code") or "") for e in found
               if e.kind == "case_number" and e.details.get("court_code")]
    codes = {code for code, _ in numbers}
    if not named or not codes:
        return found
    consistent = any(_fits(code, type_code, named) for code, type_code in numbers)
    out = []
    for e in found:
        if e.kind == "court" and e.details.get("code"):
            e = dataclasses.replace(
                e, details={**e.details, "matches_case_number": e.details["code"] in codes})
        elif (not consistent and e.kind == "case_number" and e.details.get("court_code")
              and e.details.get("form") == "new"):
            problems = [*e.details["problems"], "court_mismatch"]
            e = dataclasses.replace(e, details={**e.details, "valid": False, "problems": problems,
                                                "courts_named": sorted(named)})
        out.append(e)
    return out
