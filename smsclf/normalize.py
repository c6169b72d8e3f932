"""Normalisation of SMS text before matching, with a map back to the original.

Scammers split keywords (``起 诉``, ``法*院``), write them in traditional characters or
full-width digits, or swap in homophones and pinyin (``fa院``, ``鱼期``) to get past
carrier filters.  Every recogniser runs on the normalised text; the offset map turns a
span found there back into a span of the text the user gave us.

Steps, in order: NFKC and lower case; drop zero-width and control characters;
traditional to simplified (OpenCC ``t2s``); drop separators and emoji between two CJK
characters; replace homophones and pinyin from ``data/homophones.tsv``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from smsclf import resources

#: Only this many characters of a message are analysed; the rest is ignored.  Real SMS,
#: even concatenated ones, stay far below it, and it bounds the work on hostile input.
MAX_CHARS = 5000

_ZERO_WIDTH = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"
)
_SEPARATORS = frozenset(" \t\u3000*_-.·•|~/\\#@+=^`'\"、,，。:：;；!！?？…—–~")


def is_cjk(ch: str) -> bool:
    """True for a CJK unified ideograph (the characters legal words are made of)."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2A6DF


def _is_emoji_like(ch: str) -> bool:
    o = ord(ch)
    if 0x1F000 <= o <= 0x1FAFF or 0x2600 <= o <= 0x27BF or 0x2B00 <= o <= 0x2BFF:
        return True
    if 0xFE00 <= o <= 0xFE0F or o == 0x20E3:
        return True
    return unicodedata.category(ch) in ("So", "Sk")


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text plus, for each of its characters, the original span it came from."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map ``[start, end)`` of the normalised text to a span of the original text."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _homophones() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    table = {row["variant"]: row["canonical"] for row in resources.read_tsv("homophones.tsv")}
    if not table:
        return None, table
    alternation = "|".join(re.escape(v) for v in sorted(table, key=len, reverse=True))
    return re.compile(alternation), table


def _nfkc(text: str) -> list[tuple[str, int, int]]:
    """NFKC and lower-case character by character, dropping invisible characters."""
    out: list[tuple[str, int, int]] = []
    for i, ch in enumerate(text):
        if ch in _ZERO_WIDTH:
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs", "Co", "Cn", "Cf") and ch not in "\n\t":
            continue
        if ch == "\n" or ch == "\t":
            out.append((" ", i, i + 1))
            continue
        norm = unicodedata.normalize("NFKC", ch).lower() if ord(ch) > 0x7F else ch.lower()
        for c in norm:
            out.append((c, i, i + 1))
    return out


def _to_simplified(chars: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    text = "".join(c for c, _, _ in chars)
    if text.isascii():
        return chars
    conv = _converter().convert(text)
    if len(conv) == len(text):
        return [(c, s, e) for c, (_, s, e) in zip(conv, chars, strict=True)]
    convert = _converter().convert  # a phrase changed length: fall back to single characters
    out = []
    for c, s, e in chars:
        for cc in convert(c):
            out.append((cc, s, e))
    return out


def _drop_separators(chars: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Remove runs of separators or emoji that sit between two CJK characters."""
    out: list[tuple[str, int, int]] = []
    i, n = 0, len(chars)
    while i < n:
        c = chars[i][0]
        if (c in _SEPARATORS or _is_emoji_like(c)) and out and is_cjk(out[-1][0]):
            j = i
            while j < n and (chars[j][0] in _SEPARATORS or _is_emoji_like(chars[j][0])):
                j += 1
            run = "".join(ch for ch, _, _ in chars[i:j])
            # keep sentence punctuation; drop only what splits a word
            splits_word = all(ch not in "，。,;；!！?？:：、…" for ch in run)
            if j < n and is_cjk(chars[j][0]) and splits_word and j - i <= 3:
                i = j
                continue
            out.extend(chars[i:j])
            i = j
            continue
        out.append(chars[i])
        i += 1
    return out


def _replace_homophones(chars: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    pattern, table = _homophones()
    if pattern is None:
        return chars
    text = "".join(c for c, _, _ in chars)
    out: list[tuple[str, int, int]] = []
    last = 0
    for m in pattern.finditer(text):
        out.extend(chars[last : m.start()])
        s, e = chars[m.start()][1], chars[m.end() - 1][2]
        out.extend((c, s, e) for c in table[m.group()])
        last = m.end()
    if last == 0:
        return chars
    out.extend(chars[last:])
    return out


def normalize(text: str) -> NormalizedText:
    """Normalise ``text`` (its first :data:`MAX_CHARS` characters) for matching."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    chars = _nfkc(text[:MAX_CHARS])
    chars = _to_simplified(chars)
    chars = _drop_separators(chars)
    chars = _replace_homophones(chars)
    return NormalizedText(
        original=text,
        text="".join(c for c, _, _ in chars),
        starts=tuple(s for _, s, _ in chars),
        ends=tuple(e for _, _, e in chars),
    )
