"""Claim structure: legal words are no claim unless the message speaks to the reader.

The recogniser's table of positives and near misses, and the shortcut guards: a second-person
word, a mobile number or a 【brand】 inserted into a message without a legal claim never makes
it legal; a news frame before a third-person legal sentence keeps it unrelated; no ordinary
word carries a verdict alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smsclf
from smsclf.features import featurize
from smsclf.normalize import normalize
from smsclf.recognizers.claim import ClaimRecognizer


def _claims(text: str) -> set[tuple[str, str]]:
    return {(e.text, e.details["category"]) for e in ClaimRecognizer().analyze(normalize(text))}


@pytest.mark.parametrize(("text", "expected"), [
    ("梁某因涉嫌盗窃被刑事拘留", {("梁某", "third_person")}),
    ("被告人王某军一审被判处有期徒刑三年", {("被告人", "third_person"), ("王某", "third_person"),
                                     ("一审", "third_person")}),
    ("法院判决李某某赔偿", {("李某某", "third_person")}),
    ("【江城日报】据本报记者了解", {("日报", "news_frame"), ("据本报记者了解", "news_frame")}),
    ("新华社北京3月5日电", {("新华社", "news_frame"), ("日电", "news_frame")}),
    ("骗子谎称您涉嫌洗钱", {("谎称", "reported_speech"), ("您", "second_person")}),
    ("张三：你的案件已立案", {("张三：", "addressee"), ("你的", "second_person")}),
    ("尊敬的客户", {("尊敬的", "addressee")}),
    ("当事人王小明：你与李某纠纷一案", {("当事人王小明：", "addressee")}),
    ("【某某法院】刘*，您的案件", {("【某某法院】刘*，", "addressee")}),
    ("被告张三，你", {("被告张三，", "addressee")}),
    ("李**先生", {("先生", "second_person")}),
])
def test_claim_patterns_find(text, expected):
    assert expected <= _claims(text)


@pytest.mark.parametrize("text", [
    "某些地方某天会下雨",  # 某些, 某天: not a masked name
    "先生们女士们",  # a title with no name before it
    "本法自公布之日起施行",
    "收到，律师说下周开庭",  # a word and a comma is no salutation
])
def test_claim_patterns_near_misses(text):
    found = _claims(text)
    assert not {c for _, c in found} & {"third_person", "second_person", "addressee"}, found


def test_addressed_needs_legal_evidence_near_the_reader():
    near = featurize("你的欠款已逾期，我们将起诉").evidence_features
    far = featurize("你好呀周末去爬山吗我们带上相机一起拍照晚上吃烧烤然后看一场电影，"
                    "对了新闻说法院在招聘").evidence_features
    assert "claim.addressed" in near and "claim.legal_unaddressed" not in near
    assert "claim.addressed" not in far and "claim.legal_unaddressed" in far


# -- shortcut guards -----------------------------------------------------------------------

# messages of our own with no legal claim at all
CLAIMLESS = [
    "快递已放在小区东门丰巢柜，取件码8342，请及时取件。",
    "今晚七点老地方吃火锅，记得带上伞，天气预报说有雨。",
    "会员日全场五折，满200减30，活动截止本周日。",
    "您的验证码是482913，5分钟内有效，请勿告诉他人。",
    "本月话费账单已出，共计58.6元，将于下月1日自动扣款。",
    "明天上午九点开部门例会，请准备好季度总结材料。",
    "妈，我周末回家吃饭，想吃你做的红烧肉。",
    "新店开业，进店即送精美礼品一份，欢迎光临。",
    "您预约的体检时间为周三上午八点，请空腹前往。",
    "航班CA1234因天气原因延误，预计起飞时间15:40。",
]
INSERTS = ["你", "您", "请速联系13912345678", "18118156266", "【星河商城】", "【顺达物流】",
           "你好", "您好，"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(CLAIMLESS), st.sampled_from(INSERTS), st.floats(0, 1))
def test_a_pronoun_number_or_brand_alone_makes_no_claim(text, insert, where):
    i = int(where * len(text))
    assert smsclf.classify(text[:i] + insert + text[i:]).label == "unrelated"


# third-person legal sentences of our own, and news frames
REPORTS = [
    "王某因涉嫌诈骗被当地警方刑事拘留。",
    "被告人李某某一审被判处有期徒刑二年六个月。",
    "东湖区法院公开开庭审理了原告赵某诉被告钱某民间借贷纠纷一案。",
    "市检察院依法对涉嫌受贿的孙某提起公诉。",
    "该男子因拒不履行生效判决被法院司法拘留十五日。",
    "两家公司的合同纠纷经法院调解达成和解。",
]
FRAMES = ["【江城日报】", "【晨报快讯】", "据本地媒体报道，", "新华社南京5月8日电，",
          "记者从市公安局获悉，", "【法治手机报】近日，"]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(FRAMES), st.sampled_from(REPORTS))
def test_a_news_frame_keeps_a_report_unrelated(frame, report):
    assert smsclf.classify(frame + report).label == "unrelated"


@pytest.mark.parametrize("word", ["你", "您", "请", "速", "并", "的", "了", "立即", "马上", "联系"])
def test_no_ordinary_word_carries_a_verdict_alone(word):
    assert smsclf.classify(word).label == "unrelated"
    for text in CLAIMLESS[:3]:
        assert smsclf.classify(text + word).label == "unrelated"
