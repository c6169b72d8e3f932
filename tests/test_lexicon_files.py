"""Checks of the data files in smsclf/data (read with csv only, no smsclf import)."""

import csv
import re
import unicodedata
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "smsclf" / "data"

CATEGORIES = {
    "vague_authority", "fabricated_procedure", "threat_third_party", "threat_visit",
    "threat_criminal", "threat_shaming", "threat_asset", "pressure", "private_payment",
    "fee", "private_contact", "credential_request", "marketing", "official_channel",
    "court_procedure", "judicial_measure", "lawful_creditor", "credit_report",
    "legal_claim", "anti_fraud", "advertising_legal", "licensed_creditor", "scam_payment",
}
DOMAIN_CLASSES = {"court_gov", "court_platform", "gov", "shortener", "suspicious_tld"}
SENDER_CLASSES = {
    "court", "bank_service", "service", "anti_fraud", "carrier", "enterprise",
    "enterprise_marketing", "mobile", "country_code_cn", "international",
}
REF_RE = re.compile(r"^(?:[A-FL]\d{1,2}|§\d+(?:\.\d+)?|LABELS|inferred)$")
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def read_tsv(name):
    """Return (header, rows) of a data file; comment lines are skipped."""
    raw = (DATA / name).read_bytes()
    assert b"\r" not in raw, f"{name}: use \\n newlines only"
    lines = [ln for ln in raw.decode("utf-8").split("\n") if ln and not ln.startswith("#")]
    rows = list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[0], rows[1:]


def is_normalised(text):
    return (
        unicodedata.normalize("NFKC", text).lower() == text
        and not re.search(r"\s", text)
        and text != ""
    )


@pytest.fixture(scope="module")
def t2s():
    opencc = pytest.importorskip("opencc")
    return opencc.OpenCC("t2s").convert


@pytest.fixture(scope="module")
def phrases():
    header, rows = read_tsv("phrases.tsv")
    assert header == ["category", "phrase", "ref"]
    return rows


@pytest.fixture(scope="module")
def homophones():
    header, rows = read_tsv("homophones.tsv")
    assert header == ["variant", "canonical"]
    return rows


@pytest.fixture(scope="module")
def domains():
    header, rows = read_tsv("domains.tsv")
    assert header == ["domain", "class", "note"]
    return rows


@pytest.fixture(scope="module")
def senders():
    header, rows = read_tsv("senders.tsv")
    assert header == ["pattern", "class", "note"]
    return rows


# ---------------------------------------------------------------- phrases.tsv

def test_phrases_shape(phrases):
    bad = [r for r in phrases if len(r) != 3 or not all(r)]
    assert not bad
    assert len(phrases) >= 400  # a floor, not a target: grow the lexicon freely


def test_phrases_categories_and_refs(phrases):
    assert {r[0] for r in phrases} <= CATEGORIES
    assert {r[0] for r in phrases} == CATEGORIES, "every category has entries"
    assert [r for r in phrases if not REF_RE.match(r[2])] == []


def test_phrases_no_duplicates(phrases):
    pairs = [(r[0], r[1]) for r in phrases]
    dups = {p for p in pairs if pairs.count(p) > 1}
    assert not dups


def test_phrases_normalised(phrases, t2s):
    bad = [r[1] for r in phrases if not is_normalised(r[1]) or t2s(r[1]) != r[1]]
    assert not bad
    assert [r[1] for r in phrases if len(r[1]) > 12] == []
    # no punctuation or separators inside a phrase
    assert [r[1] for r in phrases if not re.fullmatch(r"[0-9a-z\u4e00-\u9fff]+", r[1])] == []


def test_phrases_survive_homophone_map(phrases, homophones):
    variants = [v for v, _ in homophones]
    clash = [(p, v) for _, p, _ in phrases for v in variants if v in p]
    assert not clash, "the map runs first, so these phrases could never match"


# ------------------------------------------------------------- homophones.tsv

def test_homophones_shape(homophones):
    assert [r for r in homophones if len(r) != 2 or not all(r)] == []
    assert len(homophones) >= 60
    variants = [v for v, _ in homophones]
    assert len(variants) == len(set(variants))


def test_homophones_normalised(homophones, t2s):
    for variant, canonical in homophones:
        for text in (variant, canonical):
            assert is_normalised(text), text
            assert t2s(text) == text, text


def test_homophone_canonical_differs_and_is_chinese(homophones):
    for variant, canonical in homophones:
        assert canonical != variant
        assert CJK_RE.search(canonical), canonical


def test_homophone_variants_never_all_latin(homophones):
    # the map runs on the whole text: an all-latin variant would rewrite links (fayuan.top)
    assert [v for v, _ in homophones if not CJK_RE.search(v)] == []


def test_homophone_map_is_stable(homophones):
    variants = sorted((v for v, _ in homophones), key=len, reverse=True)
    mapping = dict(homophones)
    pattern = re.compile("|".join(re.escape(v) for v in variants))
    for variant, canonical in homophones:
        # no canonical contains a variant, so applying the map twice changes nothing
        assert not pattern.search(canonical), (variant, canonical)
        # longest-first replacement of the variant alone yields its canonical
        assert pattern.sub(lambda m: mapping[m.group(0)], variant) == canonical


# ---------------------------------------------------------------- domains.tsv

def test_domains(domains):
    assert [r for r in domains if len(r) != 3 or not all(r)] == []
    names = [r[0] for r in domains]
    assert len(names) == len(set(names))
    assert {r[1] for r in domains} <= DOMAIN_CLASSES
    for name in names:
        assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*", name), name


# ---------------------------------------------------------------- senders.tsv

def test_senders(senders):
    assert [r for r in senders if len(r) != 3 or not all(r)] == []
    patterns = [r[0] for r in senders]
    assert len(patterns) == len(set(patterns))
    assert {r[1] for r in senders} <= SENDER_CLASSES
    for pattern in patterns:
        assert re.fullmatch(r"\+?[0-9]*", pattern) and pattern, pattern


# ------------------------------------------------------------ must-have rows

@pytest.mark.parametrize(
    "category, phrase",
    [
        ("threat_third_party", "通知家人"),
        ("scam_payment", "撤诉费"),
        ("fee", "保证金"),
        ("scam_payment", "安全账户"),
        ("private_payment", "指定账户"),
        ("legal_claim", "法律措施"),
        ("vague_authority", "法务部"),
        ("judicial_measure", "失信被执行人"),
        ("lawful_creditor", "依法提起诉讼"),
        ("judicial_measure", "拘留"),
        ("marketing", "退订"),
    ],
)
def test_phrase_present(phrases, category, phrase):
    assert (category, phrase) in {(r[0], r[1]) for r in phrases}


@pytest.mark.parametrize("variant, canonical", [("鱼期", "逾期"), ("fa院", "法院")])
def test_homophone_present(homophones, variant, canonical):
    assert dict(homophones).get(variant) == canonical


@pytest.mark.parametrize(
    "domain, cls", [("court.gov.cn", "court_gov"), ("10102368.com", "court_platform")]
)
def test_domain_present(domains, domain, cls):
    assert {r[0]: r[1] for r in domains}.get(domain) == cls


@pytest.mark.parametrize("pattern, cls", [("12368", "court"), ("1069", "enterprise_marketing")])
def test_sender_present(senders, pattern, cls):
    assert {r[0]: r[1] for r in senders}.get(pattern) == cls
