"""Command-line round trips."""

import csv
import json
import os
import subprocess
import sys

from smsclf.cli import main

FAKE = "【法务部】你已逾期90天，已进入司法程序，今日不处理将通知家人，联系13912345678。"
GENUINE = ("【北京市朝阳区人民法院】张三：（2024）京0105民初12345号案件定于2025年1月3日9时开庭，"
           "咨询12368。")


def test_classify_text(capsys):
    assert main(["classify", FAKE]) == 0
    out = capsys.readouterr().out
    assert "label: fake" in out and "reasons:" in out


def test_classify_json_and_stdin():
    proc = subprocess.run([sys.executable, "-m", "smsclf", "classify", "-", "--json"],
                          input=GENUINE, capture_output=True, text=True, check=True)
    data = json.loads(proc.stdout)
    assert data["label"] == "genuine" and 0 <= data["authenticity"] <= 1


def test_extract_json(capsys):
    assert main(["extract", GENUINE, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    kinds = {e["kind"] for e in data}
    assert {"court", "case_number", "channel"} <= kinds
    for e in data:
        assert GENUINE[e["start"]:e["end"]] == e["text"]


def test_classify_file_jsonl_and_csv(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(f"{FAKE}\n{GENUINE}\n您的验证码是123456\n", encoding="utf-8")
    out_jsonl = tmp_path / "out.jsonl"
    assert main(["classify", "--input", str(src), "--output", str(out_jsonl)]) == 0
    rows = [json.loads(line) for line in out_jsonl.read_text(encoding="utf-8").splitlines()]
    assert [r["label"] for r in rows] == ["fake", "genuine", "unrelated"]
    assert rows[1]["text"] == GENUINE
    out_csv = tmp_path / "out.csv"
    assert main(["classify", "--input", str(out_jsonl), "--output", str(out_csv)]) == 0
    with open(out_csv, encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    assert [r["label"] for r in table] == ["fake", "genuine", "unrelated"]
    assert abs(sum(float(table[0][f"p_{k}"]) for k in ("genuine", "fake", "unrelated")) - 1) < 1e-5


def test_train_and_evaluate(small_train_file, small_dev_file, tmp_path, capsys):
    out = tmp_path / "m"
    assert main(["train", "--data", str(small_train_file), "--dev", str(small_dev_file),
                 "--out", str(out), "--C", "3", "--evidence-scale", "1"]) == 0
    assert (out / "manifest.json").is_file()
    capsys.readouterr()
    assert main(["evaluate", "--data", str(small_dev_file), "--model", str(out), "--json"]) == 0
    m = json.loads(capsys.readouterr().out)
    assert {"macro_f1", "confusion", "log_loss", "brier", "ece", "fake_called_genuine",
            "genuine_called_fake"} <= set(m)
    assert m["n"] == 90


def test_bad_model_dir(tmp_path, capsys):
    assert main(["classify", "x", "--model", str(tmp_path)]) == 2
    assert "manifest" in capsys.readouterr().err


def test_version():
    from smsclf import __version__, accel

    proc = subprocess.run([sys.executable, "-m", "smsclf", "--version"], capture_output=True,
                          text=True)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"smsclf {__version__} ({accel.summary()})"
    forced = subprocess.run([sys.executable, "-m", "smsclf", "--version"], capture_output=True,
                            text=True, env={**os.environ, "SMSCLF_PURE": "1"})
    assert forced.stdout.strip() == f"smsclf {__version__} (pure-Python core: SMSCLF_PURE=1)"
