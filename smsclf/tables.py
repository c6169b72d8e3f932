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


_COMPONENT_END = re.compile("[省市州盟区县旗]")
_LEVEL_WORD = re.compile("(?:中级人民法院|高级人民法院|中级法院|高级法院|人民法院|法院)$")


@dataclass(frozen=True)
class Court:
    code: str
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
    #: every full name and alias of a court -> its code
    names: dict[str, str]
    case_types: dict[str, CaseType]
    max_name_len: int


@lru_cache(maxsize=1)
def tables() -> Tables:
    """Load the tables (once)."""
    courts: dict[str, Court] = {}
    names: dict[str, str] = {}
    for row in resources.read_tsv("courts.tsv"):
        court = Court(row["code"], row["name"], row["level"], row["special"], row["province"])
        courts[court.code] = court
        for name in [court.name, *filter(None, row["aliases"].split("|"))]:
            # a renamed court keeps its old code as a second row; the row with aliases is
            # the one in use (data/TABLES.md)
            if name not in names or row["aliases"]:
                names[name] = court.code
    case_types = {
        row["code"]: CaseType(
            row["code"], row["category"], row["meaning"], frozenset(row["levels"].split("|"))
        )
        for row in resources.read_tsv("case_types.tsv")
    }
    return Tables(courts, names, case_types, max(map(len, names), default=0))


@lru_cache(maxsize=1)
def name_tails() -> dict[str, tuple[str, ...]]:
    """Tails of court names that start at a place boundary ("鼓楼区人民法院" of
    "南京市鼓楼区人民法院") -> the codes of every court whose name ends so.  Built on first
    need: only a court name that is not in the table asks for it."""
    tails: dict[str, set[str]] = {}
    for name, code in tables().names.items():
        level = _LEVEL_WORD.search(name)
        place_end = level.start() if level else len(name)
        for m in _COMPONENT_END.finditer(name, 0, place_end - 1):
            if place_end - m.end() >= 2:  # "区人民法院" names no place
                tails.setdefault(name[m.end():], set()).add(code)
    return {k: tuple(sorted(v)) for k, v in tails.items()}
