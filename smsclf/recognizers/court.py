"""Court names: the real courts of the table, and names no real court bears.

Almost every court name ends in 法院, so the recogniser looks at each 法院 and takes the
longest name of the table that ends there; it also takes the few real names that end
otherwise (``…兵团分院``, ``最高人民法院第一巡回法庭``, ``长沙中院``).  A name must start
where its place name starts: ``广州市海东区人民法院`` is not ``东区人民法院`` (攀枝花).  What
is left is a court that is named but not real (``XX县中级人民法院``, ``互联网仲裁法院``), a
special court of a real city that the table does not list (``郑州铁路运输法院``), or a
court mentioned but not named (``向法院起诉``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from smsclf import resources
from smsclf.evidence import Evidence
from smsclf.normalize import NormalizedText, is_cjk
from smsclf.recognizers.base import make_evidence
from smsclf.tables import (
    county_stems,
    county_units,
    level_word_length,
    name_tails,
    prefecture_places,
    tables,
)

# Characters that cannot be part of a court name: where a name read backwards stops.
_STOP = set(
    "在向被已的由将到于是你您我请对经并与及或从让给把其该此本贵等过录打注意可按以至内前后日也即往去用和子"
    "书称为据查"  # 判决书…, 原审法院称…: words that end right before a court's name
)
# Words that start with a character of _STOP but belong to a name (经济技术开发区, 和田).
_NAME_WORDS = frozenset({"经济", "和田", "和龙", "和平", "于都", "于田"})
_MAX_UNKNOWN = 14
# A court's name says where it sits; without one of these it names no court.
_PLACE_MARKS = frozenset("省市县区州盟旗")
# Where a name may end: 法院, and the few real names that end otherwise (only names of the
# table count there: 分院 ends hospital branches too).
_ENDS = re.compile("法院|分院|法庭|中院")
# Special courts named after a county-level place, not only after a city.
_LOCAL_KINDS = frozenset({"forestry", "mining", "reclamation"})
_INTERMEDIATE_WORD = re.compile("(?:中级人民法院|中级法院|中院)$")
# Generic words that end a court's name; the words before them are an attempt at a name.
_PLAIN = frozenset({
    "法院", "人民法院", "中级人民法院", "高级人民法院",
    "区法院", "县法院", "市法院", "区人民法院", "县人民法院", "市人民法院",
})


@lru_cache(maxsize=1)
def _patterns() -> tuple[
    dict[str, str], re.Pattern[str] | None, list[re.Pattern[str]], re.Pattern[str],
    list[tuple[str, str]]
]:
    rows = resources.read_tsv("court_patterns.tsv")
    named = {r["pattern"]: r["kind"] for r in rows if r["kind"] in ("generic", "invented")}
    named.update((f"{p}法院", "generic") for p in _province_short_names())
    departments = sorted((r["pattern"] for r in rows if r["kind"] == "department"),
                         key=len, reverse=True)
    # one alternative, longest first: ``match`` finds the first that starts at a position
    departments = re.compile("|".join(map(re.escape, departments))) if departments else None
    wrong = [re.compile(r["pattern"]) for r in rows if r["kind"] == "wrong_level"]
    platforms = sorted((r["pattern"] for r in rows if r["kind"] == "platform"),
                       key=len, reverse=True)
    special = sorted(((r["pattern"], r["kind"].removeprefix("special_")) for r in rows
                      if r["kind"].startswith("special_")), key=lambda p: -len(p[0]))
    return named, departments, wrong, re.compile("|".join(map(re.escape, platforms))), special


def _province_short_names() -> list[str]:
    """"湖北", "广西": "湖北法院" is the courts of a province, not one court."""
    rows = resources.read_tsv("provinces.tsv")
    return [n for r in rows for n in (r["short_name"], r["full_name"]) if n]


class CourtRecognizer:
    """Finds court names and checks them against the court table."""

    name = "court"
    kind = "court"

    def analyze(self, doc: NormalizedText) -> list[Evidence]:
        text = doc.text
        if "院" not in text and "庭" not in text:
            return []  # every name ends in 院 or 庭 (_ENDS)
        t = tables()
        named, departments, wrong_level, platforms, special = _patterns()
        platform_spans = [p.span() for p in platforms.finditer(text)]
        found: list[Evidence] = []
        taken: list[tuple[int, int]] = []
        ends = [m for m in _ENDS.finditer(text)
                if not any(s <= m.start() and m.end() <= e for s, e in platform_spans)]
        # names that end in 分院, 法庭 or 中院 first: "…高级人民法院生产建设兵团分院" holds a
        # 法院 that is not the end of the name
        for m in ends:
            if m.group() == "法院":
                continue
            start, key = self._longest_known(text, m.end(), t.names, t.max_name_len)
            if key is not None:
                details = self._known(text, key)
                found.append(make_evidence(doc, self.kind, start, m.end(), details))
                taken.append((start, m.end()))
        for m in ends:
            if m.group() != "法院" or any(s <= m.start() < e for s, e in taken):
                continue
            end = m.end()
            start, key = self._longest_known(text, end, t.names, t.max_name_len)
            dept = departments.match(text, end) if departments else None
            dept = dept.group() if dept else None
            if key is not None:
                details = self._known(text, key)
            else:
                start = self._name_start(text, end)
                start, details = self._judge_unknown(text, start, end, named, wrong_level,
                                                     special)
            if dept:
                details["valid"] = False
                details["problems"] = [*details["problems"], "fake_department"]
                details["department"] = dept
                end += len(dept)
            found.append(make_evidence(doc, self.kind, start, end, details))
        found.sort(key=lambda e: e.start)
        return found

    @staticmethod
    def _known(text: str, key: str) -> dict:
        t = tables()
        court = t.courts.get(key)
        if court is None:  # a real court whose code is not known
            court = t.uncoded[key]
            return {"valid": True, "problems": [], "named": True, "code": None,
                    "name": court.name, "level": court.level, "special": court.special,
                    "province": court.province, "notes": ["court_code_unknown"]}
        details = {"valid": True, "problems": [], "named": True, "code": key,
                   "name": court.name, "level": court.level, "special": court.special,
                   "province": court.province}
        codes = t.same_court.get(key)
        if codes:
            # A court keeps the code of a renamed or merged division (Art. 13): report the
            # code the message's case number uses, if it is one of this court's codes.
            details["codes"] = list(codes)
            written = next((c for c in codes if c != key and _code_in(text, c)), None)
            if written:
                details["code"] = written
        return details

    @staticmethod
    def _longest_known(text: str, end: int, names: dict[str, str], max_len: int):
        for length in range(min(max_len, end), 2, -1):
            code = names.get(text[end - length : end])
            if code is not None and _starts_whole(text, end - length, end):
                return end - length, code
        return end, None

    @staticmethod
    def _name_start(text: str, end: int) -> int:
        start = end - 2
        while start > 0 and end - start < _MAX_UNKNOWN + 2:
            ch = text[start - 1]
            if not is_cjk(ch) or (ch in _STOP and text[start - 1 : start + 1] not in _NAME_WORDS):
                break
            start -= 1
        return start

    @staticmethod
    def _judge_unknown(text, start, end, named, wrong_level, special):
        candidate = text[start:end]
        tails = name_tails()
        for i in range(len(candidate) - 4):
            codes = tails.get(candidate[i:])
            # the whole place name: "鼓楼区人民法院" of "南京市鼓楼区…", not "东区人民法院" of
            # "海东区人民法院"
            if codes and candidate[i:] not in named and (
                    i == 0 or candidate[i - 1] in _PLACE_MARKS):
                # "鼓楼区人民法院": a real court's name, but several courts bear it
                return start + i, {"valid": True, "problems": [], "named": True,
                                   "ambiguous": True, "candidates": list(codes[:10])}
        found = _special_court(candidate, special)
        if found is not None:
            offset, details = found
            return start + offset, details
        # the longest generic or invented word that ends the candidate decides
        for i in range(len(candidate) - 1):
            kind = named.get(candidate[i:])
            if kind is None:
                continue
            if kind == "invented":
                return start + i, {"valid": False, "problems": ["invented_institution"],
                                   "named": True}
            if i == 0 or candidate[i:] in _PLAIN:
                break  # "XX人民法院": XX is an attempt at a name, judged below
            # "XX当地法院": the word before is not a name
            return start + i, {"valid": False, "problems": ["no_court_named"], "named": False}
        if any(p.search(candidate) for p in wrong_level) or _county_intermediate(candidate):
            return start, {"valid": False, "problems": ["wrong_level_word"], "named": True}
        if candidate in named or not any(ch in _PLACE_MARKS for ch in candidate[:-2]):
            # "法院", "案子法院": a court is mentioned, but no place names it
            first = start if candidate in named else end - 2
            return first, {"valid": False, "problems": ["no_court_named"], "named": False}
        return start, {"valid": False, "problems": ["unknown_court"], "named": True}


def _place_components(name: str) -> int:
    """How many place units a court's name has before its level word: 2 in
    "北京市朝阳区人民法院", 1 in "东区人民法院", 0 in "杭州互联网法院"."""
    return sum(ch in _PLACE_MARKS for ch in name[: len(name) - level_word_length(name)])


def _starts_whole(text: str, start: int, end: int) -> bool:
    """Whether a name of the table found at ``text[start:end]`` starts where the place name
    in the text starts.  A name of one place unit ("东区人民法院") right after a word that
    is itself a place ("广州市海" + "东区人民法院") is the end of another name."""
    if start == 0:
        return True
    prev = text[start - 1]
    if not is_cjk(prev) or prev in _STOP or prev in _PLACE_MARKS:
        return True
    if _place_components(text[start:end]) >= 2:
        return True
    before = text[max(0, start - _MAX_UNKNOWN) : start]
    run = before[len(before) - next(
        (i for i, ch in enumerate(reversed(before)) if not is_cjk(ch) or ch in _STOP),
        len(before)):]
    return not any(ch in _PLACE_MARKS for ch in run)


def _code_in(text: str, code: str) -> bool:
    """Whether ``code`` occurs in ``text`` as a whole court code (not followed by a digit)."""
    i = text.find(code)
    while i >= 0:
        after = i + len(code)
        if after >= len(text) or not text[after].isdigit():
            return True
        i = text.find(code, i + 1)
    return False


def _county_intermediate(candidate: str) -> bool:
    """"江苏省江阴市中级人民法院": a county-level unit (here a county-level city) has no
    intermediate court."""
    level = _INTERMEDIATE_WORD.search(candidate)
    if level is None:
        return False
    place = candidate[: level.start()]
    units = county_units()
    return any(place[i:] in units for i in range(len(place) - 1)
               if i == 0 or place[i - 1] in _PLACE_MARKS)


def _special_court(candidate: str, special: list[tuple[str, str]]):
    """"郑州铁路运输法院", "洛阳高新技术产业开发区人民法院": a kind of court that real cities
    have (railway, zone, forestry courts …) after the whole name of a real city (of a real
    county for forestry and mining courts, named after their bureau's or mine's place).  The
    table does not list every such court: the name is taken as real, with no code."""
    for suffix, kind in special:
        if not candidate.endswith(suffix):
            continue
        place = candidate[: -len(suffix)]
        places = prefecture_places()
        local = county_stems() if kind in _LOCAL_KINDS else frozenset()
        for i in range(len(place) - 1):
            if place[i:] in places or place[i:] in local:
                # keep a province name written before the city ("河北廊坊…")
                i = next((j for j in range(i) if place[j:i] in places), i)
                return i, {"valid": True, "problems": [], "named": True, "code": None,
                           "name": candidate[i:], "special": kind,
                           "notes": ["unlisted_court"]}
        return None
    return None
