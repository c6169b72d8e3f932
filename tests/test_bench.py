"""The benchmark suite runs end to end and writes complete results.  No speed limits here:
absolute times depend on the machine, and a busy CI runner must not fail the build."""

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    """A module of benchmarks/, which is a folder of the checkout, not a package."""
    key = f"_bench_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, ROOT / "benchmarks" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


@pytest.fixture(scope="module")
def bench_model(request) -> Path:
    """The shipped model, else $SMSCLF_BENCH_MODEL, else a small model trained here."""
    for candidate in (ROOT / "models" / "smsclf-1", os.environ.get("SMSCLF_BENCH_MODEL")):
        if candidate and (Path(candidate) / "manifest.json").is_file():
            return Path(candidate)
    if not (ROOT / "datasets" / "train.jsonl").is_file():
        pytest.skip("no model to benchmark and no training split to train one")
    return request.getfixturevalue("small_model")


def test_corpus_is_fixed_and_varied():
    corpus = _load("corpus")
    a, b = corpus.corpus(500, seed=1), corpus.corpus(500, seed=1)
    assert a == b and len(a) == 500
    assert a != corpus.corpus(500, seed=2)
    assert len(set(a)) > 300  # variations, not just repeats
    assert set(a) - set(corpus.source_texts())


def test_readme_section_only(tmp_path):
    run = _load("run")
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\ntail\n",
                      encoding="utf-8")
    assert run.update_readme("| new |", readme)
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text and "| new |" in text and "bench.png" in text
    assert text.startswith("# x\n\n") and text.endswith("<!-- bench:end -->\n\ntail\n")
    readme.write_text("no markers\n", encoding="utf-8")
    assert not run.update_readme("| new |", readme)
    assert readme.read_text(encoding="utf-8") == "no markers\n"


def test_quick_run_writes_every_figure(tmp_path, bench_model):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--out", str(tmp_path),
         "--model", str(bench_model)],
        capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    run = _load("run")
    expected = set(run.VARIANTS)
    try:
        import rjieba  # noqa: F401
    except ImportError:
        expected -= {"segment_rjieba"}
    assert set(report["variants"]) == expected
    for name, figures in report["variants"].items():
        assert figures["msgs_per_s"] > 0 and figures["n"] > 0, name
        if figures["kind"] == "per_message":
            assert 0 < figures["p50_us"] <= figures["p99_us"], name
    for name, r in report["ratios"].items():
        assert r["value"] > 0, name
    assert report["cold_start"]["jieba"]["wall_s"] > 0
    for cold in report["cold_start"].values():
        assert cold["wall_s"] > 0 and cold["peak_rss_mb"] > 0
    # the eight targets, two of them checked for both tokenizers
    assert len(report["targets"]) == 10
    assert "classify_jieba_vs_tokenize_jieba" in report["ratios"]
    assert "extraction_share_jieba" in report["ratios"]
    stages = report["stages"]["stages"]
    assert list(stages) == list(run.STAGES)
    assert all(s["mean_us"] > 0 for s in stages.values())
    assert math.isclose(sum(s["share"] for s in stages.values()), 1.0, abs_tol=0.01)
    assert {"python", "numpy", "cpu_count", "platform"} <= set(report["machine"])
    assert report["corpus"]["n"] == 200
    assert (tmp_path / "bench.md").read_text(encoding="utf-8").count("|") > 50
    assert (tmp_path / "bench.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
