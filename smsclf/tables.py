"""The court table and the case-type table, loaded once from ``smsclf/data``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from smsclf import resources

#: The provincial abbreviations that are court codes (``内`` for Inner Mongolia, ``黔`` for
#: Guizhou, ``兵`` for the XPCC branch, ``军`` for the military court).
PROVINCE_ABBRS = frozenset("京津沪渝冀晋内辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川黔云藏陕甘青宁新兵军")
#: Province abbreviations in common use that are NOT court codes.
NON_CODE_ABBRS = frozenset("蒙贵滇陇蜀秦")
#: What a court's name ends with (``中院`` in short forms such as 长沙中院, ``分院`` for the
#: branches of the Xinjiang high court, ``法庭`` for the SPC's circuit courts).
NAME_ENDINGS = ("法院", "中院", "分院", "法庭")

#: Two-digit numbers of special intermediate courts (DOMAIN.md §2.1 item (三)): 71 railway,
#: 72 maritime, 73 IP, 74 financial/oilfield, 75-80 forestry, 81-85 农垦, 87-95 cross-region,
#: 96-99 courts set up for county-level divisions (86 is not one: it numbers railway basic
#: courts, 津8601).
_SPECIAL_INTERMEDIATE = frozenset(range(71, 100)) - {86}
#: First two digits of basic courts under a special court (陕7101 railway, 吉7502 forestry,
#: 津8601 railway); 90 and 96-99 are not among them (GB/T 2260's 90xx are all in the table).
_SPECIAL_BASIC = range(71, 90)
#: Last two digits of basic courts without a county of their own under an intermediate
#: court (苏0591 zone, 浙0192 internet, 粤1971 numbered).
_ZONE_RANGE = range(71, 100)

_COMPONENT_END = re.compile("[省市州盟区县旗]")
_PREFECTURE_SUFFIX = re.compile("(?:市|地区|自治州|州|盟)$")


@dataclass(frozen=True)
class Court:
    code: str  # "" for a real court whose 法院代字 is not known
    name: str
    level: str  # supreme | high | intermediate | basic
    special: str
    province: str


@dataclass(frozen=True)
class CaseType:
    code: str
    category: str
    meaning: str
    levels: frozenset[str]


@dataclass(frozen=True)
class Tables:
    courts: dict[str, Court]
    #: every full name and alias of a court -> its code, or ``~name`` for a court of
    #: :attr:`uncoded`
    names: dict[str, str]
    case_types: dict[str, CaseType]
    max_name_len: int
    #: real courts whose code is not known (``courts_manual.tsv`` rows without a code)
    uncoded: dict[str, Court]
    #: code -> every code of the same court (a court keeps the code of a renamed or merged
    #: division, Art. 13), for the codes that have more than one
    same_court: dict[str, tuple[str, ...]]


@lru_cache(maxsize=1)
def tables() -> Tables:
    """Load the tables (once)."""
    courts: dict[str, Court] = {}
    names: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for row in resources.read_tsv("courts.tsv"):
        court = Court(row["code"], row["name"], row["level"], row["special"], row["province"])
        courts[court.code] = court
        groups.setdefault(row.get("same_as") or court.code, []).append(court.code)
        for name in [court.name, *filter(None, row["aliases"].split("|"))]:
            # a renamed court keeps its old code as a second row; the row with aliases is
            # the one in use (data/TABLES.md)
            if name not in names or row["aliases"]:
                names[name] = court.code
    same_court = {code: tuple(g) for g in groups.values() if len(g) > 1 for code in g}
    uncoded: dict[str, Court] = {}
    fulls = _province_full_names()
    for row in resources.read_tsv("courts_manual.tsv"):
        if row["code"]:
            continue
        key = "~" + row["name"]
        uncoded[key] = Court("", row["name"], row["level"], row["special"], row["province"])
        for name in _variants([row["name"], *filter(None, row["aliases"].split("|"))], fulls):
            names.setdefault(name, key)
    case_types = {
        row["code"]: CaseType(
            row["code"], row["category"], row["meaning"], frozenset(row["levels"].split("|"))
        )
        for row in resources.read_tsv("case_types.tsv")
    }
    return Tables(
        courts, names, case_types, max(map(len, names), default=0), uncoded, same_court
    )


def _province_full_names() -> tuple[str, ...]:
    return tuple(r["full_name"] for r in resources.read_tsv("provinces.tsv"))


def _variants(names: list[str], fulls: tuple[str, ...]) -> set[str]:
    """The names with and without the province prefix, and 人民法院 -> 法院."""
    out = set(names)
    for n in names:
        out |= {n.removeprefix(f) for f in fulls if n.startswith(f)}
    out |= {n[:-4] + "法院" for n in out if n.endswith("人民法院")}
    return out


@lru_cache(maxsize=1)
def name_tails() -> dict[str, tuple[str, ...]]:
    """Tails of court names that start at a place boundary ("鼓楼区人民法院" of
    "南京市鼓楼区人民法院") -> the codes of every court whose name ends so.  Built on first
    need: only a court name that is not in the table asks for it.  Only ordinary courts: the
    tail of a special court's name ("铁路运输法院", "高新技术产业开发区人民法院") is a kind of
    court that many cities have."""
    tails: dict[str, set[str]] = {}
    t = tables()
    for name, code in t.names.items():
        court = t.courts.get(code)
        if court is None or court.special not in ("", "old_code"):
            continue  # "高新技术产业开发区人民法院" of a zone court names no place
        place_end = len(name) - level_word_length(name)
        # "区人民法院" names no place: 2 characters at least after the boundary
        for m in _COMPONENT_END.finditer(name, 0, place_end - 2):
            tails.setdefault(name[m.end() :], set()).add(code)
    return {k: tuple(sorted(v)) for k, v in tails.items()}


def level_word_length(name: str) -> int:
    """The length of the level word that ends a court's name (人民法院, 中级法院, 分院 …)."""
    if name.endswith("人民法院"):
        return 6 if name[-6:-4] in ("中级", "高级") else 4
    if name.endswith(("中级法院", "高级法院")):
        return 4
    return 2 if name.endswith(NAME_ENDINGS) else 0


@lru_cache(maxsize=1)
def prefecture_places() -> frozenset[str]:
    """The names of the places that have an intermediate court, as a court's name may start:
    "石家庄", "石家庄市", "河北省石家庄市", "北京", "北京市".  A special court's name (a
    railway, zone or forestry court) starts with one of these, whole."""
    fulls = _province_full_names()
    shorts = tuple(r["short_name"] for r in resources.read_tsv("provinces.tsv"))
    places = set(fulls) | set(shorts)
    for court in tables().courts.values():
        if court.level != "intermediate" or court.special or "第" in court.name:
            continue
        unit = court.name.removesuffix("中级人民法院")
        full = next((f for f in fulls if unit.startswith(f)), "")
        unit = unit.removeprefix(full)
        stem = _PREFECTURE_SUFFIX.sub("", unit)
        if len(stem) >= 2:
            places |= {unit, stem, full + unit, full + stem}
    return frozenset(places)


@lru_cache(maxsize=1)
def county_stems() -> frozenset[str]:
    """The short names of county-level units ("珲春" of 珲春市): forestry and mining courts
    are named after the county-level place where their forestry bureau or mine is."""
    return frozenset(unit[:-1] for unit in county_units() if len(unit) >= 3)


@lru_cache(maxsize=1)
def county_units() -> frozenset[str]:
    """County-level units (县, 县级市, 区, 旗) that have a basic court ("江阴市", "天河区"):
    a place that has no intermediate court of its own."""
    units = set()
    for name, code in tables().names.items():
        court = tables().courts.get(code)
        if court is None or court.level != "basic" or not name.endswith("人民法院"):
            continue
        unit = name.removesuffix("人民法院")
        if _COMPONENT_END.fullmatch(unit[-1:]) and len(unit) >= 2:
            units.add(unit)
    return frozenset(units - prefecture_places())


def code_status(code: str) -> str:
    """``listed`` (a court of the table), ``unlisted`` (well formed and in a range where real
    courts are missing from the table: special courts, zone courts, XPCC basic courts) or
    ``unknown`` (no court can have it)."""
    t = tables()
    if code in t.courts:
        return "listed"
    abbr, digits = code[:1], code[1:]
    if abbr not in PROVINCE_ABBRS or not digits.isdigit() or len(digits) not in (2, 4):
        return "unknown"
    first = int(digits[:2])
    if len(digits) == 2:
        return "unlisted" if first in _SPECIAL_INTERMEDIATE else "unknown"
    second = int(digits[2:])
    parent = code[:3]
    if second == 0:
        return "unknown"
    if abbr == "兵" and parent in t.courts:
        return "unlisted"  # XPCC basic courts (垦区, city courts): codes not found
    if first in _SPECIAL_BASIC:
        return "unlisted"  # basic courts under a special court: 7101 railway, 7502 forestry
    if parent in t.courts and second in _ZONE_RANGE:
        return "unlisted"  # a zone or numbered court under its intermediate court
    return "unknown"
