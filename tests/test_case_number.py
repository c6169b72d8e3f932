"""Positives and near misses for the case-number recogniser (Presidio-style table)."""

import pytest

from smsclf import extract


def case_numbers(text):
    return [e for e in extract(text) if e.kind == "case_number"]


@pytest.mark.parametrize(
    "text, court_code, type_code, serial, court_name",
    [
        ("（2024）京0105民初12345号", "京0105", "民初", 12345, "北京市朝阳区人民法院"),
        ("(2017)京04民终367号", "京04", "民终", 367, "北京市第四中级人民法院"),
        ("（2023）沪74民初45号", "沪74", "民初", 45, "上海金融法院"),
        ("（2020）粤1971民初3465号", "粤1971", "民初", 3465, "东莞市第一人民法院"),
        ("（2021）浙0192民初9876号之一", "浙0192", "民初", 9876, "杭州互联网法院"),
        ("（2026）黔01 民终1960 号", "黔01", "民终", 1960, None),
        ("（2025）最高法知民终999号", "最高法", "民终", 999, "最高人民法院"),
        ("（2024）川0104执恢88号", "川0104", "执恢", 88, None),
        ("（2021）川0104民诉前调801号", "川0104", "民诉前调", 801, None),
        ("（２０２４）京０１０５民督１２号", "京0105", "民督", 12, "北京市朝阳区人民法院"),
        ("（2022）苏0591财保7号", "苏0591", "财保", 7, "苏州工业园区人民法院"),
        ("（2019）京执12号", "京", "执", 12, "北京市高级人民法院"),
    ],
)
def test_valid_case_numbers(text, court_code, type_code, serial, court_name):
    (found,) = case_numbers(text)
    d = found.details
    assert d["valid"], d["problems"]
    assert (d["court_code"], d["type_code"], d["serial"]) == (court_code, type_code, serial)
    if court_name:
        assert d["court_name"] == court_name
    assert text[found.start : found.end] == found.text


@pytest.mark.parametrize(
    "text, problem",
    [
        ("（2024）京0105民初字第1234号", "old_form_after_2015"),
        ("（2024）京民保字第123号", "old_form_after_2015"),
        ("（2024）京0105网贷初123号", "unknown_type_code"),
        ("（2024）京0105民终123号", "level_mismatch"),
        ("（2024）蒙0102民初123号", "invalid_court_code"),
        ("（2024）贵01民初123号", "invalid_court_code"),
        ("（2099）京0105民初123号", "future_year"),
        ("（2014）京0105民初123号", "new_form_before_2016"),
        ("（2024）京0105民初00123号", "leading_zero_serial"),
        ("（2024）京0999民初123号", "unknown_court_code"),
        ("案件编号：20241128003，请尽快处理", "not_official_form"),
        ("2024京0105民初1234号", "missing_brackets"),
        ("北京市朝阳区人民法院（2024）沪0115民初1234号", "court_mismatch"),
    ],
)
def test_invalid_case_numbers(text, problem):
    found = case_numbers(text)
    assert found, text
    assert problem in found[0].details["problems"]
    assert found[0].details["valid"] is False


def test_old_form_before_2016_is_marked_but_valid():
    (found,) = case_numbers("（2015）朝民初字第12345号")
    assert found.details["form"] == "old"
    assert found.details["valid"]


@pytest.mark.parametrize(
    "text, system",
    [
        ("（2021）沪长证经字第1234号", "notary"),
        ("（2024）穗仲案字第1234号", "arbitration"),
        ("深南劳人仲案〔2024〕12号", "arbitration"),
        ("京朝劳人仲字〔2026〕第11602号", "arbitration"),
        ("浦劳人仲（2026）办字第6274号", "arbitration"),
        ("沪闵检刑诉〔2021〕794号", "procuratorate"),
        ("(2023)沪律执第059号", "law_firm"),
    ],
)
def test_other_bodies_numbers_are_not_court_case_numbers(text, system):
    found = extract(text)
    assert not [e for e in found if e.kind == "case_number"]
    docs = [e for e in found if e.kind == "document_number"]
    assert docs and docs[0].details["system"] == system


@pytest.mark.parametrize(
    "text",
    ["2024年12月3号开会", "尾号1234的卡", "验证码123456", "(2024)年度报告第3号文件"],
)
def test_near_misses_are_not_case_numbers(text):
    assert case_numbers(text) == []


def test_future_year_is_judged_against_the_reference_year():
    from smsclf.recognizers.case_number import reference_year

    text = "（2027）京0105民初1234号"
    with reference_year(2026):
        assert "future_year" in case_numbers(text)[0].details["problems"]
    with reference_year(2027):
        assert case_numbers(text)[0].details["valid"]
