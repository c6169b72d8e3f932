"""Properties of extract(): never raises, spans are honest, disguises change nothing."""


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smsclf import extract
from smsclf.normalize import MAX_CHARS, normalize

SAMPLES = [
    "【北京市朝阳区人民法院】张三您好，（2024）京0105民初12345号案件定于12月3日开庭，"
    "详见https://zxfw.court.gov.cn/zxfw/#/pagesAjkj/app/wssd/index?qdbh=1，咨询12368。",
    "【法务部】你在闪电借逾期60天，已进入司法程序，今日18点前不处理将通知家人和单位，"
    "联系13812345678。",
    "杭州互联网法院：（2023）浙0192民初876号，请于三日内登录人民法院在线服务查阅。",
    "你已涉嫌诈骗，24小时内转账5000元到6222021234567890128撤诉。",
]

SEPARATORS = st.sampled_from(
    [" ", "*", "_", "-", ".", "·", "|", "~", "/", "\u200b", "\u200d", "🔺"]
)


def summary(evidence):
    """What a reader would get from the evidence, without positions."""
    keep = ("code", "court_code", "type_code", "serial", "year", "valid", "category", "type",
            "problems", "amount", "domain_class")
    return sorted(
        (e.kind, tuple((k, str(e.details.get(k))) for k in keep if k in e.details))
        for e in evidence
    )


def check_spans(text):
    """Spans lie in the text, and each phrase's span, normalised again, holds the phrase (it
    may hold more where one character expands, ﬀ -> ff): an offset map that drifted would
    point at other characters."""
    for e in extract(text):
        assert 0 <= e.start <= e.end <= len(text)
        assert text[e.start : e.end] == e.text
        if e.kind in ("phrase", "threat"):
            assert e.details["phrase"] in normalize(e.text).text, (text, e)


# words of the lexicon, and characters that change length or vanish when normalised
PIECES = st.sampled_from([
    "起诉", "通知家人", "法院", "撤诉费", "上门", "傳票", "\u200b", "\ufb00", "\u0130", "\ufdfa",
    "\x7f", "（", "２", " ", "*", "\u3000",
])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text())
def test_never_raises_and_spans_are_honest(text):
    check_spans(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=30).map("".join))
def test_spans_survive_characters_that_normalisation_expands_or_drops(text):
    check_spans(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(categories=["Cs", "Cc", "Co", "Zs", "Lo", "Nd"])))
def test_hostile_characters(text):
    check_spans(text)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SAMPLES), st.data())
def test_separators_between_cjk_change_nothing(sample, data):
    out = []
    for i, ch in enumerate(sample):
        out.append(ch)
        nxt = sample[i + 1] if i + 1 < len(sample) else ""
        if "\u4e00" <= ch <= "\u9fff" and "\u4e00" <= nxt <= "\u9fff":
            if data.draw(st.booleans()):
                out.append(data.draw(SEPARATORS))
    disguised = "".join(out)
    assert summary(extract(disguised)) == summary(extract(sample))


@pytest.mark.parametrize("sample", SAMPLES)
def test_fullwidth_and_traditional_change_nothing(sample):
    import opencc

    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in sample)
    traditional = opencc.OpenCC("s2t").convert(sample)
    assert summary(extract(fullwidth)) == summary(extract(sample))
    assert summary(extract(traditional)) == summary(extract(sample))


def test_bad_input():
    with pytest.raises(TypeError, match="NoneType"):
        extract(None)  # type: ignore[arg-type]
    assert extract("") == []
    assert extract("   \n ") == []


def test_long_input_is_bounded():
    text = "起诉" * 500_000
    found = extract(text)
    assert all(e.end <= MAX_CHARS for e in found)
