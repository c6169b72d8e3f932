import pytest

from smsclf import extract


def courts(text):
    return [e for e in extract(text) if e.kind == "court"]


@pytest.mark.parametrize(
    "text, code",
    [
        ("北京市朝阳区人民法院提醒您", "京0105"),
        ("【杭州互联网法院】您好", "浙0192"),
        ("上海金融法院", "沪74"),
        ("广东省江门市中级人民法院", "粤07"),
        ("汝南县人民法院", "豫1727"),
        ("东莞市第一人民法院", "粤1971"),
        ("北京市第四中级人民法院", "京04"),
        ("最高人民法院", "最高法"),
        ("北京知识产权法院", "京73"),
        ("北京市朝阳区法院", "京0105"),
        ("乾县人民法院", "陕0424"),  # OpenCC turns 乾县 into 干县; the table knows both
    ],
)
def test_real_courts(text, code):
    (found,) = courts(text)
    assert found.details["valid"] and found.details["code"] == code


@pytest.mark.parametrize(
    "text, problem",
    [
        ("北京市朝阳区法院诉讼部通知", "fake_department"),
        ("互联网仲裁法院通知您", "invented_institution"),
        ("朝阳县中级人民法院", "wrong_level_word"),
        ("我司将向法院起诉", "no_court_named"),
        ("你户籍地法院将受理", "no_court_named"),
        ("幸福市人民法院通知", "unknown_court"),
        ("网络法院已立案", "invented_institution"),
    ],
)
def test_not_real_courts(text, problem):
    found = courts(text)
    assert found and problem in found[0].details["problems"]
    assert found[0].details["valid"] is False


def test_span_points_to_original():
    text = "您好，北 京 市 朝 阳 区 人 民 法 院通知"
    (found,) = courts(text)
    assert found.details["code"] == "京0105"
    assert text[found.start : found.end] == found.text == "北 京 市 朝 阳 区 人 民 法 院"


def test_court_without_case_number_is_not_marked():
    (found,) = courts("北京市朝阳区人民法院提醒您按时到庭")
    assert "matches_case_number" not in found.details
