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
        ("刑事判决书汝南县人民法院", "豫1727"),  # a name may follow a word that is no place
        ("江苏省海安市人民法院", "苏0685"),
        ("最高人民法院第三巡回法庭", "最高法"),  # circuit courts number cases as the SPC
        ("新疆维吾尔自治区高级人民法院伊犁哈萨克自治州分院", "新40"),
        ("新疆维吾尔自治区高级人民法院生产建设兵团分院", "兵"),
        ("长沙中院", "湘01"),
        ("北京三中院", "京03"),
        ("杭州经济技术开发区人民法院", "浙0191"),
        ("长春铁路运输中级法院", "吉71"),
        ("无锡市南长区人民法院", "苏0203"),  # a division abolished in 2015: old court name
        ("儋州市人民法院", "琼9003"),
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
        # the whole place name: not 攀枝花市东区人民法院 read from its ending
        ("广州市海东区人民法院", "unknown_court"),
        ("北京市新东区人民法院", "unknown_court"),
        # a name that ends like a special court's, after no real city
        ("幸福铁路运输法院", "no_court_named"),
        ("幸福市铁路运输法院", "unknown_court"),
        # an intermediate court named after a district or a county-level city
        ("广州市天河区中级人民法院", "wrong_level_word"),
        ("江苏省昆山市中级人民法院", "wrong_level_word"),
        ("浙江省义乌市中级人民法院", "wrong_level_word"),
        ("儋州市中级人民法院", "wrong_level_word"),  # 儋州 has none: 琼97 hears its appeals
        ("朝阳区中级人民法院", "wrong_level_word"),
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


@pytest.mark.parametrize(
    "text, special",
    [
        ("洛阳高新技术产业开发区人民法院", "zone"),
        ("河北省唐山经济技术开发区人民法院", "zone"),
        ("郑州铁路运输法院", "railway"),
        ("成都铁路运输第一法院", "railway"),
        ("黑龙江省伊春林区基层法院", "forestry"),
    ],
)
def test_special_courts_of_real_cities_are_real_but_unlisted(text, special):
    """A kind of court real cities have, after the whole name of a real city: real, with no
    code (the table does not list every zone or railway court)."""
    (found,) = courts(text)
    d = found.details
    assert d["valid"] and not d.get("ambiguous") and d["special"] == special
    assert d["code"] is None and "unlisted_court" in d["notes"]


@pytest.mark.parametrize(
    "text, special",
    [
        ("新疆生产建设兵团莫索湾垦区人民法院", "xpcc"),
        ("五家渠市人民法院", "xpcc"),
        ("成渝金融法院", "financial"),
    ],
)
def test_real_courts_without_a_known_code(text, special):
    (found,) = courts(text)
    d = found.details
    assert d["valid"] and d["code"] is None and d["special"] == special
    assert "court_code_unknown" in d["notes"]


def test_renamed_court_reports_the_code_the_message_uses():
    text = "宁波市鄞州区人民法院通知：（2016）浙0204民初77号"
    (found,) = courts(text)
    assert found.details["code"] == "浙0204" and found.details["matches_case_number"]
    assert set(found.details["codes"]) == {"浙0204", "浙0212"}
    (alone,) = courts("宁波市鄞州区人民法院通知")
    assert alone.details["code"] == "浙0212"


def test_branch_names_are_not_read_as_the_high_court():
    (found,) = courts("新疆维吾尔自治区高级人民法院生产建设兵团分院")
    assert found.details["code"] == "兵"


def test_other_branches_are_no_courts():
    assert courts("市第一人民医院分院") == []
    assert courts("第三法庭开庭") == []
