"""Rewrite the statistics section of ``datasets/README.md`` from ``datasets/stats.json``.

The tables between ``<!-- stats:start -->`` and ``<!-- stats:end -->`` are generated, so the
data card can never disagree with the data.  ``build.py`` calls this after a build;
``python datasets/card.py --check`` fails if the card is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
START, END = "<!-- stats:start -->", "<!-- stats:end -->"
LABELS = ("genuine", "fake", "unrelated")
SPLITS = ("train", "dev", "test")
SOURCES = ("handwritten", "generated")


def _table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def render(stats: dict) -> str:
    """The generated Markdown (without the markers)."""
    lss = stats["label_split_source"]
    lines = [
        f"Built with seed `{stats['seed']}` from {len(stats['handwritten_files'])} hand-written "
        f"files: {stats['total']} messages, {stats['by_source']['handwritten']} hand-written "
        f"and {stats['by_source']['generated']} generated "
        f"({stats['generated_share']:.1%} generated); "
        f"{stats['families']['handwritten']} hand-written and "
        f"{stats['families']['generated']} generated families.  Duplicates removed after "
        f"normalisation: {stats['duplicates_removed']['handwritten']} hand-written, "
        f"{stats['duplicates_removed']['generated']} generated.",
        "",
    ]
    if stats.get("warning"):
        lines += [f"**Warning from the build:** {stats['warning']}.", ""]
    lines += ["**Messages per label and split** (hand-written + generated)", ""]
    rows = []
    for lb in LABELS:
        cells = [f"{sum(lss[lb][sp].values())} ({lss[lb][sp]['handwritten']} + "
                 f"{lss[lb][sp]['generated']})" for sp in SPLITS]
        rows.append([f"`{lb}`", *cells, stats["by_label"][lb]])
    rows.append(["all", *(stats["by_split"][sp] for sp in SPLITS), stats["total"]])
    lines += _table(["label", *SPLITS, "total"], rows) + [""]

    lines += ["**Messages per label and source**", ""]
    rows = [[f"`{lb}`", *(sum(lss[lb][sp][src] for sp in SPLITS) for src in SOURCES),
             stats["by_label"][lb]] for lb in LABELS]
    lines += _table(["label", *SOURCES, "total"], rows) + [""]

    lines += ["**Messages per category** (first tag)", ""]
    rows = []
    for lb in LABELS:
        for cat, c in stats["by_category"][lb].items():
            hw, gen = c.get("handwritten", 0), c.get("generated", 0)
            rows.append([f"`{lb}`", f"`{cat}`", hw, gen, hw + gen])
    lines += _table(["label", "category", *SOURCES, "total"], rows) + [""]

    lines += ["**Style tags** (messages carrying the tag after the first position)", ""]
    style = stats["style_tags"]
    keys = [k for k in ("sender_start", "sender_end", "no_sender", "short", "long", "crude",
                        "typo", "calm_fake", "hard_case", "obfuscated", "traditional",
                        "fullwidth_digits")
            if k in style]
    lines += _table(["tag", "messages"], [[f"`{k}`", style[k]] for k in keys]) + [""]

    lines += ["**Length in characters** (quantiles)", ""]
    qs = list(stats["length_chars"]["all"])
    rows = [[k if k == "all" else f"`{k}`", *(stats["length_chars"][k][q] for q in qs)]
            for k in ("all", *LABELS)]
    lines += _table(["", *qs], rows)
    return "\n".join(lines)


def update(readme: Path = HERE / "README.md", stats_path: Path = HERE / "stats.json") -> bool:
    """Rewrite the section; return True if the file changed."""
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n{render(stats)}\n{END}{tail}"
    if new == text:
        return False
    readme.write_text(new, encoding="utf-8")
    return True


def is_current(readme: Path = HERE / "README.md", stats_path: Path = HERE / "stats.json") -> bool:
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    text = readme.read_text(encoding="utf-8")
    return f"{START}\n{render(stats)}\n{END}" in text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if the card is stale")
    args = ap.parse_args(argv)
    if args.check:
        ok = is_current()
        print("data card is up to date" if ok else "data card is stale: run datasets/card.py",
              file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1
    print("README.md updated" if update() else "README.md already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
