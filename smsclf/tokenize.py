"""Word segmentation for the model: jieba with HMM off on the normalised text.

HMM off keeps the output a pure dictionary lookup, which the Rust port ``rjieba`` (the
``fast`` extra) reproduces exactly; it is used when installed.  The tokenizer settings
are recorded in each model's manifest, and a model refuses a tokenizer that differs.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path

from smsclf import accel

#: What the model's vocabulary depends on; written to and checked against the manifest.
SETTINGS = {"name": "jieba", "hmm": False, "dictionary": "jieba-default", "version": 1}

_KEEP = re.compile(r"[\w\u4e00-\u9fff]")
_lock = threading.Lock()
_state: tuple[Callable[[str], list[str]], str] | None = None  # (segmenter, backend name)


def _cache_dir() -> str:
    """jieba caches its prefix dictionary; keep that cache in the user's cache folder
    rather than a shared temporary directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "smsclf"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return ""
    return str(path)


def _load() -> tuple[Callable[[str], list[str]], str]:
    if os.environ.get("SMSCLF_TOKENIZER", "") != "jieba":
        try:
            import rjieba

            return partial(rjieba.cut, hmm=False), "rjieba"
        except ImportError:
            pass
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    cache = _cache_dir()
    if cache:
        tokenizer.tmp_dir = cache
    tokenizer.initialize()
    return (lambda text: tokenizer.lcut(text, HMM=False)), "jieba"


def cutter() -> tuple[Callable[[str], list[str]], str]:
    """The segmenting function (loaded once, thread-safely) and the backend's name."""
    global _state
    if _state is None:
        with _lock:
            if _state is None:
                _state = _load()
    return _state


def backend() -> str:
    """``rjieba`` or ``jieba``: which segmenter is in use."""
    return cutter()[1]


def _token(tok: str) -> str:
    """What a segment becomes: ``<num>`` for digits, itself for a word, "" to drop it."""
    tok = tok.strip()
    if tok.isdecimal():  # all decimal digits, what \d+ would match
        return "<num>"
    if tok.isalnum() or (tok and _KEEP.search(tok)):
        return tok
    return ""


class _TokenTable(dict):
    """segment -> ``_token(segment)``, filled on first sight and bounded in size."""

    def __missing__(self, tok: str) -> str:
        out = _token(tok)
        if len(self) < 200_000:
            self[tok] = out
        return out


_TOKENS = _TokenTable()


def _kept(segments: list[str], table: _TokenTable) -> list[str]:
    """The non-empty ``table[segment]`` of ``segments``, in order.  Its compiled twin
    ``smsclf._cnormalize.kept`` keeps a segment of CJK ideographs (U+4E00-U+9FFF) only as it
    is without a look-up, which is what ``_token`` does with it: change ``_token`` there,
    and the twin must follow (bump its ABI in ``smsclf.accel``)."""
    return [t for t in map(table.__getitem__, segments) if t]


_cnormalize = accel.compiled("_cnormalize")
if _cnormalize is not None:
    _kept = _cnormalize.kept  # the compiled twin where built


def words(normalized: str) -> list[str]:
    """Tokens of a normalised text: punctuation and spaces dropped, numbers as ``<num>``."""
    return _kept(cutter()[0](normalized), _TOKENS)


@lru_cache(maxsize=1)
def ordinary_words() -> frozenset[str]:
    """Words that are no unigram term (``data/ordinary_words.tsv``: pronouns, urging and
    joining words): alone they would carry a verdict."""
    from smsclf import resources

    return frozenset(r["word"] for r in resources.read_tsv("ordinary_words.tsv"))


def terms(tokens: list[str]) -> list[str]:
    """Unigram and bigram features of a token list, named as the model names them; ordinary
    words are in bigrams only."""
    skip = ordinary_words()
    out = [f"w:{t}" for t in tokens if t not in skip]
    out.extend(f"b:{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))
    return out
