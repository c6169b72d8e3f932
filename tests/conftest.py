import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"


def small_examples(per_label: int = 80, split: str = "train") -> list[dict]:
    """The first messages of each label of a split: a quick training set for tests."""
    out: dict[str, list[dict]] = {"genuine": [], "fake": [], "unrelated": []}
    with open(DATASETS / f"{split}.jsonl", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if len(out[row["label"]]) < per_label:
                out[row["label"]].append({"text": row["text"], "label": row["label"]})
    return [r for rows in out.values() for r in rows]


@pytest.fixture(scope="session")
def small_train_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "small.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for row in small_examples():
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="session")
def small_dev_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "small_dev.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for row in small_examples(30, "dev"):
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="session")
def small_model(small_train_file, small_dev_file, tmp_path_factory) -> Path:
    from smsclf.train import train_model

    out = tmp_path_factory.mktemp("models") / "small"
    train_model([str(small_train_file)], str(out), dev=[str(small_dev_file)], c_grid=(3.0,),
                scales=(1.0,))
    return out
