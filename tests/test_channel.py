import pytest

from smsclf import extract
from smsclf.recognizers.channel import luhn_ok


def channels(text):
    return [e.details for e in extract(text) if e.kind == "channel"]


@pytest.mark.parametrize(
    "text, type_, official",
    [
        ("请致电12368查询", "court_hotline", True),
        ("或拨打010-12368", "court_hotline", True),
        ("客服95188", "service_number", True),
        ("客服400-820-8820", "service_number", True),
        ("联系专员13812345678", "mobile", False),
        ("联系138 1234 5678", "mobile", False),
        ("联系138****5678", "mobile", False),
        ("+86 13812345678", "mobile", False),
        ("电话0571-88888888", "landline", None),
        ("10690012345678发送", "enterprise_sms", False),
        ("加微信：zhang_fawu88", "wechat", False),
        ("加qq：123456789", "qq", False),
        ("转账至6222021234567890128", "bank_card", False),
    ],
)
def test_numbers_and_ids(text, type_, official):
    found = channels(text)
    assert found and found[0]["type"] == type_ and found[0]["official"] == official


@pytest.mark.parametrize(
    "text, cls",
    [
        ("https://zxfw.court.gov.cn/zxfw/#/pagesAjkj/app/wssd/index?qdbh=1", "court_gov"),
        ("点击 jysd.10102368.com/sd?key=abc", "court_platform"),
        ("https://sd.gdems.com/v3/dzsd/abc", "court_platform"),
        ("http://t.cn/A6abc", "shortener"),
        ("http://abc123.top/x", "suspicious_tld"),
        ("http://fy-court.top/x", "lookalike"),
        ("http://zxfw.court.gov.cn.xyz123.com/a", "lookalike"),
        ("http://171.106.48.55:28083/sfsdw//r/abc", "court_platform"),
        ("http://8.8.4.4/x", "ip_address"),
        ("www.example.com", "other"),
    ],
)
def test_urls(text, cls):
    found = [d for d in channels(text) if d["type"] == "url"]
    assert found and found[0]["domain_class"] == cls


@pytest.mark.parametrize(
    "text",
    ["金额3.5元", "（2024）京0105民初12368号", "验证码：958213", "2024年11月28日"],
)
def test_near_misses(text):
    assert channels(text) == []


def test_luhn():
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")


def test_link_scan_is_linear_in_a_long_dotted_run():
    """'a.'×n once made the link pattern retry from every position (quadratic: 4× the text,
    16× the time).  A ratio of two sizes in one process, best of five, not a time limit."""
    import timeit

    from smsclf.recognizers.channel import _URL

    def cost(n: int) -> float:
        text = "a." * n
        return min(timeit.repeat(lambda: list(_URL.finditer(text)), number=3, repeat=5))

    assert cost(4000) / cost(1000) < 8
