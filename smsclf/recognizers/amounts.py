"""Money amounts and deadlines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from smsclf.evidence import Evidence
from smsclf.normalize import NormalizedText
from smsclf.recognizers.base import make_evidence, widths

_NUM = r"\d{1,3}(?:,\d{3}){1,4}(?:\.\d{1,2})?|\d{1,15}(?:\.\d{1,2})?"
# Each pattern opens with a lookahead of the characters a match can start with: a necessary
# condition that lets the regex engine skip the other positions quickly (2-3x faster scans).
_MONEY = re.compile(
    rf"(?=[\d¥r人])(?:(?P<cur>¥|rmb|人民币)\s*(?P<a>{_NUM})\s*(?P<ua>万元|万|元)?"
    rf"|(?P<b>{_NUM})\s*(?P<ub>万元|元|万|块钱|块))"
)
_MONEY_HINT = re.compile("[元万块¥]|rmb|人民币")
_CN_NUM = "一二两三四五六七八九十"
_DEADLINE = re.compile(
    rf"(?=[\d{_CN_NUM}今明本当])"
    rf"(?P<rel>(?:\d{{1,3}}|[{_CN_NUM}]{{1,3}})\s*(?:个)?(?P<unit>小时|个?工作日|日|天|分钟|周)"
    rf"(?:之内|内))"
    rf"|(?P<day>(?:今日|今天|明日|明天|本周|今晚|当天|当日)"
    rf"(?:上午|中午|下午|晚上|傍晚)?(?:\d{{1,2}}(?:[:：]\d{{2}}|点|时)\d{{0,2}}分?)?(?:之前|前))"
    rf"|(?P<date>(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日(?:\d{{1,2}}(?:[:：]\d{{2}}|点|时))?(?:之前|前))"
    rf"|(?P<abs>(?:\d{{4}}[-/.])?\d{{1,2}}[-/.]\d{{1,2}}\s*(?:\d{{1,2}}:\d{{2}})?\s*(?:之前|前))"
)
# The most characters a deadline has besides its whitespace: every form ends in 前 or 内,
# so none starts further before the first of them than this and the text's whitespace.
_DEADLINE_REACH = widths(_DEADLINE.pattern.replace(r"\s*", ""))[1]
_COUNT = re.compile(rf"\d+|[{_CN_NUM}]+")  # the number of a relative deadline
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_HOURS = {"小时": 1, "分钟": 1 / 60, "日": 24, "天": 24, "工作日": 24, "个工作日": 24, "周": 168}


def _cn_to_int(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    digits = _CN_DIGITS
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + digits.get(s[1:], 0)
    if "十" in s:
        a, _, b = s.partition("十")
        return digits.get(a, 0) * 10 + (digits.get(b, 0) if b else 0)
    return digits.get(s)


class MoneyRecognizer:
    """Amounts in yuan (``¥1,200.50``, ``3万元``, ``500块``)."""

    name = "money"
    kind = "money"

    def analyze(self, doc: NormalizedText) -> list[Evidence]:
        if not _MONEY_HINT.search(doc.text):
            return []
        out = []
        for m in _MONEY.finditer(doc.text):
            number = m.group("a") or m.group("b")
            unit = m.group("ua") or m.group("ub") or ""
            amount = float(number.replace(",", "")) * (10000 if unit.startswith("万") else 1)
            out.append(make_evidence(doc, self.kind, m.start(), m.end(), {"amount": amount}))
        return out


class DeadlineRecognizer:
    """Deadlines: ``24小时内``, ``今日18点前``, ``12月1日前``."""

    name = "deadline"
    kind = "deadline"

    def analyze(self, doc: NormalizedText) -> list[Evidence]:
        text = doc.text
        if "前" not in text and "内" not in text:
            return []  # every deadline form ends in 前 or 内
        out = []
        for m in self._matches(text):
            if m.group("rel"):
                value = _cn_to_int(_COUNT.match(m.group("rel")).group())
                unit = m.group("unit")
                hours = value * _HOURS[unit] if value is not None else None
                details = {"form": "relative", "hours": hours}
            elif m.group("day"):
                details = {"form": "same_or_next_day",
                           "hours": 24 if m.group("day")[:2] in ("明日", "明天") else 12}
            else:
                details = {"form": "date"}
            out.append(make_evidence(doc, self.kind, m.start(), m.end(), details))
        return out

    @staticmethod
    def _matches(text: str) -> Iterator[re.Match[str]]:
        """What ``_DEADLINE.finditer(text)`` finds, each searched for from the latest place
        it can start (before the next 前 or 内): the scan skips the digits of phone numbers
        and amounts far from any deadline, where the pattern is slow to fail."""
        if _DEADLINE_REACH is None:
            yield from _DEADLINE.finditer(text)
            return
        # str.split and \s agree on what whitespace is
        reach = _DEADLINE_REACH + len(text) - sum(map(len, text.split()))
        pos = 0
        while True:
            ends = [i for i in (text.find("前", pos), text.find("内", pos)) if i >= 0]
            if not ends:
                return
            m = _DEADLINE.search(text, max(pos, min(ends) + 1 - reach))
            if m is None:
                return
            yield m
            pos = m.end()  # never empty: a match ends in 前 or 内
