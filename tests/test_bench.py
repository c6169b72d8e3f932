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
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:  # the dask extra is not installed: no Dask rows
        expected -= set(run.DASK_VARIANTS)
    assert set(report["variants"]) == expected
    for name, figures in report["variants"].items():  # the caller's CPU, a message
        if figures["kind"] == "batch":
            assert figures["client_cpu_us"] >= 0, name
    for name, (workers, _) in run.DASK_VARIANTS.items():
        if name not in expected:
            continue
        dask_row = report["variants"][name]
        assert dask_row["workers"] == workers and dask_row["model_loads"] == [1] * workers
        assert dask_row["client_cpu_us"] > 0 and dask_row["workers_cpu_us"] > 0, name
        assert run.core_name(dask_row["core"]) == run.core_name(report["core"]["main"])
        # beside classify_many, in the same process
        assert report["ratios"][f"{name}_vs_classify_many_1"]["same_process"]
        assert report["ratios"][f"{name}_client_cpu"]["value"] > 0
    if "dask_bag_2" in expected:
        assert report["ratios"]["dask_bag_2_vs_1"]["value"] > 0
        assert "Dask (`smsclf.dask`" in (tmp_path / "bench.md").read_text(encoding="utf-8")
    for name, figures in report["variants"].items():
        assert figures["msgs_per_s"] > 0 and figures["n"] > 0, name
        if figures["kind"] == "per_message":
            assert 0 < figures["p50_us"] <= figures["p99_us"], name
    for name, figures in report["variants"].items():  # which core ran it, and where
        assert figures["core"] and figures["process"] in {"main", *run.CHILDREN}, name
    for child, names in run.CHILD_VARIANTS.items():
        for name in names:
            if report["variants"][name]["process"] != "main":  # no rjieba: jieba ran here
                assert report["variants"][name]["process"] == child, name
                assert report["baselines_rerun"][child]["pipeline_single"]["msgs_per_s"] > 0
    pure = report["variants"]["classify_pure"]
    assert pure["process"] == "pure" and run.core_name(pure["core"]) == "pure"
    assert run.core_name(report["variants"]["classify_many_1_pure"]["core"]) == "pure"
    for name, r in report["ratios"].items():
        assert r["value"] > 0, name
    # the pure child's figures are compared with the baseline it reran itself
    assert report["ratios"]["classify_pure_vs_pipeline_single"]["same_process"]
    assert report["ratios"]["classify_pure_vs_pipeline_single"]["processes"] == ["pure", "pure"]
    compiled = run.core_name(report["variants"]["classify"]["core"]) == "compiled"
    assert ("compiled_vs_pure" in report["ratios"]) == compiled
    assert report["cold_start"]["jieba"]["wall_s"] > 0
    for cold in report["cold_start"].values():
        assert cold["wall_s"] > 0 and cold["peak_rss_mb"] > 0 and cold["core"]
    # the targets: four speed ratios, the pure path across runs, four cold starts
    assert len(report["targets"]) == 9
    assert [t["compared"].split(" —")[0] for t in report["targets"]] == \
        ["same process"] * 4 + ["across runs"] + ["absolute"] * 4
    assert isinstance(report["notes"], list)
    stages = report["stages"]["stages"]
    assert list(stages) == list(run.STAGES)
    assert all(s["mean_us"] > 0 for s in stages.values())
    assert math.isclose(sum(s["share"] for s in stages.values()), 1.0, abs_tol=0.01)
    assert report["stages"]["on_access"]["reasons"]["mean_us"] > 0
    if report["previous"] is not None:  # a quick run is never compared with a full one
        assert report["previous"]["source"] and not report["previous"]["comparable"]
        assert report["targets"][4]["pass"] is None
    assert {"python", "numpy", "cpu_count", "platform"} <= set(report["machine"])
    assert report["corpus"]["n"] == 200
    assert (tmp_path / "bench.md").read_text(encoding="utf-8").count("|") > 50
    assert (tmp_path / "bench.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _figure(rate: float, process: str = "main", core: str = "compiled",
            backend: str = "rjieba") -> dict:
    return {"msgs_per_s": rate, "process": process, "backend": backend,
            "core": {"_cscore": core}}


def test_ratios_prefer_a_baseline_of_the_same_process():
    run = _load("run")
    variants = {"classify": _figure(1000.0), "pipeline_single": _figure(100.0),
                "classify_pure": _figure(300.0, "pure", "pure: SMSCLF_PURE=1")}
    reruns = {"pure": {"pipeline_single": _figure(50.0, "pure", "pure: SMSCLF_PURE=1")}}
    r = run.ratios(variants, reruns)
    assert r["classify_vs_pipeline_single"]["value"] == 10.0
    assert r["classify_pure_vs_pipeline_single"]["value"] == 6.0  # 300 / 50, not 300 / 100
    assert r["classify_pure_vs_pipeline_single"]["same_process"]
    # across processes, each rate is first taken against its own process's baseline
    assert not r["compiled_vs_pure"]["same_process"] and r["compiled_vs_pure"]["normalised"]
    assert r["compiled_vs_pure"]["value"] == round((1000 / 100) / (300 / 50), 4)
    assert r["compiled_vs_pure"]["raw"] == round(1000 / 300, 4)
    # without the compiled core, compiled ÷ pure compares the pure path with itself
    variants["classify"] = _figure(1000.0, core="pure: not built")
    assert "compiled_vs_pure" not in run.ratios(variants, reruns)


def test_previous_run_before_the_compiled_core():
    run = _load("run")
    old = {"ratios": {"classify_vs_pipeline_single": {"value": 2.5}},
           "variants": {"classify": {"msgs_per_s": 2000.0}},
           "corpus": {"fingerprint": "abc"}, "config": {"quick": False,
                                                        "started": "2026-01-01T00:00:00Z"},
           "machine": {"cpu": "X", "cpu_count": 2},
           "cold_start": {"rjieba": {"wall_s": 0.3, "peak_rss_mb": 70.0}}}
    now = {"ratios": {"classify_pure_vs_pipeline_single": {"value": 2.6}},
           "corpus": {"fingerprint": "abc"}, "config": {"quick": False},
           "machine": {"cpu": "X", "cpu_count": 2},
           "cold_start": {"rjieba": {"wall_s": 0.25, "peak_rss_mb": 72.0}}}
    prev = run.compare_previous({"source": "s", "commit": "0" * 40, "committed": "d",
                                 "report": old}, now)
    assert prev["comparable"] and prev["before_compiled_core"]
    fig = prev["figures"]["classify_pure_vs_pipeline_single"]
    assert (fig["previous"], fig["now"], fig["from"]) == (2.5, 2.6,
                                                          "classify_vs_pipeline_single")
    assert prev["cold_start"]["rjieba.wall_s"] == {"previous": 0.3, "now": 0.25}
    rows = run.targets(now["ratios"], now["cold_start"], None, prev)
    pure = next(t for t in rows if t["compared"].startswith("across runs"))
    assert pure["limit"] == 2.5 and pure["pass"] is True
    now["corpus"]["fingerprint"] = "other"
    prev = run.compare_previous({"source": "s", "commit": None, "committed": None,
                                 "report": old}, now)
    assert not prev["comparable"]
    pure = next(t for t in run.targets(now["ratios"], {}, None, prev)
                if t["compared"].startswith("across runs"))
    assert pure["pass"] is None


def test_a_run_whose_processes_ran_different_cores_says_so():
    run = _load("run")
    compiled = {"_cscore": "compiled"}
    report = {"core": {"main": compiled, "pure child": {"_cscore": "pure: SMSCLF_PURE=1"},
                       "classify_many_2 workers": compiled}}
    assert run._core_note(report) == ""
    report["core"]["classify_many_2 workers"] = {"_cscore": "pure: not built"}
    assert "different cores" in run._core_note(report)
