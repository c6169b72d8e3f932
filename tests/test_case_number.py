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
        # a date right before the number does not hide it
        ("本院于2023年5月8日作出（2023）京0105民初4567号判决", "京0105", "民初", 4567, None),
        ("于2022年作出(2021)苏05民终88号裁定", "苏05", "民终", 88, None),
        # padding was usual in 2016, the first year of the new form
        ("（2016）京0108民初00421号", "京0108", "民初", 421, "北京市海淀区人民法院"),
        # the new code with the old 字第, in 2016 only
        ("（2016）京01民终字第321号", "京01", "民终", 321, "北京市第一中级人民法院"),
        # a zone court under its intermediate court, not in the table
        ("（2023）鲁0792民初321号", "鲁0792", "民初", 321, None),
        # a railway basic court under its railway intermediate court
        ("（2021）川7102刑初9号", "川7102", "刑初", 9, None),
        # a local type code
        ("（2016）浙0106引调77号", "浙0106", "引调", 77, None),
        # the code of a renamed county, kept by its court (Art. 13)
        ("（2017）桂0221执55号", "桂0221", "执", 55, None),
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
        # the wrong-number probe: plausible shapes, each with one decisive defect
        ("于2025年5月作出（2030）沪0115民终77号判决", "future_year"),
        ("于2025年5月作出（2030）沪0115民终77号判决", "level_mismatch"),
        ("请于2024年6月1日前处理（2024）京0105民初字第886号案件", "old_form_after_2015"),
        ("（2023）粤0106民初0456号", "leading_zero_serial"),
        ("（2019）京0105执0号", "implausible_serial"),
        ("（2024）京0150民初123号", "unknown_court_code"),  # 50: no county, no zone range
        ("（2024）鄂9099民初12号", "unknown_court_code"),  # 90xx are GB divisions, all known
        ("（2024）京86民初12号", "unknown_court_code"),  # 86 numbers basic courts only
        ("（2024）浙0100民初12号", "unknown_court_code"),
        ("（2024）滇0102民初12号", "invalid_court_code"),
        ("（2024）京012民初12号", "invalid_court_code"),
        ("（2024）沪0115民催终12号", "unknown_type_code"),
        ("（2024）京0105财保终12号", "unknown_type_code"),
        ("（2024）京0105执复12号", "level_mismatch"),
        ("（2024）沪0115刑核12345678号", "level_mismatch"),
        ("（2024）京民督12号", "level_mismatch"),
        ("（2012）沪0115民初12号", "new_form_before_2016"),
        ("（2017）京01民终字第321号", "old_form_after_2015"),  # the mixed form after 2016
        ("（2024）京0105民初123456789号", "implausible_serial"),
        ("杭州互联网法院（2024）粤0192民初12号", "court_mismatch"),
        ("广德市人民法院（2024）苏0621民初12号", "court_mismatch"),  # another court's old code
        ("宁波市鄞州区人民法院（2024）浙0205民初12号", "court_mismatch"),
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
    "text, note",
    [
        ("（2014）朝民初字第00123号", "zero_padded_serial"),
        ("（2016）京0108民初00421号", "zero_padded_serial"),
        ("（2016）京01民终字第321号", "transition_form"),
        ("（2023）鲁0792民初321号", "unlisted_court_code"),
        ("（2022）兵0803民初15号", "unlisted_court_code"),  # an XPCC basic court
        ("（2021）吉7603刑初9号", "unlisted_court_code"),  # under a forestry court
        ("〔2024〕京0105民初12号", "nonstandard_brackets"),
    ],
)
def test_weak_findings_are_notes_not_problems(text, note):
    """Informational findings: real numbers have them, so they do not make a number invalid."""
    (found,) = case_numbers(text)
    assert found.details["valid"], found.details["problems"]
    assert note in found.details["notes"]


def test_two_numbers_after_dates_are_both_found():
    text = "于2019年3月2日作出（2018）京0105民初12号判决，于2019年9月作出（2019）京03民终34号判决"
    assert [e.details["serial"] for e in case_numbers(text)] == [12, 34]


@pytest.mark.parametrize(
    "text",
    [
        "宁波市鄞州区人民法院（2016）浙0204民初77号",  # 江东区's code, merged into 鄞州区
        "海安市人民法院（2017）苏0621民初99号",  # 海安县's code, renamed 海安市
        "长沙中院作出（2019）湘01执7号裁定，指定长沙市芙蓉区人民法院执行",
    ],
)
def test_court_named_with_another_code_of_the_same_court(text):
    """Renamed divisions keep their old codes; a short name names the court too."""
    (found,) = case_numbers(text)
    assert found.details["valid"], found.details["problems"]


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


# A probe of plausible but wrong numbers (invented here, one decisive defect each): every one
# must come out invalid.  It guards against loosening a check while fixing real numbers.
WRONG_NUMBER_PROBE = [
    "于2025年5月作出（2030）沪0115民终77号判决",  # future year, hidden after a date
    "于2026年1月5日作出（2028）粤03民终55号判决",
    "于2025年12月作出（2027）京0105民初5号",
    "2025年8月经（2025）京0105民终66号",  # appeal at a basic court, after a date
    "（2025）沪0115民辖终5号",  # appeal codes at a basic court
    "（2025）苏0591民终5号",
    "（2025）浙0192执复5号",
    "（2025）浙0192刑终5号",
    "（2025）京0491破终5号",
    "（2025）京0105行赔终5号",
    "（2025）京0105委赔5号",  # compensation committees sit at intermediate courts and above
    "（2025）京0105刑抗5号",
    "（2025）蒙0102民初88号",  # province abbreviations that are not court codes
    "（2025）贵0102执88号",
    "（2025）陇01民终88号",
    "（2025）京0105民保字第9号",  # made-up or old-form type codes
    "（2025）京0105网贷初9号",
    "（2025）京0105催字9号",
    "（2025）粤1971民申再5号",
    "（2025）最高法民初字第5号",
    "（2025）京0105民初字第5号",
    "（2025）渝05民初第5号",
    "（2025）粤0304民初00987号",  # padding after 2016
    "（2025）川0104民诉前调0012号",
    "（2029）粤0304民初987号",
    "（2025）琼04民初5号",  # 儋州 has no intermediate court
    "（2025）桂0950民初5号",  # neither a county nor a zone number
    "北京互联网法院（2025）京0105民初5号",  # the code of another court
    "上海金融法院（2025）京74民初5号",
]


@pytest.mark.parametrize("text", WRONG_NUMBER_PROBE)
def test_wrong_number_probe_is_flagged(text):
    from smsclf.recognizers.case_number import reference_year

    with reference_year(2026):
        found = case_numbers(text)
    assert found and found[-1].details["valid"] is False, (text, found)
