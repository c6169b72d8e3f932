"""Lexicon phrases by category (threats, fabricated procedure, official vocabulary, …).

The lexicon is ``data/phrases.tsv``; all of it is matched in one left-to-right pass over
the normalised text with an Aho-Corasick automaton (pyahocorasick).
"""

from __future__ import annotations

from functools import lru_cache

import ahocorasick

from smsclf import accel, resources
from smsclf.evidence import Evidence, new_evidence
from smsclf.normalize import NormalizedText

#: Categories reported as kind ``threat``; the others are reported as kind ``phrase``.
THREAT_CATEGORIES = frozenset({
    "threat_third_party", "threat_visit", "threat_criminal", "threat_shaming", "threat_asset",
    "pressure",
})


_cphrases = accel.compiled("_cphrases")


@lru_cache(maxsize=1)
def _entries() -> dict[str, tuple[int, tuple[tuple[str, str], ...]]]:
    """Every phrase -> its length and its (category, ref) pairs, in file order."""
    entries: dict[str, list[tuple[str, str]]] = {}
    for row in resources.read_tsv("phrases.tsv"):
        entries.setdefault(row["phrase"], []).append((row["category"], row.get("ref", "")))
    return {phrase: (len(phrase), tuple(pairs)) for phrase, pairs in entries.items()}


@lru_cache(maxsize=1)
def categories() -> tuple[str, ...]:
    """The lexicon's category names, sorted."""
    return tuple(sorted({category for _, pairs in _entries().values() for category, _ in pairs}))


@lru_cache(maxsize=1)
def lexicon() -> tuple[ahocorasick.Automaton, tuple[str, ...]]:
    """An Aho-Corasick automaton over all phrases (value: the phrase's length and its
    (category, ref) pairs) and the sorted category names.  Built only where it is used:
    by the pure-Python matcher."""
    automaton = ahocorasick.Automaton()
    for phrase, value in _entries().items():
        automaton.add_word(phrase, value)
    automaton.make_automaton()
    return automaton, categories()


def _sorted_hits(text: str) -> list[tuple[int, int, str, str]]:
    """``(start, -end, category, ref)`` of every occurrence of every phrase in ``text``,
    sorted: leftmost, then longest first (the twin of ``_cphrases.Matcher.sorted_hits``)."""
    automaton, _ = lexicon()
    hits = [(last + 1 - length, -1 - last, category, ref)
            for last, (length, pairs) in automaton.iter(text) for category, ref in pairs]
    hits.sort()
    return hits


@lru_cache(maxsize=1)
def _finder():
    """``_sorted_hits``, compiled when ``smsclf._cphrases`` is built."""
    if _cphrases is None:
        return _sorted_hits
    return _cphrases.Matcher(_entries()).sorted_hits


def find_phrases(text: str) -> list[tuple[int, int, str, str]]:
    """All ``(start, end, category, ref)`` matches, in one pass over the text; within a
    category, a match inside a longer match of the same category is dropped."""
    if not text:
        return []
    hits = _finder()(text)
    if len(hits) < 2:
        return [(s, -ne, category, ref) for s, ne, category, ref in hits]
    # one sweep per category in (start, longest first) order: a match is inside a longer
    # one exactly when an earlier match of its category reaches at least as far
    kept = []
    reach: dict[str, tuple[int, int]] = {}
    for s, ne, cat, ref in hits:
        e = -ne
        far = reach.get(cat)
        if far is not None:
            if far[1] >= e:
                if far[0] != s or far[1] != e:
                    continue
            else:
                reach[cat] = (s, e)
        else:
            reach[cat] = (s, e)
        kept.append((s, e, cat, ref))
    return kept


class PhraseRecognizer:
    """Finds lexicon phrases; threats and pressure as ``threat``, the rest as ``phrase``."""

    name = "phrase"
    kind = "phrase"

    def analyze(self, doc: NormalizedText) -> list[Evidence]:
        text = doc.text
        # make_evidence inlined (phrases are half of all evidence): a phrase is never empty
        starts, ends, original = doc.starts, doc.ends, doc.original
        out = []
        for s, e, category, ref in find_phrases(text):
            details = {"category": category, "phrase": text[s:e]}
            if ref:
                details["ref"] = ref
            ostart, oend = starts[s], ends[e - 1]
            out.append(new_evidence("threat" if category in THREAT_CATEGORIES else "phrase",
                                    ostart, oend, original[ostart:oend], details))
        return out
