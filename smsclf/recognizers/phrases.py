"""Lexicon phrases by category (threats, fabricated procedure, official vocabulary, …).

The lexicon is ``data/phrases.tsv``; all of it is matched in one left-to-right pass over
the normalised text with a character trie.
"""

from __future__ import annotations

from functools import lru_cache

from smsclf import resources
from smsclf.evidence import Evidence
from smsclf.normalize import NormalizedText
from smsclf.recognizers.base import make_evidence

#: Categories reported as kind ``threat``; the others are reported as kind ``phrase``.
THREAT_CATEGORIES = frozenset({
    "threat_third_party", "threat_visit", "threat_criminal", "threat_shaming", "threat_asset",
    "pressure",
})
_END = ""


@lru_cache(maxsize=1)
def lexicon() -> tuple[dict, tuple[str, ...]]:
    """The trie of all phrases (leaf key ``""`` holds their (category, ref) pairs) and the
    sorted category names."""
    trie: dict = {}
    categories = set()
    for row in resources.read_tsv("phrases.tsv"):
        node = trie
        for ch in row["phrase"]:
            node = node.setdefault(ch, {})
        node.setdefault(_END, []).append((row["category"], row.get("ref", "")))
        categories.add(row["category"])
    return trie, tuple(sorted(categories))


def find_phrases(text: str) -> list[tuple[int, int, str, str]]:
    """All ``(start, end, category, ref)`` matches; within a category, a match inside a
    longer match of the same category is dropped."""
    trie, _ = lexicon()
    hits: list[tuple[int, int, str, str]] = []
    n = len(text)
    for i in range(n):
        node = trie.get(text[i])
        j = i + 1
        while node is not None:
            for category, ref in node.get(_END, ()):
                hits.append((i, j, category, ref))
            if j >= n:
                break
            node = node.get(text[j])
            j += 1
    longest: dict[str, list[tuple[int, int]]] = {}
    for s, e, cat, _ in sorted(hits, key=lambda h: (h[0], -h[1])):
        longest.setdefault(cat, []).append((s, e))
    kept = []
    for s, e, cat, ref in hits:
        if any(a <= s and e <= b and (a, b) != (s, e) for a, b in longest[cat]):
            continue
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
