"""The shipped court and case-type tables, read directly (no smsclf import) so that a broken
table fails here with a clear message rather than deep inside a recognizer."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "smsclf" / "data"
LEVELS = {"supreme", "high", "intermediate", "basic"}
SPECIALS = {
    "",
    "railway",
    "maritime",
    "ip",
    "financial",
    "internet",
    "zone",
    "numbered",
    "military",
    "xpcc",
}
CODE_RE = re.compile(
    r"^(最高法|[京津沪渝冀晋内辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川黔云藏陕甘青宁新兵军](\d{2}|\d{4})?)$"
)


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


COURTS = read("courts.tsv")
BY_CODE = {row["code"]: row for row in COURTS}
CASE_TYPES = {row["code"]: row for row in read("case_types.tsv")}


def test_size_and_columns() -> None:
    assert len(COURTS) >= 3000
    assert list(COURTS[0]) == ["code", "name", "level", "special", "province", "aliases", "source"]
    assert [r["code"] for r in COURTS] == sorted(r["code"] for r in COURTS)


def test_codes_unique_and_well_formed() -> None:
    dupes = [c for c, n in Counter(r["code"] for r in COURTS).items() if n > 1]
    assert not dupes
    bad = [r["code"] for r in COURTS if not CODE_RE.match(r["code"])]
    assert not bad


def test_levels_and_specials_valid() -> None:
    assert {r["level"] for r in COURTS} <= LEVELS
    assert {r["special"] for r in COURTS} <= SPECIALS
    for r in COURTS:
        digits = len(re.sub(r"\D", "", r["code"]))
        expected = (
            "supreme"
            if r["code"] == "最高法"
            else ["high", "", "intermediate", "", "basic"][digits]
        )
        assert r["level"] == expected, r["code"]
        assert r["code"] == "最高法" or r["code"][0] == r["province"], r["code"]
        assert r["source"], r["code"]


@pytest.mark.parametrize(
    "code, names",
    [
        ("最高法", {"最高人民法院"}),
        ("京0105", {"北京市朝阳区人民法院"}),
        ("京0101", {"北京市东城区人民法院"}),
        ("京0108", {"北京市海淀区人民法院"}),
        ("京02", {"北京市第二中级人民法院"}),
        ("京04", {"北京市第四中级人民法院"}),
        ("京73", {"北京知识产权法院"}),
        ("京74", {"北京金融法院"}),
        ("京0491", {"北京互联网法院"}),
        ("沪0115", {"上海市浦东新区人民法院"}),
        ("沪72", {"上海海事法院"}),
        ("沪73", {"上海知识产权法院"}),
        ("沪74", {"上海金融法院"}),
        ("津0116", {"天津市滨海新区人民法院"}),
        ("津72", {"天津海事法院"}),
        ("津8601", {"天津铁路运输法院"}),
        ("粤07", {"广东省江门市中级人民法院"}),
        ("粤0703", {"江门市蓬江区人民法院", "广东省江门市蓬江区人民法院"}),
        ("粤0781", {"台山市人民法院", "广东省台山市人民法院"}),
        ("粤0104", {"广州市越秀区人民法院", "广东省广州市越秀区人民法院"}),
        ("粤0192", {"广州互联网法院"}),
        ("粤73", {"广州知识产权法院"}),
        ("粤1971", {"东莞市第一人民法院"}),
        ("浙0192", {"杭州互联网法院"}),
        ("苏0591", {"苏州工业园区人民法院"}),
        ("鲁72", {"青岛海事法院"}),
        ("鲁03", {"山东省淄博市中级人民法院"}),
        ("豫1727", {"汝南县人民法院", "河南省汝南县人民法院"}),
    ],
)
def test_known_pairs(code: str, names: set[str]) -> None:
    """Pairs seen in real case numbers (published case numbers)."""
    assert code in BY_CODE
    assert BY_CODE[code]["name"] in names


def test_aliases_unique_and_end_with_fayuan() -> None:
    owners: dict[str, set[str]] = {}
    for r in COURTS:
        aliases = [a for a in r["aliases"].split("|") if a]
        assert len(aliases) == len(set(aliases)), r["code"]
        for a in aliases:
            assert a.endswith("法院"), (r["code"], a)
            assert a != r["name"], r["code"]
            owners.setdefault(a, set()).add(r["code"])
    shared = {a: c for a, c in owners.items() if len(c) > 1}
    assert not shared


def test_case_type_levels() -> None:
    assert len(CASE_TYPES) >= 120
    for code, row in CASE_TYPES.items():
        levels = row["levels"].split("|")
        assert levels and set(levels) <= LEVELS, code
        assert row["common_in_sms"] in {"0", "1"}, code
        assert 1 <= len(code) <= 4, code


@pytest.mark.parametrize(
    "code, allowed, forbidden",
    [
        ("民终", {"supreme", "high", "intermediate"}, {"basic"}),
        ("民初", LEVELS, set()),
        ("执", LEVELS, set()),
        ("刑核", {"supreme", "high"}, {"intermediate", "basic"}),
        ("破", {"intermediate", "basic"}, {"supreme", "high"}),
        ("民督", {"basic"}, {"supreme", "high"}),
    ],
)
def test_case_type_level_examples(code: str, allowed: set[str], forbidden: set[str]) -> None:
    levels = set(CASE_TYPES[code]["levels"].split("|"))
    assert allowed <= levels and not forbidden & levels


def test_common_sms_codes_present() -> None:
    """The codes common in SMS are in the table and marked."""
    common = (
        "民初 民终 民申 民再 民特 民督 民催 民撤 民辖 执 执恢 执保 执异 执复 执监 "
        "财保 破申 刑初 刑终 行初 行终 民诉前调"
    )
    for code in common.split():
        assert CASE_TYPES[code]["common_in_sms"] == "1", code
