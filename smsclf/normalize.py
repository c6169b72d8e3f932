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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from smsclf import accel, resources

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
    return re.compile(_trie_pattern(table)), table


def _trie_pattern(variants: Iterable[str]) -> str:
    """A regex matching, at each position, the longest of ``variants`` found there: the same
    matches as the alternation of the variants longest first, but written as a trie so
    that the engine tries only the variants that share the characters read so far (one
    branch per next character, the shorter variant ending there tried last)."""
    trie: dict = {}
    for variant in variants:
        node = trie
        for ch in variant:
            node = node.setdefault(ch, {})
        node[""] = {}  # a variant ends here

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return "(?:" + "|".join(branches) + ("|" if "" in node else "") + ")"

    return emit(trie)


_CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002a6df"
_SENTENCE_PUNCTUATION = frozenset("，。,;；!！?？:：、…")


@lru_cache(maxsize=65536)
def _char(ch: str) -> str:
    """What one character becomes: NFKC, lower case; "" for invisible characters."""
    if ch in _ZERO_WIDTH:
        return ""
    if ch in "\n\t\r":
        return " "
    if ch < " " or ch == "\x7f":
        return ""  # ASCII control characters
    if ord(ch) < 0x80:
        return ch.lower()
    if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn", "Cf"):
        return ""
    return unicodedata.normalize("NFKC", ch).lower()


@lru_cache(maxsize=1)
def _separator_run() -> re.Pattern[str]:
    """1-3 separators or emoji between two CJK characters (sentence punctuation excluded)."""
    symbols = "".join(chr(o) for o in range(0x2000, 0x3000) if _is_emoji_like(chr(o)))
    members = "".join(sorted((_SEPARATORS - _SENTENCE_PUNCTUATION) | set(symbols)))
    cls = re.escape(members) + "\U0001f000-\U0001faff\ufe00-\ufe0f\u20e3"
    # the same as (?<=[CJK])[cls]{1,3}(?=[CJK]), but starting with a character class,
    # which lets the engine skip the positions where no match can start in a tight loop
    return re.compile(
        f"[{cls}](?<=[{_CJK_CLASS}][{cls}])[{cls}]{{0,2}}(?=[{_CJK_CLASS}])")


#: text, and the start and end offset of each of its characters (lists, or tuples)
_Chars = tuple[str, Sequence[int], Sequence[int]]

#: Identity offsets, shared: ``_IDENTITY[:n]`` and ``_IDENTITY[1:n + 1]`` are the starts and
#: ends of a text of ``n`` characters that maps one character to one (most messages), a
#: slice copy instead of building two lists and two tuples per message.
_IDENTITY = tuple(range(MAX_CHARS + 1))

#: Up to this many characters that do not map to one character are searched with one
#: regex; beyond (hostile input: unassigned code points) a set is checked instead.
_MAX_UNEVEN_CLASS = 512


class _CharTable(dict):
    """``str.translate`` table filled on first sight of a character with ``_char``; it
    remembers the characters that do not map to exactly one character."""

    def __init__(self) -> None:
        super().__init__()
        self.uneven: set[str] = set()
        # (size of ``uneven`` it was built for, regex of its characters or None if empty)
        self._finder: tuple[int, re.Pattern[str] | None] = (0, None)

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = _char(ch)
        if len(out) != 1:
            self.uneven.add(ch)
        if len(self) < 65536:  # bounded, like _char's own cache
            self[code] = out
        return out

    def has_uneven(self, text: str) -> bool:
        """Whether ``text``, translated already (so that ``uneven`` has seen all of its
        characters), has a character that does not map to exactly one.  A regex search
        runs in C; ``uneven`` only grows, so its size tells whether the regex is stale."""
        size, finder = self._finder
        if size != len(self.uneven):
            members = frozenset(self.uneven)  # one snapshot, even if another thread adds
            if len(members) > _MAX_UNEVEN_CLASS:
                return not members.isdisjoint(text)
            finder = re.compile("[" + "".join(map(re.escape, sorted(members))) + "]")
            self._finder = len(members), finder
        return finder is not None and finder.search(text) is not None


_TABLE = _CharTable()


def _one_to_one(text: str, table: _CharTable) -> str | None:
    """``text.translate(table)`` if every character of ``text`` maps to exactly one
    character, else None.  ``smsclf._cnormalize.one_to_one`` is its compiled twin."""
    out = text.translate(table)
    return None if table.has_uneven(text) else out


_cnormalize = accel.compiled("_cnormalize")
if _cnormalize is not None:
    _one_to_one = _cnormalize.one_to_one  # the compiled twin where built


def _nfkc(text: str) -> _Chars:
    """NFKC and lower case character by character, dropping invisible characters."""
    out = _one_to_one(text, _TABLE)
    if out is not None:  # one character for one: offsets are the identity
        return out, _IDENTITY[:len(text)], _IDENTITY[1:len(text) + 1]
    pieces = [_char(ch) for ch in text]
    out = "".join(pieces)  # what text.translate(_TABLE) gives
    starts: list[int] = []
    ends: list[int] = []
    for i, piece in enumerate(pieces):
        for _ in piece:
            starts.append(i)
            ends.append(i + 1)
    # NFKC can expand a character many times (U+FDFA becomes 18): keep the bound
    return out[:MAX_CHARS], starts[:MAX_CHARS], ends[:MAX_CHARS]


def _to_simplified(chars: _Chars) -> _Chars:
    text, starts, ends = chars
    if text.isascii():
        return chars
    conv = _converter().convert(text)
    if len(conv) == len(text):
        return conv, starts, ends
    convert = _converter().convert  # a phrase changed length: convert character by character
    out, new_starts, new_ends = [], [], []
    for c, s, e in zip(text, starts, ends, strict=True):
        for cc in convert(c):
            out.append(cc)
            new_starts.append(s)
            new_ends.append(e)
    return "".join(out), new_starts, new_ends


def _cut(chars: _Chars, spans: list[tuple[int, int, str]]) -> _Chars:
    """Replace each ``[start, end)`` of ``spans`` by its string; offsets follow."""
    text, starts, ends = chars
    if not spans:
        return chars
    out, new_starts, new_ends = [], [], []
    last = 0
    for s, e, repl in spans:
        out.append(text[last:s])
        new_starts.extend(starts[last:s])
        new_ends.extend(ends[last:s])
        out.append(repl)
        new_starts.extend([starts[s]] * len(repl))
        new_ends.extend([ends[e - 1]] * len(repl))
        last = e
    out.append(text[last:])
    new_starts.extend(starts[last:])
    new_ends.extend(ends[last:])
    return "".join(out), new_starts, new_ends


def _matches(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))``, cheaper when there is no match (most messages): one
    search, and only on a hit an iterator, from the first match on (a lookbehind still sees
    the characters before it, so the matches are the same)."""
    first = pattern.search(text)
    if first is None:
        return []
    return list(pattern.finditer(text, first.start()))


def _drop_separators(chars: _Chars) -> _Chars:
    """Remove runs of separators or emoji that sit between two CJK characters."""
    return _cut(chars, [(m.start(), m.end(), "") for m in _matches(_separator_run(), chars[0])])


def _replace_homophones(chars: _Chars) -> _Chars:
    pattern, table = _homophones()
    if pattern is None:
        return chars
    return _cut(chars, [(m.start(), m.end(), table[m.group()])
                        for m in _matches(pattern, chars[0])])


_new_object = object.__new__


def _normalized(original: str, text: str, starts: tuple[int, ...],
                ends: tuple[int, ...]) -> NormalizedText:
    """``NormalizedText(original, text, starts, ends)``, built by filling the instance's
    ``__dict__``: a frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``, which costs more than the rest of this step.  The instance is
    the same (equal, same fields); NormalizedText has no ``__post_init__`` to skip."""
    doc = _new_object(NormalizedText)
    fields = doc.__dict__
    fields["original"] = original
    fields["text"] = text
    fields["starts"] = starts
    fields["ends"] = ends
    return doc


def normalize(text: str) -> NormalizedText:
    """Normalise ``text`` (its first :data:`MAX_CHARS` characters) for matching."""
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    chars = _nfkc(text[:MAX_CHARS])
    chars = _to_simplified(chars)
    chars = _drop_separators(chars)
    normalized, starts, ends = _replace_homophones(chars)
    return _normalized(text, normalized, tuple(starts), tuple(ends))
