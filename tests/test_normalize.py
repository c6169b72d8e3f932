import unicodedata

import pytest

from smsclf.normalize import MAX_CHARS, normalize


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("（２０２４）京０１０５民初１２３４５号", "(2024)京0105民初12345号"),
        ("傳票已送達", "传票已送达"),
        ("起 诉", "起诉"),
        ("法*院", "法院"),
        ("立.案", "立案"),
        ("执-行", "执行"),
        ("起\u200b诉", "起诉"),
        ("起🔺诉", "起诉"),
        ("鱼期不还", "逾期不还"),
        ("fa院", "法院"),
        ("FA院", "法院"),
    ],
)
def test_normalizes(raw, expected):
    assert normalize(raw).text == expected


@pytest.mark.parametrize(
    "raw",
    ["您好，请于明天上午到庭。", "3.5元", "www.court.gov.cn", "hello world"],
)
def test_keeps_sentence_punctuation_and_latin_text(raw):
    assert normalize(raw).text == unicodedata.normalize("NFKC", raw).lower()


def test_offsets_point_into_original():
    raw = "【北 京 法 院】起＊诉"
    doc = normalize(raw)
    i = doc.text.index("起诉")
    s, e = doc.span(i, i + 2)
    assert raw[s:e] == "起＊诉"


def test_bounded_and_typed():
    assert len(normalize("法" * (MAX_CHARS * 3)).text) == MAX_CHARS
    with pytest.raises(TypeError, match="bytes"):
        normalize(b"abc")  # type: ignore[arg-type]
