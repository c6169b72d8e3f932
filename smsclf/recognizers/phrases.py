"""Lexicon phrases by category (threats, fabricated procedure, official vocabulary, …).

The lexicon is ``data/phrases.tsv``; all of it is matched in one left-to-right pass over
the normalised text with an Aho-Corasick automaton (pyahocorasick).
"""

from __future__ import annotations

from functools import lru_cache

import ahocorasick

from smsclf import resources
from smsclf.evidence import Evidence
from smsclf.normalize import NormalizedText
from smsclf.recognizers.base import make_evidence

#: Categories reported as kind ``threat``; the others are reported as kind ``phrase``.
THREAT_CATEGORIES = frozenset({
    "threat_third_party", "threat_visit", "threat_criminal", "threat_shaming", "threat_asset",
    "pressure",
})


@lru_cache(maxsize=1)
def lexicon() -> tuple[ahocorasick.Automaton, tuple[str, ...]]:
    """An Aho-Corasick automaton over all phrases (value: the phrase's length and its
    (category, ref) pairs) and the sorted category names."""
    entries: dict[str, list[tuple[str, str]]] = {}
    for row in resources.read_tsv("phrases.tsv"):
        entries.setdefault(row["phrase"], []).append((row["category"], row.get("ref", "")))
    automaton = ahocorasick.Automaton()
    for phrase, pairs in entries.items():
        automaton.add_word(phrase, (len(phrase), tuple(pairs)))
    automaton.make_automaton()
    categories = {category for pairs in entries.values() for category, _ in pairs}
    return automaton, tuple(sorted(categories))


def find_phrases(text: str) -> list[tuple[int, int, str, str]]:
    """All ``(start, end, category, ref)`` matches, in one pass over the text; within a
    category, a match inside a longer match of the same category is dropped."""
    automaton, _ = lexicon()
    if not text:
        return []
    hits = [(last + 1 - length, last + 1, category, ref)
            for last, (length, pairs) in automaton.iter(text) for category, ref in pairs]
    if len(hits) < 2:
        return hits
    # one sweep per category in (start, longest first) order: a match is inside a longer
    # one exactly when an earlier match of its category reaches at least as far
    kept = []
    reach: dict[str, tuple[int, int]] = {}
    for s, e, cat, ref in sorted(hits, key=lambda h: (h[0], -h[1], h[2], h[3])):
        far = reach.get(cat)
        if far is not None and far[1] >= e and far != (s, e):
            continue
        if far is None or e > far[1]:
            reach[cat] = (s, e)
        kept.append((s, e, cat, ref))
    return kept


class PhraseRecognizer:
    """Finds lexicon phrases; threats and pressure as ``threat``, the rest as ``phrase``."""

    name = "phrase"
    kind = "phrase"

    def analyze(self, doc: NormalizedText) -> list[Evidence]:
        out = []
        for s, e, category, ref in find_phrases(doc.text):
            kind = "threat" if category in THREAT_CATEGORIES else "phrase"
            details = {"category": category, "phrase": doc.text[s:e]}
            if ref:
                details["ref"] = ref
            out.append(make_evidence(doc, kind, s, e, details))
        return out
