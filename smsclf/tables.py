"""The court table and the case-type table, loaded once from ``smsclf/data``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from smsclf import resources

#: The provincial abbreviations that are court codes (``内`` for Inner Mongolia, ``黔`` for
#: Guizhou, ``兵`` for the XPCC branch, ``军`` for the military court).
PROVINCE_ABBRS = frozenset("京津沪渝冀晋内辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川黔云藏陕甘青宁新兵军")
#: Province abbreviations in common use that are NOT court codes.
NON_CODE_ABBRS = frozenset("蒙贵滇陇蜀秦")


_COMPONENT_ENDS = frozenset("省市州盟区县旗")
_LEVEL_WORDS = ("中级人民法院", "高级人民法院", "中级法院", "高级法院", "人民法院", "法院")


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
    #: tails of court names ("鼓楼区人民法院") -> the codes of every court whose name ends so
    tails: dict[str, tuple[str, ...]]


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
    tails: dict[str, set[str]] = {}
    for name, code in names.items():
        for i in range(1, len(name) - 4):
            if name[i - 1] not in _COMPONENT_ENDS:
                continue  # "市朝阳区法院" starts inside a place name; "朝阳区法院" does not
            tail = name[i:]
            place = next((tail[: -len(w)] for w in _LEVEL_WORDS if tail.endswith(w)), tail)
            if len(place) >= 2:  # "区人民法院" names no place
                tails.setdefault(tail, set()).add(code)
    return Tables(courts, names, case_types, max(map(len, names), default=0),
                  {k: tuple(sorted(v)) for k, v in tails.items()})
