"""Compare smsclf/data/courts.tsv with the 2014 LexisNexis court-name list (reference only).

Why: that 2014 list (a plain list of court names, one a line; its licence does not allow
shipping it) is the only broad list of real court names at hand; coverage against it finds
naming-rule mistakes. Not shipped, not a test.
Run: python tools/check_courts.py [--reference PATH] [--sample N]
"""

from __future__ import annotations

import argparse
import csv
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "smsclf" / "data"
CATEGORIES = [
    ("railway", "铁路"),
    ("forestry", "林区|林业"),
    ("land reclamation", "农垦"),
    ("xpcc", "兵团"),
    ("zone", "开发区|园区|新区|实验区|高新|经济|城郊"),
    ("maritime", "海事"),
]


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _recognised(name: str) -> bool:
    """Whether smsclf's court recogniser takes ``name`` for a real, unambiguous court."""
    import sys

    sys.path.insert(0, str(ROOT))
    from smsclf import extract

    hits = [e for e in extract(name) if e.kind == "court" and e.text == name]
    return bool(hits) and hits[0].details["valid"] and not hits[0].details.get("ambiguous")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reference", type=Path, required=True,
                    help="the 2014 court-name list, one name a line")
    ap.add_argument("--sample", type=int, default=40, help="missing names to print")
    args = ap.parse_args()
    fulls = sorted(
        (p["full_name"] for p in read_tsv(DATA / "provinces.tsv")), key=len, reverse=True
    )
    prefix = re.compile("^(" + "|".join(map(re.escape, fulls)) + ")")

    def strip(name: str) -> str:
        return prefix.sub("", name)

    courts = read_tsv(DATA / "courts.tsv")
    # real courts whose code is not known: manual rows without a code, not in courts.tsv
    uncoded = [r for r in read_tsv(DATA / "courts_manual.tsv") if not r["code"]]
    main_names = {strip(c["name"]) for c in courts}
    all_names = main_names | {strip(a) for c in courts for a in c["aliases"].split("|") if a}
    all_names |= {strip(n) for r in uncoded for n in [r["name"], *r["aliases"].split("|")] if n}
    lines = args.reference.read_text(encoding="utf-8").splitlines()
    ref = list(dict.fromkeys(strip(x.strip()) for x in lines if x.strip().endswith("法院")))
    hit_main = [n for n in ref if n in main_names]
    missing = [n for n in ref if n not in all_names]
    total = len(ref)
    print(f"reference names: {total}")
    print(f"matched by main name: {len(hit_main)} ({len(hit_main) / total:.1%})")
    print(f"matched by name or alias (uncoded courts included): {total - len(missing)} "
          f"({1 - len(missing) / total:.1%})")
    kinds: Counter[str] = Counter()
    for n in missing:
        kinds[next((k for k, pat in CATEGORIES if re.search(pat, n)), "other")] += 1
    print("missing by kind:", ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    real = [n for n in missing if _recognised(n)]
    print(f"missing names smsclf still takes for real courts (special courts of real cities, "
          f"unlisted): {len(real)}; left: {len(missing) - len(real)}")
    step = max(1, len(missing) // max(1, args.sample))
    print(f"sample of missing names (every {step}th):")
    for n in missing[::step][: args.sample]:
        print("  " + n)


if __name__ == "__main__":
    main()
