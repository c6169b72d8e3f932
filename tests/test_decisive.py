"""Decisive marks: one clear mark of fabrication makes a legal-action message fake, however
official the rest of it looks; marks that real documents carry never decide."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import smsclf
from smsclf.decisive import AUTHENTICITY_CAP, cap, decisive_marks, marks_in
from smsclf.features import descriptions, evidence_feature_names, featurize

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

# A court notice in the official form; each case below changes one detail of it.
FRAME = ("【{court}】张三：你与李四民间借贷纠纷一案{case}，定于2025年1月3日9时在本院第十法庭"
         "开庭，请准时到庭。{extra}详询12368。")
GENUINE = {"court": "北京市朝阳区人民法院", "case": "（2024）京0105民初12345号", "extra": ""}

MARKED = [
    ("court.problem.invented_institution", {"court": "北京市互联网仲裁法院"}),
    ("court.problem.wrong_level_word",
     {"court": "广州市天河区中级人民法院", "case": "（2024）粤0106民初12345号"}),
    ("court.problem.fake_department", {"court": "北京市朝阳区人民法院诉讼部"}),
    ("case.problem.court_mismatch", {"case": "（2024）京0108民初12345号"}),
    ("case.problem.level_mismatch", {"case": "（2024）京0105民终12345号"}),
    ("case.problem.unknown_type_code", {"case": "（2024）京0105民贷12345号"}),
    ("case.problem.invalid_court_code", {"case": "（2024）京01050民初12345号"}),
    ("case.problem.unknown_court_code", {"case": "（2024）京0166民初12345号"}),
    ("case.problem.old_form_after_2015", {"case": "（2024）朝民初字第12345号"}),
    ("case.problem.future_year", {"case": "（2031）京0105民初12345号"}),
    ("case.problem.not_official_form", {"case": "，案件编号：20241128003"}),
    ("url.lookalike", {"extra": "文书请登录zxfw.court.gov.cn.case-view.top查阅。"}),
    ("lex.scam_payment", {"extra": "诉讼费请转入承办人个人账户。"}),
]


def test_the_frame_alone_is_genuine():
    assert smsclf.classify(FRAME.format(**GENUINE)).label == "genuine"


def test_every_mark_is_a_named_feature_with_a_description():
    names = set(evidence_feature_names())
    assert set(decisive_marks()) <= names
    assert set(decisive_marks()) <= set(descriptions())
    assert {mark for mark, _ in MARKED} == set(decisive_marks()), "one case a mark"


@pytest.mark.parametrize(("mark", "change"), MARKED, ids=[m for m, _ in MARKED])
def test_one_decisive_mark_makes_an_official_looking_notice_fake(mark, change):
    text = FRAME.format(**{**GENUINE, **change})
    assert mark in marks_in(featurize(text).evidence_features)
    r = smsclf.classify(text)
    assert r.label == "fake"
    assert r.authenticity <= AUTHENTICITY_CAP + 1e-12


def test_where_the_mark_overrules_the_model_it_comes_first_in_the_reasons(monkeypatch):
    from smsclf import classifier

    texts = [FRAME.format(**{**GENUINE, **change}) for _, change in MARKED]
    with monkeypatch.context() as m:  # the model alone, without the rule layer
        m.setattr(classifier._decisive, "marks_in", lambda names: [])
        alone = [smsclf.classify(t) for t in texts]
    overruled = [t for t, r in zip(texts, alone, strict=True) if r.label == "genuine"]
    assert overruled, "no case where the model alone says genuine: the test would be empty"
    for text in overruled:
        r = smsclf.classify(text)
        assert r.label == "fake" and r.reasons[0].feature.startswith("decisive:")
        assert r.reasons[0].contribution > 0 and "decisive mark" in r.reasons[0].en


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_cap_keeps_the_legal_mass_and_unrelated(a, b, c):
    total = a + b + c
    if total == 0:
        return
    pg, pf, pu = a / total, b / total, c / total
    g, f, shift = cap(pg, pf)
    assert g + f == pytest.approx(pg + pf, abs=1e-12)
    assert shift >= 0
    if g + f > 0:
        assert g / (g + f) <= max(AUTHENTICITY_CAP, pg / (pg + pf)) + 1e-12
        assert g / (g + f) <= AUTHENTICITY_CAP + 1e-12
    assert pu == c / total


@pytest.mark.parametrize("text", [
    # an old-form number with a zero-padded serial, still in enforcement
    "【湖州市吴兴区人民法院】张某：你申请执行的（2014）湖吴执字第00873号案件，执行款已到账，"
    "请携带身份证到本院领取。咨询12368。",
    # a 2016 new-form number with padding, as some courts wrote them that year
    "【宁波市北仑区人民法院】李某：你与王某买卖合同纠纷一案（2016）浙0206民初00985号已审结，"
    "判决书请登录zxfw.court.gov.cn查收。详询12368。",
    # renamed divisions whose courts kept the old code: 江东区 into 鄞州区, 柳江县 to 柳江区
    "【宁波市鄞州区人民法院】陈某：你申请执行的（2016）浙0204执1234号案件已立案执行，详询12368。",
    "【柳州市柳江区人民法院】韦某：你与覃某民间借贷纠纷一案（2016）桂0221民初456号定于2016年9月"
    "8日开庭，请准时到庭。详询12368。",
])
def test_marks_real_documents_carry_never_decide(text):
    assert not marks_in(featurize(text).evidence_features)
    assert smsclf.classify(text).label == "genuine"


def _real(name: str) -> list[dict]:
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} is absent (it lives outside a clone of this repository)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_real_court_messages_carry_no_decisive_mark_and_are_genuine():
    for row in _real("real_court_sms.jsonl"):
        assert not marks_in(featurize(row["text"]).evidence_features)
        assert smsclf.classify(row["text"]).label == "genuine"


def test_real_case_numbers_and_courts_carry_no_decisive_mark():
    """Of the real case numbers and court names in their contexts, at most 0.25 % may carry a
    decisive mark (a real document flagged as fabricated would turn a court's notice into
    'fake').  Measured: 4 of 1,950 rows, from two judgments that name several courts (one
    writes 宁01 for 苏01; one cites a number of the court that revoked another's judgment).
    A court's message names its own court."""
    path = SHARED / "evidence-real"
    if not path.is_dir():
        pytest.skip(f"{path} is absent (it lives outside a clone of this repository)")
    marked = total = 0
    for name in ("case_numbers_real.jsonl", "courts_real.jsonl"):
        for line in (path / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if not row.get("expected_valid", True):
                continue
            total += 1
            marked += bool(marks_in(featurize(row["text"]).evidence_features))
    assert total > 1900
    assert marked / total <= 0.0025, f"{marked} of {total} real documents carry a decisive mark"
