import pytest

from smsclf import extract


def by_kind(text, kind):
    return [e for e in extract(text) if e.kind == kind]


@pytest.mark.parametrize(
    "text, category",
    [
        ("再不还款将通知家人", "threat_third_party"),
        ("我们将上门催收", "threat_visit"),
        ("你已涉嫌诈骗", "threat_criminal"),
        ("将爆通讯录", "threat_third_party"),
        ("通 知 家 人", "threat_third_party"),
        ("逾期不处理后果自负", "pressure"),
    ],
)
def test_threats(text, category):
    assert category in {e.details["category"] for e in by_kind(text, "threat")}


@pytest.mark.parametrize(
    "text, category",
    [
        ("请缴纳撤诉费", "scam_payment"),
        ("转入安全账户", "scam_payment"),
        ("请缴纳保证金", "fee"),
        ("转入指定账户", "private_payment"),
        ("【法务部】通知", "vague_authority"),
        ("已被纳入失信被执行人名单", "judicial_measure"),
        ("我司将依法提起诉讼", "lawful_creditor"),
    ],
)
def test_other_phrases(text, category):
    assert category in {e.details["category"] for e in by_kind(text, "phrase")}


@pytest.mark.parametrize("text", ["今天天气不错", "家人们晚上好", "明天带家人去公园"])
def test_threat_near_misses(text):
    cats = {e.details["category"] for e in by_kind(text, "threat")}
    assert not cats & {"threat_third_party", "threat_criminal"}


@pytest.mark.parametrize(
    "text, amount",
    [("欠款¥1,200.50", 1200.5), ("共计3万元", 30000.0), ("500块", 500.0), ("人民币8000元", 8000.0)],
)
def test_money(text, amount):
    (m,) = by_kind(text, "money")
    assert m.details["amount"] == amount


@pytest.mark.parametrize(
    "text, hours",
    [("请于24小时内处理", 24), ("三日内还款", 72), ("今日18点前", 12)],
)
def test_deadlines(text, hours):
    (d,) = by_kind(text, "deadline")
    assert d.details["hours"] == hours


def test_deadline_near_miss():
    assert by_kind("定于2024年12月3日上午9时开庭", "deadline") == []


def test_sender():
    (s,) = by_kind("【招联金融】您的借款已逾期", "sender")
    assert s.details == {"name": "招联金融", "position": "start"}
