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


def test_csv_with_a_bom(tmp_path):
    """Excel writes "UTF-8 CSV" with a byte order mark before the header."""
    path = tmp_path / "d.csv"
    path.write_text("\ufefftext,label\n" + "".join(f"消息{i},fake\n" for i in range(3)),
                    encoding="utf-8")
    examples = read_labelled([path], min_per_label=0)
    assert [e.text for e in examples] == ["消息0", "消息1", "消息2"]


def test_non_utf8_names_line_and_column(tmp_path):
    path = tmp_path / "d.jsonl"
    lines = [line.encode() for line in rows()[:5]]
    lines.append(json.dumps({"text": "法院传票", "label": "fake"},
                            ensure_ascii=False).encode("gb18030"))
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(DataError, match=r"d.jsonl:6: not valid UTF-8 \(byte 0xb7 at column 11\)"):
        read_labelled([path], min_per_label=0)


def test_csv_field_longer_than_the_csv_default(tmp_path):
    """csv stops at 131,072 characters a field by default; messages may be longer."""
    path = tmp_path / "d.csv"
    long_text = "长" * 200_000
    path.write_text(f"text,label\n\"{long_text}\",fake\n", encoding="utf-8")
    assert read_labelled([path], min_per_label=0)[0].text == long_text


def test_csv_error_names_the_physical_line(tmp_path):
    """Rows after a quoted field with line breaks are named by their line in the file."""
    path = tmp_path / "d.csv"
    path.write_text('text,label\n"two\nlines",fake\n\n  ,fake\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"d.csv:5: empty text"):
        read_labelled([path], min_per_label=0)


def test_txt_with_crlf_line_ends(tmp_path):
    from smsclf.data_io import read_examples

    path = tmp_path / "d.txt"
    path.write_bytes("第一条\r\n第二条\r\n".encode())
    assert [e.text for e in read_examples(path, labelled=False)] == ["第一条", "第二条"]
