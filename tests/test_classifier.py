"""The shipped model and the classify API."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smsclf
from smsclf.classifier import Classifier, Result, default_classifier

GOLDEN = [
    ("【上海市浦东新区人民法院】李明：您与招商银行股份有限公司信用卡纠纷一案（2025）沪0115民初"
     "45123号，定于2026年1月8日9时在第十五法庭开庭，请准时到庭。咨询12368。", "genuine"),
    ("【杭州互联网法院】王芳，（2025）浙0192民初3321号案件的起诉状副本等文书已送达，请登录"
     "https://zxfw.court.gov.cn/zxfw/#/pagesAjkj/app/wssd/index?qdbh=A1&sdbh=B2&sdsin=C3 查看。",
     "genuine"),
    ("【招联金融】尊敬的客户，您的借款已逾期62天，如仍未还款，我司将依法向人民法院提起诉讼。"
     "请通过招联金融APP还款，客服400-786-6866。", "genuine"),
    ("【法务部】你在速借宝的欠款已逾期90天，已进入司法程序，今天18点前不处理将通知你的家人和"
     "单位，并上门走访，联系专员13912345678。", "fake"),
    ("北京市朝阳区人民法院通知：你涉嫌恶意拖欠贷款，已被刑事立案，请在24小时内将撤诉费3000元"
     "转入指定账户6222021234567890128，否则将对你实施拘留。", "fake"),
    ("老赖你听好了，再不还钱明天就去你老家村委会贴大字报，让全村都知道你欠钱不还，法院传票"
     "马上到！", "fake"),
    ("【京东】您的订单已由顺丰发出，运单号SF1234567890，请保持电话畅通。", "unrelated"),
    ("您的验证码为839201，5分钟内有效，请勿泄露给他人。", "unrelated"),
    ("【中国银行】您尾号5521的信用卡本期账单1,250.00元，还款日12月5日，逾期将影响您的征信。"
     "如已还款请忽略。", "unrelated"),
    ("妈，我周末回家吃饭，帮我留点饺子。", "unrelated"),
]


@pytest.mark.parametrize("text, label", GOLDEN)
def test_golden_verdicts(text, label):
    result = smsclf.classify(text)
    assert result.label == label, (result.probabilities, [r.feature for r in result.reasons])


def test_result_shape_and_json():
    result = smsclf.classify(GOLDEN[0][0])
    assert isinstance(result, Result)
    assert set(result.probabilities) == {"genuine", "fake", "unrelated"}
    pg, pf = result.probabilities["genuine"], result.probabilities["fake"]
    assert result.authenticity == pytest.approx(pg / (pg + pf))
    assert result.reasons and all(r.contribution > 0 and r.zh and r.en for r in result.reasons)
    assert any(e.kind == "case_number" for e in result.evidence)
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["label"] == result.label and data["evidence"] and data["reasons"]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_string_gives_a_valid_result(text):
    result = smsclf.classify(text)
    p = result.probabilities
    assert result.label in p and result.label == max(p, key=p.get)
    assert all(0.0 <= v <= 1.0 for v in p.values())
    assert math.isclose(sum(p.values()), 1.0, abs_tol=1e-9)
    assert 0.0 <= result.authenticity <= 1.0
    again = smsclf.classify(text)
    assert again.probabilities == p and again.reasons == result.reasons


def test_bad_input():
    with pytest.raises(TypeError, match="int"):
        smsclf.classify(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="str"):
        smsclf.classify_many("not a list")
    with pytest.raises(TypeError, match="NoneType"):
        smsclf.classify_many(["ok", None])
    with pytest.raises(ValueError, match="n_jobs"):
        smsclf.classify_many(["ok"], n_jobs=0)
    with pytest.raises(ValueError, match="chunk_size"):
        default_classifier().classify_many(["ok"], chunk_size=0)


def test_classify_many_keeps_order_and_matches_classify():
    texts = [t for t, _ in GOLDEN] * 3
    one = smsclf.classify_many(texts)
    assert [r.label for r in one] == [smsclf.classify(t).label for t in texts]
    two = smsclf.classify_many(texts, n_jobs=2)
    assert [r.probabilities for r in two] == [r.probabilities for r in one]
    # many small chunks through the workers: same results, evidence and reasons, in order
    small = list(default_classifier().iter_classify(iter(texts), n_jobs=2, chunk_size=2))
    assert small == one


def test_results_survive_pickling():
    import pickle

    for text, _ in GOLDEN:
        result = smsclf.classify(text)
        assert pickle.loads(pickle.dumps(result)) == result


def test_load_model_and_warm_up():
    from smsclf.classifier import default_model_path

    clf = smsclf.load_model(str(default_model_path()))
    assert isinstance(clf, Classifier)
    smsclf.warm_up()
    assert clf.classify(GOLDEN[3][0]).label == "fake"


def test_fast_path_equals_scikit_learn(small_train_file, small_dev_file):
    from smsclf.data_io import read_labelled
    from smsclf.features import featurize
    from smsclf.train import fit, predict_proba

    train = read_labelled([small_train_file])
    dev = read_labelled([small_dev_file], min_per_label=1)
    trained = fit(train, dev, c_grid=(3.0,), scales=(0.5,))
    clf = Classifier(trained.linear, {"feature_version": smsclf.features.FEATURE_VERSION,
                                      "tokenizer": smsclf.tokenize.SETTINGS})
    texts = [e.text for e in dev] + [t for t, _ in GOLDEN] + ["", "？？", "法院"]
    texts += ["法院 法院 法院 起诉 起诉 你 你 你 你"]  # terms counted more than once
    reference = predict_proba(trained, [featurize(t) for t in texts])
    fast = np.array([[clf.classify(t).probabilities[k] for k in clf.labels] for t in texts])
    assert np.abs(fast - reference).max() < 1e-9
    # the public logits of a message's features, softmax and the decisive-mark layer, give
    # the same probabilities
    from smsclf.train import apply_decisive_marks

    features = [featurize(t) for t in texts]
    z = np.array([clf.logits(f) for f in features])
    softmax = np.exp(z - z.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    assert np.abs(apply_decisive_marks(softmax, features) - reference).max() < 1e-9


SEPARATORS = st.sampled_from([" ", "*", "_", "-", ".", "·", "|", "~", "/", "\u200b", "🔺"])


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([t for t, _ in GOLDEN]), st.data())
def test_disguises_a_reader_ignores_change_nothing(text, data):
    """Separators or zero-width characters between CJK characters, full-width digits and
    traditional characters give the same verdict and the same probabilities."""
    import opencc

    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if "\u4e00" <= ch <= "\u9fff" and "\u4e00" <= nxt <= "\u9fff" and data.draw(st.booleans()):
            out.append(data.draw(SEPARATORS))
    disguised = "".join(out)
    if data.draw(st.booleans()):
        disguised = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in disguised)
    if data.draw(st.booleans()):
        disguised = opencc.OpenCC("s2t").convert(disguised)
    plain, masked = smsclf.classify(text), smsclf.classify(disguised)
    assert masked.label == plain.label
    for k, p in plain.probabilities.items():
        assert masked.probabilities[k] == pytest.approx(p, abs=1e-9)


def test_results_are_immutable_and_their_lazy_parts_are_built_once():
    import dataclasses

    result = smsclf.classify(GOLDEN[3][0])
    for name in ("label", "authenticity", "probabilities", "evidence", "reasons", "_reasons"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(result, name, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        del result.label
    assert result.reasons is result.reasons and result.reasons  # built on access, kept
    assert result.__hash__ is None  # as the dataclass it replaced: probabilities is a dict
    assert repr(result).startswith(f"Result(label={result.label!r}, authenticity=")


def test_results_compare_by_value_and_a_fresh_one_equals_a_built_one():
    result = smsclf.classify(GOLDEN[0][0])
    copy = Result(result.label, result.authenticity, dict(result.probabilities),
                  list(result.evidence), list(result.reasons))
    assert copy == result and result == copy
    assert Result(result.label, result.authenticity, result.probabilities) != result
    assert result != result.to_dict()


def test_worker_results_build_their_evidence_on_access():
    texts = [t for t, _ in GOLDEN]
    from_workers = default_classifier().classify_many(texts, n_jobs=2)
    assert all(r._evidence is None and r._reasons is None for r in from_workers)
    assert [r.to_dict() for r in from_workers] == [smsclf.classify(t).to_dict() for t in texts]


def test_classify_many_leaves_the_garbage_collector_as_it_found_it():
    import gc

    texts = [t for t, _ in GOLDEN]
    assert gc.isenabled()
    smsclf.classify_many(texts)
    assert gc.isenabled()
    gc.disable()
    try:
        smsclf.classify_many(texts)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(TypeError):
        smsclf.classify_many(["ok", 3])
    assert gc.isenabled()
