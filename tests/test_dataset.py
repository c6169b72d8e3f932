"""The labelled data set in ``datasets/``: file format, split hygiene, and reproducibility.

Split hygiene matters because a family (one generator template, or one hand-written idea)
in two splits, or one normalised text in two splits, would let the test score reward
memorisation.  The rebuild test keeps the committed files equal to what the code makes.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from smsclf import extract
from smsclf.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "datasets"
SPLITS = ("train", "dev", "test")
LABELS = ("genuine", "fake", "unrelated")
KEYS = ["id", "text", "label", "source", "family", "tags"]


def _load(name: str):
    """Import a script of ``datasets/`` (not a package) under a name no other module has."""
    qualified = f"smsclf_datasets_{name}"
    spec = importlib.util.spec_from_file_location(qualified, DATASETS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


build = _load("build")
generate = sys.modules["generate"]  # imported by build.py from datasets/
card = _load("card")


@pytest.fixture(scope="module")
def splits() -> dict[str, list[dict]]:
    out = {}
    for sp in SPLITS:
        lines = (DATASETS / f"{sp}.jsonl").read_text(encoding="utf-8").splitlines()
        out[sp] = [json.loads(line) for line in lines]
    return out


def _all(splits):
    return [r for sp in SPLITS for r in splits[sp]]


def test_records_have_the_keys_in_order_and_valid_values(splits):
    for sp in SPLITS:
        for rec in splits[sp]:
            assert list(rec) == KEYS, rec["id"]
            assert rec["label"] in LABELS
            assert rec["source"] in ("handwritten", "generated")
            assert isinstance(rec["text"], str) and rec["text"].strip()
            assert rec["tags"] and all(isinstance(t, str) for t in rec["tags"])
        ids = [r["id"] for r in splits[sp]]
        assert ids == sorted(ids), f"{sp} is not sorted by id"


def test_ids_are_unique(splits):
    counts = Counter(r["id"] for r in _all(splits))
    assert not [i for i, n in counts.items() if n > 1]


def test_no_family_in_two_splits(splits):
    where = defaultdict(set)
    for sp in SPLITS:
        for rec in splits[sp]:
            where[rec["family"]].add(sp)
    assert not {f: s for f, s in where.items() if len(s) > 1}


def test_no_normalised_text_twice(splits):
    seen: dict[str, str] = {}
    for sp in SPLITS:
        for rec in splits[sp]:
            key = normalize(rec["text"]).text.strip()
            assert key not in seen, f"{rec['id']} repeats {seen[key]}"
            seen[key] = rec["id"]


def test_every_label_in_every_split_about_70_15_15(splits):
    total = Counter(r["label"] for r in _all(splits))
    for sp, share in zip(SPLITS, (0.70, 0.15, 0.15), strict=True):
        counts = Counter(r["label"] for r in splits[sp])
        for label in LABELS:
            assert counts[label] > 0, f"no {label} in {sp}"
            assert abs(counts[label] / total[label] - share) < 0.05, (sp, label)


def test_generated_at_most_two_thirds(splits):
    records = _all(splits)
    generated = sum(r["source"] == "generated" for r in records)
    assert generated <= 2 / 3 * len(records)


def test_enough_handwritten_messages_per_label(splits):
    counts = Counter(r["label"] for r in _all(splits) if r["source"] == "handwritten")
    for label in LABELS:
        assert counts[label] >= 250, (label, counts[label])


def test_committed_files_equal_a_fresh_rebuild(tmp_path):
    build.build(tmp_path, quiet=True)
    assert build.compare(tmp_path, DATASETS) == []


def test_data_card_matches_stats():
    assert card.is_current(DATASETS / "README.md", DATASETS / "stats.json")


def test_templates_are_families_per_label():
    fams = generate.families()
    for label in LABELS:
        ids = [f["id"] for f in fams[label]]
        assert len(ids) >= 40, label
        assert len(set(ids)) == len(ids)
        assert all(re.fullmatch(rf"gen-{label}-[a-z0-9-]+-\d\d", i) for i in ids)


def test_generator_is_deterministic():
    counts = {"genuine": 40, "fake": 40, "unrelated": 40}
    first = generate.generate(counts, 1)
    assert first == generate.generate(counts, 1)
    assert first != generate.generate(counts, 2)
    assert [r["id"] for r in first[:3]] == ["gen-genuine-00001", "gen-genuine-00002",
                                            "gen-genuine-00003"]
    for rec in first:
        assert list(rec) == KEYS and rec["source"] == "generated"


_CASE_LIKE = re.compile(r"[(（]\s*[0-9０-９]{4}\s*[)）]")


def test_generated_genuine_case_numbers_are_valid():
    records = generate.generate({"genuine": 800}, 5)
    sample = [r for r in records if "arbitration" not in r["family"]
              and _CASE_LIKE.search(r["text"])][:200]
    assert len(sample) == 200
    failures = []
    for rec in sample:
        found = [e for e in extract(rec["text"]) if e.kind == "case_number"]
        if not found or not all(e.details.get("valid") for e in found):
            failures.append((rec["family"], rec["text"],
                             [(e.text, e.details.get("problems")) for e in found]))
    assert not failures, failures[:5]
