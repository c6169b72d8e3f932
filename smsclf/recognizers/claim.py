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
from smsclf.recognizers.base import make_evidence

#: At most this many findings of one category a message: enough to place them near the
#: legal evidence, few enough to keep long texts cheap.
MAX_PER_CATEGORY = 8


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    """One pattern with a named group a category (a single pass over the text)."""
    by_category: dict[str, list[str]] = {}
    for row in resources.read_tsv("claims.tsv"):
        by_category.setdefault(row["category"], []).append(row["pattern"])
    return re.compile("|".join(f"(?P<{cat}>{'|'.join(f'(?:{p})' for p in pats)})"
                               for cat, pats in by_category.items()))


def categories() -> tuple[str, ...]:
    return tuple(_pattern().groupindex)


class ClaimRecognizer:
    """Finds the reader addressed, third-person narration, news frames and quoted claims;
    ``details['category']`` names which."""

    name = "claim"
    kind = "claim"

    def analyze(self, doc: NormalizedText) -> list[Evidence]:
        out = []
        counts: dict[str, int] = {}
        for m in _pattern().finditer(doc.text):
            cat = m.lastgroup
            if cat is None or m.end() == m.start():
                continue
            n = counts.get(cat, 0)
            if n < MAX_PER_CATEGORY:
                counts[cat] = n + 1
                out.append(make_evidence(doc, self.kind, m.start(), m.end(),
                                         {"category": cat}))
        return out
