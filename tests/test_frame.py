"""``classify_frame``: the verdicts as columns of a copy of the frame, row for row."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")

from smsclf.classifier import Classifier, default_classifier, default_model_path  # noqa: E402
from smsclf.frame import classify_frame  # noqa: E402

TEST_SPLIT = Path(__file__).resolve().parent.parent / "datasets" / "test.jsonl"
ADDED = ["label", "authenticity", "p_genuine", "p_fake", "p_unrelated", "evidence"]
FAKE = "【法务部】你已逾期90天，已进入司法程序，今日不处理将通知家人，联系13912345678。"
GENUINE = ("【北京市朝阳区人民法院】张三：（2024）京0105民初12345号案件定于2025年1月3日9时开庭，"
           "咨询12368。")
OTHER = "您的验证码是123456"


@pytest.fixture(scope="module")
def test_split():
    rows = [json.loads(line) for line in TEST_SPLIT.read_text(encoding="utf-8").splitlines()]
    df = pd.DataFrame(rows).rename(columns={"label": "gold"})
    assert len(df) == 932
    return df


def frame(**columns):
    return pd.DataFrame({"text": [FAKE, GENUINE, OTHER], **columns})


def test_the_test_split_gets_what_classify_gives(test_split):
    out = classify_frame(test_split)
    assert list(out.columns) == [*test_split.columns, *ADDED]
    pd.testing.assert_frame_equal(out[list(test_split.columns)], test_split)
    clf = default_classifier()
    for row in out.itertuples(index=False):
        r = clf.classify(row.text)
        assert (row.label, row.authenticity, row.p_genuine, row.p_fake, row.p_unrelated) == (
            r.label, r.authenticity, r.probabilities["genuine"], r.probabilities["fake"],
            r.probabilities["unrelated"])
        assert row.evidence == [f"{e.kind}:{e.text}" for e in r.evidence]
    assert (out.label == out.gold).mean() > 0.9


def test_workers_give_the_same_frame(test_split):
    part = test_split.iloc[:300]
    pd.testing.assert_frame_equal(classify_frame(part, n_jobs=2), classify_frame(part))


def test_the_evidence_column_filters_and_explodes():
    out = classify_frame(frame())
    has_court = out.evidence.map(lambda ev: any(e.startswith("court:") for e in ev))
    assert has_court.tolist() == [False, True, False]
    assert out.evidence.map(lambda ev: "channel:13912345678" in ev).tolist() == [
        True, False, False]
    kinds = out.evidence.explode().dropna().str.split(":", n=1).str[0]
    assert {"channel", "court", "case_number"} <= set(kinds)
    assert "case_number:（2024）京0105民初12345号" in out.evidence.iloc[1]


@pytest.mark.parametrize("index", [
    pd.Index(["b", "a", "b"]),  # repeated labels
    pd.MultiIndex.from_tuples([("x", 2), ("x", 1), ("y", 1)], names=["k", "n"]),
    pd.RangeIndex(10, 40, 10),
    pd.DatetimeIndex(["2025-01-03", "2024-01-01", "2025-01-03"]),
])
def test_any_index_is_kept_row_for_row(index):
    df = frame(id=[1, 2, 3], note=["a", None, "c"]).set_axis(index)
    before = df.copy()
    out = classify_frame(df)
    pd.testing.assert_index_equal(out.index, index)
    assert list(out.columns) == ["text", "id", "note", *ADDED]
    assert out.label.tolist() == ["fake", "genuine", "unrelated"]
    pd.testing.assert_frame_equal(df, before)  # the input is left as it was


def test_column_order_and_other_text_column():
    df = pd.DataFrame({"a": [1, 2], "message": [OTHER, FAKE], "z": [0.5, 1.5]})
    out = classify_frame(df, "message", evidence=False)
    assert list(out.columns) == ["a", "message", "z", *ADDED[:-1]]
    assert out.label.tolist() == ["unrelated", "fake"]
    for k in ("genuine", "fake", "unrelated"):
        assert out[f"p_{k}"].dtype == "float64"
    assert all(math.isclose(s, 1) for s in out[["p_genuine", "p_fake", "p_unrelated"]].sum(axis=1))


def test_an_empty_frame_gets_the_columns_and_their_types():
    empty = classify_frame(pd.DataFrame({"id": pd.Series([], dtype="int64"),
                                         "text": pd.Series([], dtype=str)}))
    full = classify_frame(pd.DataFrame({"id": [1], "text": [FAKE]}))
    assert len(empty) == 0
    pd.testing.assert_series_equal(empty.dtypes, full.dtypes)


def test_a_series_of_messages():
    s = pd.Series([FAKE, OTHER], index=[5, 6], name="sms")
    out = classify_frame(s)
    assert list(out.columns) == ["sms", *ADDED]
    assert out.index.tolist() == [5, 6] and out.label.tolist() == ["fake", "unrelated"]
    assert list(classify_frame(s.rename(None)).columns) == ["text", *ADDED]


def test_model_as_a_path_or_a_classifier():
    df = frame()
    want = classify_frame(df)
    pd.testing.assert_frame_equal(classify_frame(df, model=default_model_path()), want)
    pd.testing.assert_frame_equal(classify_frame(df, model=str(default_model_path())), want)
    pd.testing.assert_frame_equal(
        classify_frame(df, model=Classifier.load(default_model_path())), want)
    with pytest.raises(TypeError, match="model must be"):
        classify_frame(df, model=3)


# -- errors -------------------------------------------------------------------------------

def test_a_missing_text_column_names_the_columns_present():
    with pytest.raises(KeyError, match=r"no column 'body'.*\['text', 'id'\]"):
        classify_frame(frame(id=[1, 2, 3]), "body")


@pytest.mark.parametrize("missing, shown", [
    (None, "None"), (float("nan"), "nan"), (pd.NA, "<NA>"), (7, "int 7")])
def test_a_value_that_is_not_a_str_names_its_row(missing, shown):
    df = pd.DataFrame({"text": pd.Series([FAKE, missing, missing], index=["r1", "r2", "r3"],
                                         dtype=object)})
    with pytest.raises(TypeError) as info:
        classify_frame(df)
    message = str(info.value)
    assert "row 'r2' (position 1)" in message and shown in message, message
    assert "2 of 3 rows" in message and "dropna" in message


def test_missing_values_of_a_string_column_are_refused_too():
    df = pd.DataFrame({"text": pd.Series([FAKE, None], dtype="string")})
    with pytest.raises(TypeError, match=r"row 1 \(position 1\)"):
        classify_frame(df)


@pytest.mark.parametrize("taken", ["label", "p_fake", "evidence"])
def test_a_column_of_the_results_name_is_refused(taken):
    df = frame(**{taken: [0, 1, 2]})
    with pytest.raises(ValueError, match=f"already has column\\(s\\) '{taken}'.*rename"):
        classify_frame(df)
    assert df[taken].tolist() == [0, 1, 2]


def test_without_evidence_an_evidence_column_is_the_inputs():
    out = classify_frame(frame(evidence=["x", "y", "z"]), evidence=False)
    assert out.evidence.tolist() == ["x", "y", "z"]


def test_two_text_columns_are_refused():
    df = pd.DataFrame([[FAKE, OTHER]], columns=["text", "text"])
    with pytest.raises(ValueError, match="2 columns named 'text'"):
        classify_frame(df)


def test_not_a_frame():
    with pytest.raises(TypeError, match="DataFrame or Series"):
        classify_frame([FAKE])


def test_without_pandas_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'smsclf\[pandas\]'"):
        classify_frame(None)
