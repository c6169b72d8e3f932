"""Every training-input error stops with a message naming the file and the line."""

import json

import pytest

from smsclf.cli import main
from smsclf.data_io import DataError, read_labelled


def write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows(n=12):
    out = []
    for label in ("genuine", "fake", "unrelated"):
        out += [json.dumps({"text": f"{label} 消息 {i}", "label": label}, ensure_ascii=False)
                for i in range(n)]
    return out


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        read_labelled([tmp_path / "nope.jsonl"])


def test_unknown_format(tmp_path):
    path = write(tmp_path / "data.xlsx", ["x"])
    with pytest.raises(DataError, match="unknown format '.xlsx'"):
        read_labelled([path])


def test_missing_columns(tmp_path):
    path = write(tmp_path / "data.csv", ["message,label", "你好,unrelated"])
    with pytest.raises(DataError, match=r"data.csv:1: missing column\(s\) 'text'"):
        read_labelled([path])


def test_missing_label_in_jsonl(tmp_path):
    path = write(tmp_path / "d.jsonl", [json.dumps({"text": "你好"})])
    with pytest.raises(DataError, match=r"d.jsonl:1: missing 'label'"):
        read_labelled([path])


def test_unknown_label(tmp_path):
    path = write(tmp_path / "d.jsonl", [*rows(), json.dumps({"text": "x", "label": "spam"})])
    with pytest.raises(DataError, match=r"d.jsonl:37: unknown label 'spam'"):
        read_labelled([path])


def test_empty_text(tmp_path):
    path = write(tmp_path / "d.csv", ["text,label", "  ,fake"])
    with pytest.raises(DataError, match=r"d.csv:2: empty text"):
        read_labelled([path])


def test_same_text_two_labels(tmp_path):
    a = write(tmp_path / "a.jsonl", rows())
    b = write(tmp_path / "b.jsonl", [json.dumps({"text": "fake 消息 3", "label": "genuine"},
                                                ensure_ascii=False)])
    with pytest.raises(DataError, match=r"b.jsonl:1: the same text is labelled 'genuine' here "
                                        r"and 'fake' at .*a.jsonl:16"):
        read_labelled([a, b])


def test_too_few_of_a_label(tmp_path):
    path = write(tmp_path / "d.jsonl", rows()[:30])
    with pytest.raises(DataError, match=r"too few examples: 6 'unrelated'"):
        read_labelled([path])


def test_bad_json(tmp_path):
    path = write(tmp_path / "d.jsonl", ['{"text": "x", "label": '])
    with pytest.raises(DataError, match=r"d.jsonl:1: not valid JSON"):
        read_labelled([path])


def test_cli_reports_the_error_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path / "d.jsonl", [*rows(), json.dumps({"text": "x", "label": "spam"})])
    out = tmp_path / "model"
    assert main(["train", "--data", str(path), "--out", str(out)]) == 2
    assert "unknown label 'spam'" in capsys.readouterr().err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [path]


def test_dev_source_without_every_label(tmp_path):
    from smsclf.train import train_model

    train = write(tmp_path / "t.jsonl", rows())
    dev = write(tmp_path / "d.jsonl", [json.dumps({"text": "x", "label": "fake",
                                                   "source": "handwritten"})] + rows(2))
    with pytest.raises(DataError, match="no dev rows with source 'handwritten'"):
        train_model([str(train)], str(tmp_path / "m"), dev=[str(dev)],
                    dev_source="handwritten")
