"""Case numbers (案号): the post-2016 form, the old 字第 form, and malformed attempts.

Pattern: ``(年)+法院代字+[知]+类型代字+编号+号[之一]`` (the SPC's case-number rules,
法〔2015〕137号, amended 2018).  Validation: the type code is in the official list, the
court code is real (or at least well formed), the court's level can hold the type, the
year is possible for the form.  Numbers of arbitration commissions, notaries, police and
procuratorates have shapes of their own and are reported as ``document_number``, never as
court case numbers.

``problems`` make a number invalid; ``notes`` are weaker findings that real numbers have too:
``unlisted_court_code`` (a well-formed code in a range where the table lacks real courts),
``zero_padded_serial`` (old form, or 2016), ``transition_form`` (2016 numbers with 字第 after a
new-form code), ``nonstandard_brackets``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from smsclf.evidence import Evidence
from smsclf.normalize import NormalizedText
from smsclf.recognizers.base import make_evidence, required_chars
from smsclf.tables import NON_CODE_ABBRS, PROVINCE_ABBRS, code_status, tables

_CJK = "\u4e00-\u9fff"
_CASE = re.compile(
    rf"(?=[(\[〔【12])"  # what a match starts with: lets the engine skip other positions
    rf"(?:(?P<open>[(\[〔【])\s*(?P<year>\d{{4}})\s*[)\]〕】]"
    rf"|(?<![\d(\[〔【])(?P<year2>(?:19|20)\d{{2}})(?=[{_CJK}]))\s*"
    rf"(?P<body>[{_CJK}][{_CJK}\d\s()]{{0,18}}?)\s*"
    rf"(?P<serial>\d{{1,12}})(?P<range>\s*-\s*\d{{1,6}})?\s*号"
    rf"(?P<suffix>之[一二三四五六七八九十]+)?"
)
# "案件编号：20241128003": an identifier that is labelled as a case number but has no
# official form at all.
_LABELLED = re.compile(
    rf"(?:案号|案件编号|案件号|立案号|立案编号|案卷号|诉讼编号|案件单号)\s*[:为是]?\s*"
    rf"(?P<id>[a-z0-9][a-z0-9\-]{{3,24}}|[{_CJK}]{{0,4}}\d[{_CJK}a-z0-9\-]{{3,24}})"
)
# "深南劳人仲案〔2024〕12号", "法〔2015〕137号": document numbers of other bodies.
_DOCUMENT = re.compile(
    rf"(?P<prefix>[{_CJK}()]{{1,16}})\s*[〔(\[]\s*(?P<year>\d{{4}})\s*[〕)\]]\s*"
    rf"(?:[{_CJK}]{{0,3}}字)?\s*第?\s*(?P<serial>\d{{1,8}})\s*号"
)
# What every _DOCUMENT match contains after its prefix: a cheap test before the costly scan
# (its prefix of up to 16 characters is tried at every position).  Court case numbers
# ("（2024）京0105民初123号") have none, so the scan rarely runs.
_DOCUMENT_TAIL = re.compile(
    rf"[〔(\[]\s*\d{{4}}\s*[〕)\]]\s*(?:[{_CJK}]{{0,3}}字)?\s*第?\s*\d{{1,8}}\s*号"
)
# Characters one of which every _LABELLED match holds (案, 立, 诉): most messages have none
_LABEL_MARKS = tuple(sorted(required_chars(_LABELLED) or ("",)))
_ISSUER_BEFORE = re.compile(rf"[{_CJK}]{{1,10}}$")
_SYSTEMS = (("仲", "arbitration"), ("证", "notary"), ("检", "procuratorate"),
            ("律", "law_firm"), ("公", "police"), ("警", "police"))
# A court code at the start of a case number's body: 最高法, or a province code with digits.
_COURT_CODE_PREFIX = re.compile(r"(最高法|[" + "".join(sorted(PROVINCE_ABBRS)) + r"]\d{2,4})")
_TYPE_HINT = re.compile("[初终执督申再调保监撤特催破清赔救辖]|字第")
_CHINESE_DIGITS = "一二三四五六七八九十"
# compiled once: the re module's own cache costs a lookup a call
_SPACES = re.compile(r"\s+")
_DATE_CHARS = re.compile("[年月日]")
_NON_DIGITS = re.compile(r"\D")
_OLD_TAIL = re.compile("(字第|字|第)$")
_POLICE = re.compile("交警|公安|警")
_CODE = re.compile(r"^(最高法|[^\d()]\d{4}(?!\d)|[^\d()]\d{2}(?!\d)|[^\d()]\d+)")
_FIRST_CHAR = re.compile(r"^.")


_REFERENCE_YEAR: ContextVar[int | None] = ContextVar("smsclf_reference_year", default=None)


@contextmanager
def reference_year(year: int | None) -> Iterator[None]:
    """Judge "a year in the future" against ``year`` instead of today's year inside the
    block: training and reports pin it, so that the same data gives the same features
    whatever the date (the year is recorded in each model's manifest)."""
    token = _REFERENCE_YEAR.set(year)
    try:
        yield
    finally:
        _REFERENCE_YEAR.reset(token)


def _court_level(code: str) -> str | None:
    court = tables().courts.get(code)
    if court:
        return court.level
    if code == "最高法":
        return "supreme"
    digits = len(code) - 1
    return {0: "high", 2: "intermediate", 4: "basic"}.get(digits)


class CaseNumberRecognizer:
    """Finds case numbers, parses them and lists what is wrong with them."""

    name = "case_number"
    kind = "case_number"

    def __init__(self, current_year: int | None = None) -> None:
        self.current_year = current_year

    def analyze(self, doc: NormalizedText) -> list[Evidence]:
        text = doc.text
        if "号" not in text:
            return []  # every form this recogniser knows ends in 号
        found: list[Evidence] = []
        taken: list[tuple[int, int]] = []
        pos = 0
        while (m := _CASE.search(text, pos)) is not None:
            body = _SPACES.sub("", m.group("body"))
            if _DATE_CHARS.search(body) or (m.group("year2") and not _TYPE_HINT.search(body)):
                # a date or a document title, not a case number; a number may start inside
                # it ("于2023年5月8日作出（2022）…号": the match from "2023年" swallows the
                # bracketed number): look again from the next character, not from its end
                pos = m.start() + 1
                continue
            pos = m.end()
            issuer = _ISSUER_BEFORE.search(text, 0, m.start())
            system = self._issuer_system(issuer.group()) if issuer else "court"
            if system != "court" and not self._has_court_code(body):
                continue  # "浦劳人仲（2026）办字第6274号": left to the document pattern
            details = self._parse(m, body)
            kind = "document_number" if details.get("system", "court") != "court" else self.kind
            found.append(make_evidence(doc, kind, m.start(), m.end(), details))
            taken.append((m.start(), m.end()))
        for m in _DOCUMENT.finditer(text) if _DOCUMENT_TAIL.search(text) else ():
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            prefix = m.group("prefix")
            system = next((name for mark, name in _SYSTEMS if mark in prefix), "other")
            details = {"system": system, "year": int(m.group("year")), "issuer": prefix,
                       "serial": m.group("serial")}
            found.append(make_evidence(doc, "document_number", m.start(), m.end(), details))
            taken.append((m.start(), m.end()))
        for m in _LABELLED.finditer(text) if any(c in text for c in _LABEL_MARKS) else ():
            s, e = m.span("id")
            if any(a < e and s < b for a, b in taken):
                continue
            details = {"form": "nonstandard", "raw": m.group("id"), "valid": False,
                       "problems": ["not_official_form"]}
            found.append(make_evidence(doc, self.kind, s, e, details))
        return found

    def _parse(self, m: re.Match[str], body: str) -> dict:
        year = int(m.group("year") or m.group("year2"))
        serial = m.group("serial")
        problems: list[str] = []
        notes: list[str] = []
        details: dict = {"year": year, "serial": int(serial)}
        if m.group("suffix"):
            details["suffix"] = m.group("suffix")
        if m.group("range"):
            details["range_end"] = int(_NON_DIGITS.sub("", m.group("range")))
        if m.group("open") in ("〔", "[", "【"):
            notes.append("nonstandard_brackets")
        if not m.group("open"):
            problems.append("missing_brackets")
        old = body.endswith("字第") or body.endswith("字")
        if old or body.endswith("第"):
            core = _OLD_TAIL.sub("", body)
            system = self._system(core)
            if system != "court":
                return {**details, "system": system, "issuer": core}
            if not (year == 2016 and self._transition_form(core, details, notes)):
                details.update(form="old", court_abbr=core)
                type_code = self._longest_type_suffix(core)
                if type_code:
                    details["type_code"] = type_code
                if not old:
                    problems.append("malformed")
                if year >= 2016:
                    problems.append("old_form_after_2015")
        else:
            details["form"] = "new"
            self._parse_new(body, details, problems, notes)
            if details.get("system", "court") != "court":
                return details
            if year < 2016:
                problems.append("new_form_before_2016")
        current = self.current_year or _REFERENCE_YEAR.get() or date.today().year
        if year > current:
            problems.append("future_year")
        elif year < 1950:
            problems.append("implausible_year")
        if serial.startswith("0") and serial.strip("0"):
            # Padding was usual in old-form numbers and still common in 2016, the first year
            # of the new form (…民初00421号); from 2017 real numbers have none (Art. 10:
            # consecutive natural numbers), so there it marks a made-up number.
            if details.get("form") == "old" or year <= 2016:
                notes.append("zero_padded_serial")
            else:
                problems.append("leading_zero_serial")
        elif serial.strip("0") == "":
            problems.append("implausible_serial")  # 0号, 000号: no case is number zero
        elif len(serial) > 7 and details.get("type_code") != "刑核":
            problems.append("implausible_serial")
        details.update(valid=not problems, problems=problems)
        if notes:
            details["notes"] = notes
        return details

    def _transition_form(self, core: str, details: dict, notes: list[str]) -> bool:
        """Numbers of 2016, the first year of the new form, that keep the old 字第 after a
        new-form court code and a valid type code ("(2016)京01民终字第321号", "…刑初字70号"):
        real numbers of that year have it, so not invalid; noted as ``transition_form``."""
        probe: dict = {}
        problems: list[str] = []
        self._parse_new(core, probe, problems, [])
        if problems or "court_code" not in probe or probe.get("system", "court") != "court":
            return False
        details.update(probe, form="new")
        notes.append("transition_form")
        return True

    @staticmethod
    def _system(core: str) -> str:
        if _COURT_CODE_PREFIX.match(core):
            return "court"
        for mark, system in _SYSTEMS:
            if mark in core[:-1] or (mark == "仲" and mark in core):
                return system
        return "court"

    @staticmethod
    def _issuer_system(before: str) -> str:
        """The body whose name stands right before the bracket ("浦劳人仲（2026）…",
        "清公清新(交警)受案字（2023）…"); words further back ("…公司…一案") do not count."""
        if "仲" in before[-3:]:
            return "arbitration"
        if _POLICE.search(before[-6:]):
            return "police"
        if "检" in before[-6:]:  # "乐检公诉刑诉（2017）第160号": a procuratorate's
            return "procuratorate"
        return "court"

    @staticmethod
    def _has_court_code(body: str) -> bool:
        return bool(_COURT_CODE_PREFIX.match(body))

    @staticmethod
    def _longest_type_suffix(core: str) -> str | None:
        types = tables().case_types
        for i in range(len(core)):
            if core[i:] in types:
                return core[i:]
        return None

    def _parse_new(
        self, body: str, details: dict, problems: list[str], notes: list[str]
    ) -> None:
        t = tables()
        m = _CODE.match(body)
        if m is None and body[:1] in PROVINCE_ABBRS:
            m = _FIRST_CHAR.match(body)
        rest = body[m.end():] if m else body
        code = m.group(0) if m else None
        if code is None:
            system = self._system(body)
            if system != "court":
                details.update(system=system, issuer=body)
                return
            problems.append("missing_court_code")
        else:
            details["court_code"] = code
            abbr = code[0] if code != "最高法" else ""
            if abbr and abbr not in PROVINCE_ABBRS:
                problems.append("invalid_court_code")
                if abbr in NON_CODE_ABBRS:
                    details["note"] = "province abbreviation that is not a court code"
            elif code != "最高法" and len(code) - 1 not in (0, 2, 4):
                problems.append("invalid_court_code")
            elif code in t.courts:
                court = t.courts[code]
                details.update(court_name=court.name, court_level=court.level)
            elif code_status(code) == "unlisted":
                # well formed, in a range where real courts are missing from the table
                # (zone, railway, forestry, XPCC courts): weaker than an impossible code
                notes.append("unlisted_court_code")
            else:
                problems.append("unknown_court_code")
        if rest.startswith("知"):
            details["special"] = "知"
            rest = rest[1:]
        rest = rest.replace("(", "").replace(")", "")
        if not rest:
            problems.append("missing_type_code")
            return
        details["type_code"] = rest
        case_type = t.case_types.get(rest)
        if case_type is None:
            problems.append("unknown_type_code")
            return
        details["type_meaning"] = case_type.meaning
        level = _court_level(code) if code and "invalid_court_code" not in problems else None
        if level and level not in case_type.levels:
            problems.append("level_mismatch")
