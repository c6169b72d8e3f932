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
from pathlib import Path

#: What the model's vocabulary depends on; written to and checked against the manifest.
SETTINGS = {"name": "jieba", "hmm": False, "dictionary": "jieba-default", "version": 1}

_KEEP = re.compile(r"[\w\u4e00-\u9fff]")
_lock = threading.Lock()
_cut: Callable[[str], list[str]] | None = None
_backend: str | None = None


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


def _load(prefer_fast: bool) -> tuple[Callable[[str], list[str]], str]:
    if prefer_fast and os.environ.get("SMSCLF_TOKENIZER", "") != "jieba":
        try:
            import rjieba

            return (lambda text: rjieba.cut(text, False)), "rjieba"
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


def cutter(prefer_fast: bool = True) -> tuple[Callable[[str], list[str]], str]:
    """The segmenting function (loaded once, thread-safely) and the backend's name."""
    global _cut, _backend
    if _cut is None:
        with _lock:
            if _cut is None:
                _cut, _backend = _load(prefer_fast)
    assert _backend is not None
    return _cut, _backend


def backend() -> str:
    """``rjieba`` or ``jieba``: which segmenter is in use."""
    return cutter()[1]


def words(normalized: str) -> list[str]:
    """Tokens of a normalised text: punctuation and spaces dropped, numbers as ``<num>``."""
    cut, _ = cutter()
    out = []
    for tok in cut(normalized):
        tok = tok.strip()
        if tok.isdecimal():  # the same as _DIGITS.fullmatch, without the regex
            out.append("<num>")
        elif tok.isalnum() or (tok and _KEEP.search(tok)):
            out.append(tok)
    return out


def terms(tokens: list[str]) -> list[str]:
    """Unigram and bigram features of a token list, named as the model names them."""
    out = [f"w:{t}" for t in tokens]
    out.extend(f"b:{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))
    return out
