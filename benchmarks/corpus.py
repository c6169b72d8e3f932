"""The fixed benchmark corpus: seeded samples of the data set with light seeded variation.

Speed figures are only comparable between runs and machines if they are taken on the same
messages, so the corpus is a pure function of ``(n, seed)`` and the data files.  Sampling
with replacement alone would time the same few thousand strings over and over; the
variations (digits swapped, two messages joined, a message cut) keep the messages distinct
while keeping their length and make-up close to real SMS.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"
SPLITS = ("train", "dev", "test")

_DIGIT = re.compile(r"\d")
_JOINERS = ("", " ", "\n", "。")


def source_files(datasets: Path = DATASETS) -> list[Path]:
    """The splits if all of them are there, else the hand-written files (sorted)."""
    splits = [datasets / f"{s}.jsonl" for s in SPLITS]
    if all(p.is_file() for p in splits):
        return splits
    return sorted((datasets / "handwritten").glob("*.jsonl"))


@lru_cache(maxsize=4)
def _source_texts(files: tuple[Path, ...]) -> tuple[str, ...]:
    texts: list[str] = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            texts.extend(json.loads(line)["text"] for line in f if line.strip())
    if not texts:
        raise FileNotFoundError(f"no messages in {', '.join(map(str, files)) or 'datasets/'}")
    return tuple(texts)


def source_texts(datasets: Path = DATASETS) -> tuple[str, ...]:
    """Every text of the source files, in file order."""
    return _source_texts(tuple(source_files(datasets)))


def _swap_digits(text: str, rng: random.Random) -> str:
    return _DIGIT.sub(lambda m: str(rng.randrange(10)) if rng.random() < 0.5 else m.group(),
                      text)


def _cut(text: str, rng: random.Random) -> str:
    if len(text) < 16:
        return text
    keep = rng.randint(len(text) // 2, len(text) - 1)
    return text[:keep] if rng.random() < 0.5 else text[len(text) - keep:]


def _vary(text: str, other: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.40:
        return text
    if r < 0.65:
        return _swap_digits(text, rng)
    if r < 0.80:
        return text + rng.choice(_JOINERS) + other
    return _cut(text, rng)


def corpus(n: int = 10000, seed: int = 0, datasets: Path = DATASETS) -> list[str]:
    """``n`` messages drawn with replacement from the data set, 60 % of them varied."""
    if n < 0:
        raise ValueError(f"n must be >= 0, not {n}")
    texts = source_texts(datasets)
    rng = random.Random(seed)
    return [_vary(rng.choice(texts), rng.choice(texts), rng) for _ in range(n)]


def fingerprint(texts: list[str]) -> str:
    """A short hash of the corpus, stored with the results so runs can be matched."""
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]
