"""``extract(text)``: run every registered recogniser and check their findings together."""

from __future__ import annotations

from smsclf.evidence import Evidence, new_evidence
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
    if not containers:  # most messages: nothing to drop
        return found
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
    named: set[str] = set()
    numbers = []
    for e in found:  # one pass: most messages have no court code or no case number
        if e.kind == "court":
            d = e.details
            if d.get("code"):
                named.add(d["code"])
            # every code of a court that kept the code of a renamed or merged division
            named.update(d.get("codes", ()))
        elif e.kind == "case_number" and e.details.get("court_code"):
            numbers.append((e.details["court_code"], e.details.get("type_code") or ""))
    if not named or not numbers:
        return found
    codes = {code for code, _ in numbers}
    consistent = any(_fits(code, type_code, named) for code, type_code in numbers)
    out = []
    for e in found:
        if e.kind == "court" and e.details.get("code"):
            e = new_evidence(e.kind, e.start, e.end, e.text,
                             {**e.details, "matches_case_number": e.details["code"] in codes})
        elif (not consistent and e.kind == "case_number" and e.details.get("court_code")
              and e.details.get("form") == "new"):
            problems = [*e.details["problems"], "court_mismatch"]
            e = new_evidence(e.kind, e.start, e.end, e.text,
                             {**e.details, "valid": False, "problems": problems,
                              "courts_named": sorted(named)})
        out.append(e)
    return out
