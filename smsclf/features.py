"""Features: the evidence of ``extract`` as named numbers, and the words of the message.

Every evidence feature has a name (``case.problem.level_mismatch``) and a description in
Chinese and English (``data/features.tsv``), so that a weight can be read and a verdict
explained.  The few conjunctions (``combo.*``) are combinations the labelling rules
(datasets/README.md) name as decisive, which a linear model cannot form by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from smsclf import resources
from smsclf.evidence import Evidence
from smsclf.extract import extract_normalized
from smsclf.normalize import NormalizedText, normalize
from smsclf.recognizers.phrases import categories as phrase_categories
from smsclf.tokenize import terms, words

#: Bumped whenever the features a text yields change; stored in each model's manifest.
FEATURE_VERSION = 4

CASE_PROBLEMS = (
    "unknown_type_code", "unknown_court_code", "invalid_court_code", "level_mismatch",
    "court_mismatch", "future_year", "new_form_before_2016", "old_form_after_2015",
    "leading_zero_serial", "missing_brackets", "missing_court_code", "missing_type_code",
    "not_official_form", "implausible_serial", "implausible_year", "malformed",
)
COURT_PROBLEMS = (
    "unknown_court", "invented_institution", "wrong_level_word", "fake_department",
    "no_court_named",
)
CHANNEL_TYPES = (
    "court_hotline", "service_number", "mobile", "landline", "enterprise_sms", "international",
    "wechat", "qq", "bank_card", "bank_account",
)
URL_CLASSES = (
    "court_gov", "court_platform", "gov", "shortener", "suspicious_tld", "ip_address",
    "lookalike", "other",
)
DOCUMENT_SYSTEMS = ("arbitration", "notary", "procuratorate", "law_firm", "police", "other")
_PRIVATE = frozenset({"mobile", "wechat", "qq", "bank_card", "bank_account"})
_THREATS = ("threat_third_party", "threat_visit", "threat_criminal", "threat_shaming",
            "threat_asset")
#: Phrase categories that make a message speak of legal action (LABELS boundary 1).
_LEGAL_PHRASES = frozenset({"legal_claim", "court_procedure", "judicial_measure",
                            "fabricated_procedure", "lawful_creditor"})
_LEGAL_KINDS = frozenset({"case_number", "court", "threat"})
#: How close (in characters) a second-person word must stand to legal evidence for the
#: message to count as addressing the reader about it.
ADDRESS_WINDOW = 20
CLAIM_FEATURES = (
    "claim.second_person", "claim.addressed", "claim.third_person", "claim.news_frame",
    "claim.reported_speech", "claim.report_of_others", "claim.legal_unaddressed",
)


@lru_cache(maxsize=1)
def evidence_feature_names() -> tuple[str, ...]:
    """The names of the evidence features, in the order of the feature vector."""
    names = ["case.any", "case.valid", "case.old_form", "case.enforcement", "case.criminal"]
    names += [f"case.problem.{p}" for p in CASE_PROBLEMS]
    names += [f"docnum.{s}" for s in DOCUMENT_SYSTEMS]
    names += ["court.real", "court.ambiguous", "court.matches_case"]
    names += [f"court.problem.{p}" for p in COURT_PROBLEMS]
    names += [f"channel.{t}" for t in CHANNEL_TYPES]
    names += [f"url.{c}" for c in URL_CLASSES]
    names += [f"lex.{c}" for c in phrase_categories()]
    names += ["sender.start", "sender.end", "sender.court", "sender.vague", "money.any",
              "money.large", "deadline.any", "deadline.within_24h"]
    names += list(CLAIM_FEATURES)
    names += [
        "combo.court_claim_with_private_channel",
        "combo.legal_claim_unidentified_sender",
        "combo.valid_case_with_official_channel",
        "combo.legal_claim_with_threat",
        "combo.legal_claim_with_payment_request",
        "combo.brand_sender_with_service_number",
        "combo.licensed_creditor_with_official_channel",
    ]
    return tuple(names)


@lru_cache(maxsize=1)
def descriptions() -> dict[str, tuple[str, str]]:
    """Feature name -> (Chinese, English) description, from ``data/features.tsv``."""
    return {r["name"]: (r["zh"], r["en"]) for r in resources.read_tsv("features.tsv")}


@lru_cache(maxsize=65536)  # every verdict describes a few features: most of them recur
def describe(name: str) -> tuple[str, str]:
    """A readable (Chinese, English) description of any feature name."""
    if name.startswith("w:"):
        return f"词语“{name[2:]}”", f"the word “{name[2:]}”"
    if name.startswith("b:"):
        return f"词组“{name[2:]}”", f"the phrase “{name[2:]}”"
    return descriptions().get(name, (name, name))


def evidence_features(evidence: list[Evidence]) -> dict[str, float]:
    """The active evidence features (value 1.0) of a message."""
    f: set[str] = set()
    add = f.add
    # gathered in the same pass for _claim_features and _sender_features
    claims: dict[str, list[int]] = {}  # category -> starts
    legal: list[int] = []  # starts of the legal evidence (_is_legal)
    senders: list[Evidence] = []
    for e in evidence:
        kind = e.kind
        d = e.details
        if kind == "claim":
            claims.setdefault(d["category"], []).append(e.start)
        elif kind == "phrase" or kind == "threat":
            category = d["category"]
            add(f"lex.{category}")
            if kind == "threat" or category in _LEGAL_PHRASES:
                legal.append(e.start)
        elif kind == "channel":
            if d["type"] == "url":
                add(f"url.{d['domain_class']}")
            else:
                add(f"channel.{d['type']}")
        elif kind == "case_number":
            legal.append(e.start)
            add("case.any")
            if d.get("valid"):
                add("case.valid")
            if d.get("form") == "old":
                add("case.old_form")
            type_code = d.get("type_code") or ""
            if type_code.startswith("执"):
                add("case.enforcement")
            if type_code.startswith("刑"):
                add("case.criminal")
            f.update(f"case.problem.{p}" for p in d.get("problems", ()))
        elif kind == "court":
            legal.append(e.start)
            if d.get("valid"):
                add("court.ambiguous" if d.get("ambiguous") else "court.real")
            if d.get("matches_case_number"):
                add("court.matches_case")
            f.update(f"court.problem.{p}" for p in d.get("problems", ()))
        elif kind == "sender":
            add(f"sender.{d['position']}")
            senders.append(e)
        elif kind == "document_number":
            add(f"docnum.{d.get('system', 'other')}")
        elif kind == "money":
            add("money.any")
            if d["amount"] >= 10000:
                add("money.large")
        elif kind == "deadline":
            add("deadline.any")
            if d.get("hours") is not None and d["hours"] <= 24:
                add("deadline.within_24h")
    if senders:
        _sender_features(evidence, senders, f)
    _claim_features(claims, legal, f)
    _combinations(f)
    names = _evidence_feature_set()
    # sorted: the order of summation, and so the last bit of a score, must not depend on
    # the process's string-hash seed
    return {name: 1.0 for name in sorted(f) if name in names}


@lru_cache(maxsize=1)
def _evidence_feature_set() -> frozenset[str]:
    return frozenset(evidence_feature_names())


def _sender_features(evidence: list[Evidence], senders: list[Evidence], f: set[str]) -> None:
    for s in senders:
        inside = [e for e in evidence if s.start <= e.start and e.end <= s.end and e is not s]
        if any(e.kind == "court" and e.details.get("valid") for e in inside):
            f.add("sender.court")
        if any(e.details.get("category") == "vague_authority" for e in inside):
            f.add("sender.vague")


def _is_legal(e: Evidence) -> bool:
    return e.kind in _LEGAL_KINDS or (e.kind == "phrase"
                                       and e.details.get("category") in _LEGAL_PHRASES)


def _claim_features(claims: dict[str, list[int]], legal: list[int], f: set[str]) -> None:
    """Who the message speaks to and about: the reader addressed near legal evidence, or a
    report of other people's matters (LABELS boundary 9).  ``claims``: the starts of the
    claim evidence by category; ``legal``: the starts of the legal evidence."""
    second = claims.get("second_person", ())
    # a salutation makes the whole message speak to someone; a pronoun only its surroundings
    addressed = bool(legal) and ("addressee" in claims or any(
        abs(p - e) <= ADDRESS_WINDOW for p in second for e in legal))
    if second:
        f.add("claim.second_person")
    if addressed:
        f.add("claim.addressed")
    for cat in ("third_person", "news_frame", "reported_speech"):
        if cat in claims:
            f.add(f"claim.{cat}")
    if not addressed and not _REPORT_FEATURES.isdisjoint(f):
        f.add("claim.report_of_others")
    if legal and not addressed:
        f.add("claim.legal_unaddressed")


_REPORT_FEATURES = frozenset({"claim.third_person", "claim.news_frame", "claim.reported_speech"})
_PRIVATE_CHANNELS = frozenset(f"channel.{t}" for t in _PRIVATE)
_OFFICIAL_CHANNELS = frozenset({"channel.court_hotline", "url.court_gov", "url.court_platform"})
_COURT_CLAIMS = frozenset({"court.real", "court.ambiguous", "case.any", "sender.court"})
_LEGAL_CLAIMS = frozenset({"lex.legal_claim", "lex.fabricated_procedure",
                           "court.problem.no_court_named"})
_IDENTIFYING = frozenset({"court.real", "case.valid", "channel.court_hotline",
                          "channel.service_number", "url.court_gov", "url.court_platform",
                          "docnum.arbitration", "lex.licensed_creditor"})
_THREAT_WORDS = frozenset(f"lex.{t}" for t in _THREATS)
_PAYMENT_WORDS = frozenset({"lex.fee", "lex.private_payment", "lex.scam_payment"})
_LICENSED_CHANNELS = frozenset({"channel.service_number", "lex.official_channel"})


def _combinations(f: set[str]) -> None:
    private = not _PRIVATE_CHANNELS.isdisjoint(f)
    official = not _OFFICIAL_CHANNELS.isdisjoint(f)
    court_claim = not _COURT_CLAIMS.isdisjoint(f)
    # a claim is made to the reader: legal words in a report about others are none
    legal_claim = (court_claim or not _LEGAL_CLAIMS.isdisjoint(f)) and (
        "claim.report_of_others" not in f)
    if court_claim and private:
        f.add("combo.court_claim_with_private_channel")
    signed = ("sender.start" in f or "sender.end" in f) and "sender.vague" not in f
    identified = signed or not _IDENTIFYING.isdisjoint(f)
    if legal_claim and not identified:
        f.add("combo.legal_claim_unidentified_sender")
    if "case.valid" in f and official:
        f.add("combo.valid_case_with_official_channel")
    if legal_claim and not _THREAT_WORDS.isdisjoint(f):
        f.add("combo.legal_claim_with_threat")
    if legal_claim and not _PAYMENT_WORDS.isdisjoint(f):
        f.add("combo.legal_claim_with_payment_request")
    if signed and "sender.court" not in f and "channel.service_number" in f:
        f.add("combo.brand_sender_with_service_number")
    if "lex.licensed_creditor" in f and not _LICENSED_CHANNELS.isdisjoint(f):
        f.add("combo.licensed_creditor_with_official_channel")


@dataclass(frozen=True)
class MessageFeatures:
    """Everything the model reads from one message."""

    doc: NormalizedText
    evidence: list[Evidence]
    terms: list[str]
    evidence_features: dict[str, float]
    tokens: list[str]  # the words the terms come from (bigrams span ordinary words too)


def read_messages(texts: list[str]) -> tuple[list[NormalizedText], list[list[Evidence]],
                                             list[list[str]], list[dict[str, float]]]:
    """Normalise once, extract the evidence, segment the words, a batch stage by stage (each
    stage's code and tables stay warm over the batch): the normalised texts, their evidence,
    their tokens and their evidence features.  The one place the reading steps are written:
    training (``featurize``), ``Classifier.classify`` and ``classify_many`` all read
    messages through it, so serving cannot drift from training."""
    docs = [normalize(t) for t in texts]
    evidence = [extract_normalized(d) for d in docs]
    return docs, evidence, [words(d.text) for d in docs], list(map(evidence_features, evidence))


def read_message(text: str) -> tuple[NormalizedText, list[Evidence], list[str], dict[str, float]]:
    """``read_messages`` of one message: its normalised text, evidence, tokens and evidence
    features."""
    (doc,), (evidence,), (tokens,), (values,) = read_messages([text])
    return doc, evidence, tokens, values


def featurize(text: str) -> MessageFeatures:
    """Everything the model reads from ``text``, with the terms named as in the model."""
    doc, evidence, tokens, values = read_message(text)
    return MessageFeatures(doc, evidence, terms(tokens), values, tokens)
