import json
import subprocess
import sys
from pathlib import Path

import pytest

from smsclf import extract, resources
from smsclf.domains import registrable
from smsclf.recognizers.channel import domain_class, luhn_ok

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


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


@pytest.mark.parametrize(
    "host, cls",
    [
        # official: the registrable domain (or a name below it) is in data/domains.tsv
        ("zxfw.court.gov.cn", "court_gov"),
        ("www.court.gov.cn", "court_gov"),
        ("court.gov.cn", "court_gov"),
        ("www.bjcourt.gov.cn", "court_platform"),
        ("sfpt.cdfy12368.gov.cn", "court_platform"),
        ("dzsd.hbfy.gov.cn", "court_platform"),
        ("jysd.10102368.com", "court_platform"),
        ("sd.gdems.com", "court_platform"),
        ("www.chinacourt.org", "court_platform"),
        ("www.zjcourt.cn", "court_platform"),
        ("ZXFW.Court.GOV.cn", "court_gov"),
        # an official host or word registered under another domain
        ("jysd.10102368.com.case-view.xyz", "lookalike"),
        ("zxfw.court.gov.cn.example.top", "lookalike"),
        ("zxfw.court.gov.cn.xyz123.com", "lookalike"),
        ("court-gov-cn.top", "lookalike"),
        ("court-gov.cn", "lookalike"),
        ("courtgov.top", "lookalike"),
        ("10102368.com.cn.vip", "lookalike"),
        ("jysd.10102368.com.cn", "lookalike"),
        ("zxfw-court.gov.cn.com", "lookalike"),
        ("sd.gdems.cc", "lookalike"),
        ("sd-gdems.net", "lookalike"),
        ("171.106.48.55.example.top", "lookalike"),
        ("fy-court.top", "lookalike"),
        ("hzfy-pay.com", "lookalike"),
        ("fayuan.example.cn", "lookalike"),
        ("zxfw.court.gov.cn.github.io", "lookalike"),
        # government hosts are registered by government bodies only: never lookalikes
        ("www.beijing.gov.cn", "gov"),
        ("www.gzcourt.gov.cn", "gov"),
        ("gov.cn", "gov"),
        # others, and near misses of the imitation words
        ("example.com", "other"),
        ("taobao.com", "other"),
        ("www.cmbchina.com", "other"),
        ("verify.example.com", "other"),
        ("www.spotify.com", "other"),
        ("www.gov.uk", "other"),
        ("www.usa.gov", "other"),
        ("abc123.top", "suspicious_tld"),
        ("case-view.xyz", "suspicious_tld"),
        ("171.106.48.55", "court_platform"),
        ("8.8.4.4", "ip_address"),
        ("t.cn", "shortener"),
        ("bit.ly", "shortener"),
        ("dwz.cn", "shortener"),
        ("fayuan.dwz.cn", "shortener"),
    ],
)
def test_domain_class(host, cls):
    assert domain_class(host) == cls


@pytest.mark.parametrize(
    "host, domain",
    [
        ("zxfw.court.gov.cn", "court.gov.cn"),
        ("jysd.10102368.com.case-view.xyz", "case-view.xyz"),
        ("a.b.example.com.cn", "example.com.cn"),
        ("zxfw-court.gov.cn.com", "gov.cn.com"),
        ("171.106.48.55", "171.106.48.55"),
        ("gov.cn", "gov.cn"),
    ],
)
def test_registrable_domain(host, domain):
    assert registrable(host) == domain


def official_entries():
    return [r["domain"] for r in resources.read_tsv("domains.tsv")
            if r["class"] in ("court_gov", "court_platform")]


@pytest.mark.parametrize("entry", official_entries())
def test_every_official_entry_is_one_registration_and_imitable(entry):
    """An official entry must not be a public suffix (anyone could register below it), and
    carried inside a host registered elsewhere it makes a lookalike."""
    assert registrable(entry) == entry or entry.endswith("." + registrable(entry))
    assert domain_class(entry) in ("court_gov", "court_platform")
    assert domain_class(f"www.{entry}.evil-site.top") == "lookalike"
    assert domain_class(f"{entry}.cn.com") == "lookalike"


@pytest.mark.parametrize(
    "text, host, domain, cls, official",
    [
        ("【2368助手】张三您好，您有一份法院文书，请点击 https://jysd.10102368.com/sd?key=ab1 。",
         "jysd.10102368.com", "10102368.com", "court_platform", True),
        ("【2368助手】张三您好，您有一份法院文书，请点击 https://jysd.10102368.com.case-view.xyz/sd?"
         "key=ab1 查看。", "jysd.10102368.com.case-view.xyz", "case-view.xyz", "lookalike", False),
        ("您的案件已立案，详见zxfw.court.gov.cn.example.top/wssd，逾期后果自负。",
         "zxfw.court.gov.cn.example.top", "example.top", "lookalike", False),
        ("执行通知请登录 HTTP://ZXFW.COURT.GOV.CN/zxfw 查阅。",
         "zxfw.court.gov.cn", "court.gov.cn", "court_gov", True),
    ],
)
def test_links_in_messages(text, host, domain, cls, official):
    (url,) = [d for d in channels(text) if d["type"] == "url"]
    assert (url["host"], url["domain"], url["domain_class"], url["official"]) == (
        host, domain, cls, official)


def test_real_court_messages_keep_official_links():
    """The real court SMS of shared/data (read, never copied): every link stays official."""
    path = SHARED / "real_court_sms.jsonl"
    if not path.exists():
        pytest.skip("shared/data is not beside the repository")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    urls = [d for r in rows for d in channels(r["text"]) if d["type"] == "url"]
    assert len(urls) >= len(rows)
    assert {d["domain_class"] for d in urls} <= {"court_gov", "court_platform"}, urls


def test_suffix_list_is_lazy_and_offline():
    """Importing smsclf or reading a message without a link does not load the list; loading
    it opens no socket (the list ships in the package)."""
    code = (
        "import socket, sys\n"
        "def no_network(*a, **k): raise OSError('network used')\n"
        "socket.socket = socket.create_connection = socket.getaddrinfo = no_network\n"
        "import smsclf\n"
        "smsclf.extract('请于三日内到庭，咨询12368。')\n"
        "assert 'publicsuffixlist' not in sys.modules\n"
        "found = [e.details for e in smsclf.extract('详见 https://a.court.gov.cn.x.top/s')]\n"
        "assert 'publicsuffixlist' in sys.modules\n"
        "assert [d['domain_class'] for d in found if d.get('type') == 'url'] == ['lookalike']\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
