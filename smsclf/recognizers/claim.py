"""Claim structure: is the message addressed to the reader, or does it report other
people's legal matters?  Legal words alone do not make a claim (LABELS boundary 9): a news
item, a press release or a warning that quotes a scam is about someone else.  The patterns
are ``data/claims.tsv``; ``smsclf.features`` combines these findings with the legal
evidence into the ``claim.*`` features.
"""

from __future__ import annotations

import re
from functools import lru_cache

from smsclf import resources
from smsclf.evidence import Evidence
from smsclf.normalize import NormalizedText
from smsclf.recognizers.base import anchored_at_start, make_evidence, required_chars, widths

#: At most this many findings of one category a message: enough to place them near the
#: legal evidence, few enough to keep long texts cheap.
MAX_PER_CATEGORY = 8
#: A pattern is tested for the characters its matches need only when they are this few.
_MAX_MARKS = 2


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One compiled pattern a row, in file order.  Each row alone keeps the regex engine's
    fast search for its first characters; joined into one alternative they cost 2.5 times
    as much (the X某 row may start at any character)."""
    return tuple((row["category"], re.compile(row["pattern"]))
                 for row in resources.read_tsv("claims.tsv"))


@lru_cache(maxsize=1)
def _plan() -> tuple[tuple[str, re.Pattern[str], tuple[str, ...], str], ...]:
    """Each pattern with how to find its matches: for patterns that never match empty,
    ``match`` (those that match only at the start) or ``search`` (again from each match's
    end: a scanner costs more than the searches), else ``finditer``; and the characters one
    of which the text holds wherever a match is, when they are few (``in`` tests one a
    tenth as fast as a search that finds nothing; most patterns find nothing in most
    messages)."""
    plan = []
    for cat, pattern in _patterns():
        chars = required_chars(pattern)
        if widths(pattern.pattern)[0] == 0:
            mode = "finditer"
        else:
            mode = "match" if anchored_at_start(pattern) else "search"
        few = chars is not None and len(chars) <= _MAX_MARKS
        plan.append((cat, pattern, tuple(sorted(chars)) if few else (), mode))
    return tuple(plan)


def categories() -> tuple[str, ...]:
    return tuple(dict.fromkeys(cat for cat, _ in _patterns()))


class ClaimRecognizer:
    """Finds the reader addressed, third-person narration, news frames and quoted claims;
    ``details['category']`` names which."""

    name = "claim"
    kind = "claim"

    def analyze(self, doc: NormalizedText) -> list[Evidence]:
        text = doc.text
        hits = []
        for cat, pattern, marks, mode in _plan():
            if marks and not any(c in text for c in marks):
                continue
            if mode == "search":
                m = pattern.search(text)
                while m is not None:
                    hits.append((m.start(), -m.end(), cat))
                    m = pattern.search(text, m.end())
            elif mode == "match":
                m = pattern.match(text)
                if m is not None:
                    hits.append((m.start(), -m.end(), cat))
            else:
                hits.extend([(m.start(), -m.end(), cat) for m in pattern.finditer(text)
                             if m.end() > m.start()])
        out = []
        kept: dict[str, list[tuple[int, int]]] = {}
        for start, neg_end, cat in sorted(hits):  # leftmost, then longest, first
            end = -neg_end
            spans = kept.setdefault(cat, [])
            if len(spans) >= MAX_PER_CATEGORY or any(s < end and start < e for s, e in spans):
                continue  # within a category, a match inside or across a kept one is dropped
            spans.append((start, end))
            out.append(make_evidence(doc, self.kind, start, end, {"category": cat}))
        return out
