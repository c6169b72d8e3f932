"""Court names: the real courts of the table, and names no real court bears.

Every court name ends in 法院, so the recogniser looks at each 法院 and takes the longest
name of the table that ends there.  What is left is a court that is named but not real
(``XX县中级人民法院``, ``互联网仲裁法院``), or a court mentioned but not named (``向法院起诉``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from smsclf import resources
from smsclf.evidence import Evidence
from smsclf.normalize import NormalizedText, is_cjk
from smsclf.recognizers.base import make_evidence
from smsclf.tables import name_tails, tables

# Characters that cannot be part of a court name: where a name read backwards stops.
_STOP = set(
    "在向被已的由将到于是你您我请对经并与及或从让给把其该此本贵等过录打注意可按以至内前后日也即往去用和子"
)
_MAX_UNKNOWN = 14
# A court's name says where it sits; without one of these it names no court.
_PLACE_MARKS = frozenset("省市县区州盟旗")
# Generic words that end a court's name; the words before them are an attempt at a name.
_PLAIN = frozenset({
    "法院", "人民法院", "中级人民法院", "高级人民法院",
    "区法院", "县法院", "市法院", "区人民法院", "县人民法院", "市人民法院",
})


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict[str, str], list[str], list[re.Pattern[str]], re.Pattern[str]]:
    rows = resources.read_tsv("court_patterns.tsv")
    named = {r["pattern"]: r["kind"] for r in rows if r["kind"] in ("generic", "invented")}
    named.update((f"{p}法院", "generic") for p in _province_short_names())
    departments = sorted((r["pattern"] for r in rows if r["kind"] == "department"),
                         key=len, reverse=True)
    wrong = [re.compile(r["pattern"]) for r in rows if r["kind"] == "wrong_level"]
    platforms = sorted((r["pattern"] for r in rows if r["kind"] == "platform"),
                       key=len, reverse=True)
    return named, departments, wrong, re.compile("|".join(map(re.escape, platforms)))


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
        t = tables()
        named, departments, wrong_level, platforms = _patterns()
        platform_spans = [p.span() for p in platforms.finditer(text)]
        found: list[Evidence] = []
        for m in re.finditer("法院", text):
            if any(s <= m.start() and m.end() <= e for s, e in platform_spans):
                continue  # "人民法院在线服务" is a platform, reported by the phrase lexicon
            end = m.end()
            start, code = self._longest_known(text, end, t.names, t.max_name_len)
            dept = next((d for d in departments if text.startswith(d, end)), None)
            if code is not None:
                court = t.courts[code]
                details = {"valid": True, "problems": [], "named": True, "code": code,
                           "name": court.name, "level": court.level, "special": court.special,
                           "province": court.province}
            else:
                start = self._name_start(text, end)
                start, details = self._judge_unknown(text, start, end, named, wrong_level)
            if dept:
                details["valid"] = False
                details["problems"] = [*details["problems"], "fake_department"]
                details["department"] = dept
                end += len(dept)
            found.append(make_evidence(doc, self.kind, start, end, details))
        return found

    @staticmethod
    def _longest_known(text: str, end: int, names: dict[str, str], max_len: int):
        for length in range(min(max_len, end), 2, -1):
            code = names.get(text[end - length : end])
            if code is not None:
                return end - length, code
        return end, None

    @staticmethod
    def _name_start(text: str, end: int) -> int:
        start = end - 2
        while start > 0 and end - start < _MAX_UNKNOWN + 2:
            ch = text[start - 1]
            if not is_cjk(ch) or ch in _STOP:
                break
            start -= 1
        return start

    @staticmethod
    def _judge_unknown(text, start, end, named, wrong_level):
        candidate = text[start:end]
        tails = name_tails()
        for i in range(len(candidate) - 4):
            codes = tails.get(candidate[i:])
            if codes and candidate[i:] not in named:
                # "鼓楼区人民法院": a real court's name, but several courts bear it
                return start + i, {"valid": True, "problems": [], "named": True,
                                   "ambiguous": True, "candidates": list(codes[:10])}
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
        if any(p.search(candidate) for p in wrong_level):
            return start, {"valid": False, "problems": ["wrong_level_word"], "named": True}
        if candidate in named or not any(ch in _PLACE_MARKS for ch in candidate[:-2]):
            # "法院", "案子法院": a court is mentioned, but no place names it
            first = start if candidate in named else end - 2
            return first, {"valid": False, "problems": ["no_court_named"], "named": False}
        return start, {"valid": False, "problems": ["unknown_court"], "named": True}
