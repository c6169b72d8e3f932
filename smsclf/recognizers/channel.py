"""Channels a message asks the reader to use: numbers, links, WeChat, QQ, bank cards.

Real courts use 12368, their landlines and official platforms (``*.court.gov.cn`` and a
few court delivery platforms); scammers and collectors use mobiles, WeChat,
personal bank cards and links to other domains.
"""

from __future__ import annotations

import re
from functools import lru_cache

from smsclf import resources
from smsclf.domains import IPV4, registrable, split_host
from smsclf.evidence import Evidence
from smsclf.normalize import NormalizedText
from smsclf.recognizers.base import make_evidence, preceded_by, required_chars

_TLDS = ("com|cn|net|org|top|xyz|vip|cc|icu|club|info|me|io|co|app|site|online|shop|link|"
         "ltd|wang|ink|pro|biz|tv|live|fun|store|tech|work|life|asia|hk|tk|ml|ga|gq|cf")
_TLD_SET = frozenset(_TLDS.split("|"))
# a host starts only where no host character precedes it: otherwise a failed match is tried
# again from every later position of a long dotted run ('a.a.a…'), quadratic in its length
_URL = re.compile(
    r"(?:(?P<scheme>https?)://)?"
    r"(?<![a-z0-9.\-])"
    r"(?P<host>(?:\d{1,3}(?:\.\d{1,3}){3})|(?:[a-z0-9](?:[a-z0-9\-]{0,62})\.)+(?:[a-z]{2,12}))"
    r"(?P<port>:\d{1,5})?(?P<path>/[\x21-\x7e]*)?"
)
# (?=[\d+]): the characters a match starts with, so the engine skips other positions fast
_DIGITS = re.compile(r"(?=[\d+])(?<![\d.a-z])\+?\d(?:\d|[\- ](?=\d)){2,30}(?![\d])")
_MASKED_MOBILE = re.compile(r"(?<!\d)1[3-9]\d[*x]{4}\d{4}(?!\d)")
_WECHAT = re.compile(
    r"(?:微信|vx|wx|weixin)\s*号?\s*[:]?\s*(?P<id>[a-z][-_a-z0-9]{5,19}|1[3-9]\d{9})"
)
_QQ = re.compile(r"qq\s*号?\s*(?:群)?\s*[:]?\s*(?P<id>[1-9]\d{4,10})(?!\d)")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_PART = re.compile(r"\d+(?:-\d+)*")
_AREA_12368 = re.compile(r"0\d{2,3}12368")
_PHONE_CONTEXT = ("电话", "热线", "致电", "拨打", "联系", "来电", "tel", "座机")
_CARD_CONTEXT = ("卡号", "账号", "账户", "帐号", "帐户", "银行卡", "转账", "汇款", "转入")


_OFFICIAL = ("court_gov", "court_platform")
# words scammers put in hosts to pass for a court's (DOMAIN F8: court-gov.cn, courtgov.top,
# fy-court.top); the registrable labels of the official domains in data/domains.tsv
# (10102368, gdems, bjcourt, …) are added to them
_IMITATION_WORDS = ("court", "fayuan", "12368", "gov")
# "fy" (法院) in a run of pinyin initials, as court sites abbreviate (hbfy, cdfy12368, rmfy:
# hzfy-pay, fysd): a part with no vowel, where English words with "fy" have some (verify)
_ABBREVIATION = re.compile(r"(?<![a-z])[b-df-hj-np-tv-z]*fy[b-df-hj-np-tv-z]*(?![a-z])")
_MIN_LABEL = 4  # shorter registrable labels would match inside unrelated hosts


@lru_cache(maxsize=1)
def _domains() -> dict[str, str]:
    return {r["domain"]: r["class"] for r in resources.read_tsv("domains.tsv")}


@lru_cache(maxsize=1)
def _table_depth() -> int:
    """The most labels an entry of ``data/domains.tsv`` has: no longer suffix can match."""
    return max((d.count(".") + 1 for d in _domains()), default=0)


@lru_cache(maxsize=1)
def _imitated() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Words that mark an imitation (the generic ones and each official domain's registrable
    label), and the official entries themselves, which a host may carry whole."""
    official = tuple(d for d, cls in _domains().items() if cls in _OFFICIAL)
    words = set(_IMITATION_WORDS)
    for d in official:
        label = "" if IPV4.fullmatch(d) else split_host(d)[1].split(".", 1)[0]
        if len(label) >= _MIN_LABEL:
            words.add(label)
    # a word that holds another adds nothing (bjcourt, court)
    words = {w for w in words if not any(v != w and v in w for v in words)}
    return tuple(sorted(words)), official


def domain_class(host: str) -> str:
    """``court_gov``, ``court_platform``, ``gov``, ``shortener``, ``suspicious_tld``,
    ``ip_address``, ``lookalike`` or ``other`` for a host name.

    Official and shortener entries count only at or below the host's registrable domain
    (by the Public Suffix List), since only its owner puts names there:
    ``jysd.10102368.com.case-view.xyz`` belongs to ``case-view.xyz``.  A host that carries an
    official domain or its words but is registered elsewhere is ``lookalike``, even on a
    suspicious TLD; hosts under ``gov.cn`` never are, as only government bodies register
    there."""
    host = host.lower().rstrip(".")
    table = _domains()
    if IPV4.fullmatch(host):
        return table.get(host, "ip_address")
    suffix, owner = split_host(host)
    labels = host.split(".")
    n_suffix = suffix.count(".") + 1
    for i in range(max(0, len(labels) - _table_depth()), len(labels)):
        cls = table.get(".".join(labels[i:]))
        if cls is None:
            continue
        if len(labels) - i > n_suffix and cls not in ("gov", "suspicious_tld"):
            return cls  # the registrable domain or a name below it: its owner's
        if cls == "gov":
            return cls
        break  # the longest entry is the suffix's: a suspicious TLD
    else:
        cls = "other"
    if owner and _imitates(host[: len(host) - len(suffix) - 1]):
        return "lookalike"
    return cls


def _imitates(owned: str) -> bool:
    """Whether the part of a host before its public suffix carries an official domain or a
    word of one (``court``, ``10102368``; typo-squats such as ``court-gov-cn``)."""
    words, official = _imitated()
    if any(w in owned for w in words):
        return True
    if "fy" in owned and _ABBREVIATION.search(owned):
        return True
    dotted = f".{owned}."
    return any(f".{d}." in dotted for d in official)


def luhn_ok(digits: str) -> bool:
    """The Luhn check digit of bank-card numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


@lru_cache(maxsize=1)
def _number_prefixes() -> tuple[dict[str, str], int]:
    """prefix -> class from ``data/senders.tsv``, and the longest prefix's length."""
    table = {r["pattern"].lstrip("+"): r["class"] for r in resources.read_tsv("senders.tsv")}
    return table, max(map(len, table), default=0)


@lru_cache(maxsize=1)
def _prefix_rules() -> tuple[dict[str, tuple[str, tuple[int, ...], bool]], tuple[int, ...]]:
    """``_number_prefixes`` with each prefix's class resolved by ``_CLASS_TYPES`` (prefixes
    of other classes dropped), and the lengths prefixes have, longest first."""
    table, _ = _number_prefixes()
    rules = {p: _CLASS_TYPES[cls] for p, cls in table.items() if p and cls in _CLASS_TYPES}
    return rules, tuple(sorted({len(p) for p in rules}, reverse=True))


# class of senders.tsv -> (channel type, digit counts it must have, official)
_CLASS_TYPES = {
    "court": ("court_hotline", (5,), True),
    "bank_service": ("service_number", (5,), True),
    "service": ("service_number", (5, 10), True),
    "carrier": ("service_number", (5,), True),
    "anti_fraud": ("service_number", (5,), True),
    "enterprise": ("enterprise_sms", tuple(range(8, 21)), False),
    "enterprise_marketing": ("enterprise_sms", tuple(range(8, 21)), False),
    "mobile": ("mobile", (11,), False),
}


def classify_number(digits: str, plus: bool, text: str, pos: int) -> dict | None:
    """What a string of digits is, from its prefix (``data/senders.tsv``), its length and
    the words before it."""
    if plus or digits.startswith("00"):
        rest = digits[2:] if plus and digits.startswith("86") else digits
        rest = rest[4:] if rest.startswith("0086") else rest
        if _MOBILE.fullmatch(rest):
            return {"type": "mobile", "official": False}
        return {"type": "international", "official": False}
    if digits.endswith("12368") and _AREA_12368.fullmatch(digits):
        return {"type": "court_hotline", "official": True}
    n = len(digits)
    rules, prefix_lengths = _prefix_rules()
    for length in prefix_lengths:  # the longest prefix first
        if length <= n:
            rule = rules.get(digits[:length])
            if rule is not None and n in rule[1]:
                return {"type": rule[0], "official": rule[2]}
    if 10 <= n <= 12 and digits.startswith("0"):
        return {"type": "landline", "official": None}
    if n in (7, 8) and preceded_by(text, pos, _PHONE_CONTEXT):
        return {"type": "landline", "official": None}
    if 16 <= n <= 19 and luhn_ok(digits):
        return {"type": "bank_card", "official": False}
    if 12 <= n <= 25 and preceded_by(text, pos, _CARD_CONTEXT, window=10):
        return {"type": "bank_account", "official": False}
    return None


@lru_cache(maxsize=1)
def _id_patterns() -> tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...]:
    """The WeChat and QQ patterns, each with characters one of which its every match holds."""
    return tuple((pattern, kind, tuple(sorted(required_chars(pattern) or ("",))))
                 for pattern, kind in ((_WECHAT, "wechat"), (_QQ, "qq")))


class ChannelRecognizer:
    """Finds phone numbers, links, WeChat and QQ ids and bank cards."""

    name = "channel"
    kind = "channel"

    def analyze(self, doc: NormalizedText) -> list[Evidence]:
        text = doc.text
        found: list[Evidence] = []
        taken: list[tuple[int, int]] = []

        def add(start: int, end: int, details: dict) -> None:
            found.append(make_evidence(doc, self.kind, start, end, details))
            taken.append((start, end))

        for m in _URL.finditer(text) if "." in text else ():
            host = m.group("host")
            is_ip = IPV4.fullmatch(host) is not None
            if not m.group("scheme") and (is_ip or host.rsplit(".", 1)[-1] not in _TLD_SET):
                continue
            cls = domain_class(host)
            add(m.start(), m.end(), {"type": "url", "host": host, "domain": registrable(host),
                                     "domain_class": cls, "official": cls in _OFFICIAL})
        for pattern, kind, marks in _id_patterns():
            if not any(mark in text for mark in marks):
                continue  # most messages name neither
            for m in pattern.finditer(text):
                if self._overlaps(m.span("id"), taken):
                    continue
                add(m.start("id"), m.end("id"), {"type": kind, "official": False})
        for m in _MASKED_MOBILE.finditer(text) if "*" in text or "x" in text else ():
            if not self._overlaps(m.span(), taken):
                add(m.start(), m.end(), {"type": "mobile", "official": False, "masked": True})
        for m in _DIGITS.finditer(text):
            if taken and self._overlaps(m.span(), taken):
                continue
            self._numbers(text, m, add)
        return found

    @staticmethod
    def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
        return any(s < span[1] and span[0] < e for s, e in taken)

    @staticmethod
    def _numbers(text: str, m: re.Match[str], add) -> None:
        raw = m.group()
        plus = raw.startswith("+")
        # what _DIGITS matches is digits, "+" at the start, "-" and " " between digits
        digits = raw.replace(" ", "").replace("-", "").replace("+", "")
        details = classify_number(digits, plus, text, m.start())
        if details is not None:
            add(m.start(), m.end(), details)
            return
        if digits == raw:
            return  # one part, the number itself: judged already
        # "12368 13812345678": separate numbers that the pattern joined
        for part in _PART.finditer(raw):
            pdigits = part.group().replace("-", "")
            start = m.start() + part.start()
            pd = classify_number(pdigits, False, text, start)
            if pd is not None:
                add(start, m.start() + part.end(), pd)
