"""Build the labelled data set: hand-written core + seeded generated messages, split by family.

Run ``python datasets/build.py`` (``--out DIR``; ``--check`` rebuilds into a temporary
directory and fails if the committed files differ).  The output is byte-identical on every
run: the generator is seeded, files are read in sorted order, splits come from a hash of
the family id (not ``hash()``), and every file is written sorted with fixed JSON settings.

Why split by family: messages generated from one template, or hand-written variations of
one idea, share wording; if they landed in both train and test, the test score would
measure memorised templates, not generalisation.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import LABELS, generate  # noqa: E402

from smsclf.normalize import normalize  # noqa: E402

SEED = 20261128
#: The data set should hold at least this many messages ...
TARGET_TOTAL = 6000
#: ... but generated messages stay at most 1.8x the hand-written ones (<= 64.3 % of all,
#: under the two thirds the data set allows).
MAX_GENERATED_PER_HANDWRITTEN = 1.8
#: Extra generated messages to make up for duplicates removed after normalisation.
DEDUP_MARGIN = 1.03
SPLITS = ("train", "dev", "test")
SPLIT_CUTS = (0.70, 0.85)  # cumulative share of a label's messages: train | dev | test
KEYS = ("id", "text", "label", "source", "family", "tags")
OUTPUT_FILES = ("train.jsonl", "dev.jsonl", "test.jsonl", "stats.json")
QUANTILES = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0)


def read_handwritten(directory: Path = HERE / "handwritten") -> tuple[list[dict], list[str]]:
    """All hand-written records, in sorted file order, with ``source`` and ``family`` added."""
    records: list[dict] = []
    files = sorted(directory.glob("*.jsonl"))
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            missing = {"id", "text", "label", "tags"} - rec.keys()
            if missing or rec["label"] not in LABELS or not rec["tags"]:
                raise ValueError(f"{path.name}:{n}: bad record {rec.get('id')!r} {missing}")
            records.append({"id": rec["id"], "text": rec["text"], "label": rec["label"],
                            "source": "handwritten", "family": rec["id"],
                            "tags": list(rec["tags"])})
    return records, [p.name for p in files]


def generated_counts(handwritten: list[dict]) -> tuple[dict[str, int], str | None]:
    """How many messages to generate per label, and a warning if the target is out of reach.

    The total generated is capped at MAX_GENERATED_PER_HANDWRITTEN x the hand-written count;
    it is spread over the labels so that the final label totals come out about equal.
    """
    n_hw = len(handwritten)
    per_label = Counter(r["label"] for r in handwritten)
    cap = math.floor(MAX_GENERATED_PER_HANDWRITTEN * n_hw)
    needed = max(0, math.ceil(TARGET_TOTAL * DEDUP_MARGIN) - n_hw)
    total_gen = min(cap, needed)
    warning = None
    if n_hw + cap < TARGET_TOTAL:
        warning = (f"hand-written core too small: {n_hw} hand-written messages allow at most "
                   f"{cap} generated ({MAX_GENERATED_PER_HANDWRITTEN}x), {n_hw + cap} in all, "
                   f"below the target of {TARGET_TOTAL}; about "
                   f"{math.ceil(TARGET_TOTAL / (1 + MAX_GENERATED_PER_HANDWRITTEN))} "
                   f"hand-written messages are needed")
    per_label_target = (n_hw + total_gen) / len(LABELS)
    deficit = {lb: max(0.0, per_label_target - per_label[lb]) for lb in LABELS}
    weight = sum(deficit.values()) or float(len(LABELS))
    raw = {lb: total_gen * (deficit[lb] if sum(deficit.values()) else 1.0) / weight
           for lb in LABELS}
    counts = {lb: math.floor(v) for lb, v in raw.items()}
    for lb in sorted(LABELS, key=lambda x: (-(raw[x] - counts[x]), x)):
        if sum(counts.values()) >= total_gen:
            break
        counts[lb] += 1
    return counts, warning


def deduplicate(records: list[dict]) -> tuple[list[dict], Counter]:
    """Keep the first record of each normalised text (hand-written come first)."""
    seen: set[str] = set()
    kept: list[dict] = []
    dropped: Counter = Counter()
    for rec in records:
        key = normalize(rec["text"]).text.strip()
        if key in seen:
            dropped[rec["source"]] += 1
            continue
        seen.add(key)
        kept.append(rec)
    return kept, dropped


def _family_hash(family: str) -> str:
    return hashlib.sha256(f"smsclf-split:{family}".encode()).hexdigest()


def assign_splits(records: list[dict]) -> dict[str, str]:
    """Family -> split: per label, families in hash order, cut by cumulative message count."""
    sizes: dict[str, Counter] = defaultdict(Counter)
    for rec in records:
        sizes[rec["label"]][rec["family"]] += 1
    split_of: dict[str, str] = {}
    for label in LABELS:
        families = sorted(sizes[label], key=lambda f: (_family_hash(f), f))
        total = sum(sizes[label].values())
        done = 0
        for fam in families:
            middle = (done + sizes[label][fam] / 2) / total
            split_of[fam] = ("train" if middle < SPLIT_CUTS[0]
                             else "dev" if middle < SPLIT_CUTS[1] else "test")
            done += sizes[label][fam]
    return split_of


def _quantiles(values: list[int]) -> dict[str, int]:
    values = sorted(values)
    if not values:
        return {}
    return {f"p{round(q * 100)}": values[round(q * (len(values) - 1))] for q in QUANTILES}


def compute_stats(records: list[dict], split_of: dict[str, str], meta: dict) -> dict:
    """Counts and length distribution of the built data set (the data card is made from it)."""
    by_lss: dict = {lb: {sp: {"handwritten": 0, "generated": 0} for sp in SPLITS}
                    for lb in LABELS}
    by_cat: dict = defaultdict(lambda: defaultdict(lambda: {"handwritten": 0, "generated": 0}))
    style: Counter = Counter()
    lengths: dict[str, list[int]] = defaultdict(list)
    for rec in records:
        sp = split_of[rec["family"]]
        by_lss[rec["label"]][sp][rec["source"]] += 1
        by_cat[rec["label"]][rec["tags"][0]][rec["source"]] += 1
        style.update(set(rec["tags"][1:]))
        lengths[rec["label"]].append(len(rec["text"]))
        lengths["all"].append(len(rec["text"]))
    families = {src: len({r["family"] for r in records if r["source"] == src})
                for src in ("handwritten", "generated")}
    n_gen = sum(r["source"] == "generated" for r in records)
    return {
        "seed": SEED,
        "handwritten_files": meta["files"],
        "target_total": TARGET_TOTAL,
        "warning": meta["warning"],
        "total": len(records),
        "by_source": {src: sum(r["source"] == src for r in records)
                      for src in ("handwritten", "generated")},
        "generated_share": round(n_gen / len(records), 4) if records else 0.0,
        "by_label": {lb: sum(r["label"] == lb for r in records) for lb in LABELS},
        "by_split": {sp: sum(split_of[r["family"]] == sp for r in records) for sp in SPLITS},
        "label_split_source": by_lss,
        "families": families,
        "generated_requested": meta["requested"],
        "duplicates_removed": {src: meta["dropped"].get(src, 0)
                               for src in ("handwritten", "generated")},
        "by_category": {lb: {cat: dict(by_cat[lb][cat]) for cat in sorted(by_cat[lb])}
                        for lb in LABELS},
        "style_tags": dict(sorted(style.items())),
        "length_chars": {k: _quantiles(lengths[k]) for k in ("all", *LABELS)},
    }


def _jsonl(records: list[dict]) -> str:
    lines = [json.dumps({k: rec[k] for k in KEYS}, ensure_ascii=False) for rec in records]
    return "".join(line + "\n" for line in lines)


def build(out: Path, handwritten_dir: Path = HERE / "handwritten", quiet: bool = False) -> dict:
    """Write the split files and ``stats.json`` into ``out``; return the stats."""
    handwritten, files = read_handwritten(handwritten_dir)
    requested, warning = generated_counts(handwritten)
    if warning and not quiet:
        print(f"WARNING: {warning}", file=sys.stderr)
    records, dropped = deduplicate(handwritten + generate(requested, SEED))
    split_of = assign_splits(records)
    out.mkdir(parents=True, exist_ok=True)
    for sp in SPLITS:
        part = sorted((r for r in records if split_of[r["family"]] == sp), key=lambda r: r["id"])
        (out / f"{sp}.jsonl").write_text(_jsonl(part), encoding="utf-8")
    stats = compute_stats(records, split_of, {"files": files, "warning": warning,
                                              "requested": requested, "dropped": dropped})
    (out / "stats.json").write_text(json.dumps(stats, ensure_ascii=False, indent=2) + "\n",
                                    encoding="utf-8")
    return stats


def compare(built: Path, committed: Path) -> list[str]:
    """Human-readable differences between two output directories (empty if identical)."""
    problems = []
    for name in OUTPUT_FILES:
        a, b = built / name, committed / name
        if not b.exists():
            problems.append(f"{name}: missing in {committed}")
            continue
        if a.read_bytes() == b.read_bytes():
            continue
        new = a.read_text(encoding="utf-8").splitlines()
        old = b.read_text(encoding="utf-8").splitlines()
        pairs = enumerate(zip(new, old, strict=False))
        first = next((i for i, (x, y) in pairs if x != y), min(len(new), len(old)))
        problems.append(f"{name}: differs ({len(old)} committed lines, {len(new)} rebuilt; "
                        f"first difference at line {first + 1})")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE, help="output directory (default datasets/)")
    ap.add_argument("--check", action="store_true",
                    help="rebuild into a temporary directory and compare with --out")
    args = ap.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp), quiet=True)
            problems = compare(Path(tmp), args.out)
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            print("committed data set is out of date: run python datasets/build.py",
                  file=sys.stderr)
            return 1
        print("data set is up to date")
        return 0
    stats = build(args.out)
    if args.out.resolve() == HERE and (HERE / "README.md").exists():
        import card

        card.update()
    print(f"{stats['total']} messages ({stats['by_source']['handwritten']} hand-written, "
          f"{stats['by_source']['generated']} generated, share {stats['generated_share']:.1%}); "
          f"labels {stats['by_label']}; splits {stats['by_split']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
