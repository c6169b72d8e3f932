"""Speed benchmark: smsclf beside its own floor (the tokenizer) and the plain baseline.

    python benchmarks/run.py [--quick] [--model DIR] [--out benchmarks/results]

Every variant runs in this one process on the same fixed corpus (``benchmarks/corpus.py``),
except those that need jieba as smsclf's tokenizer (a child process with
``SMSCLF_TOKENIZER=jieba``) and the cold starts (fresh processes).  Absolute times depend on
the machine, so every figure is also given as a ratio against the baselines of the same run,
and the speed targets are checked on those ratios.  Writes ``bench.json``, ``bench.md``
and ``bench.png`` to ``--out`` and, for a full run into the default folder, rewrites the
README section between ``<!-- bench:start -->`` and ``<!-- bench:end -->``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "README.md"
MARKERS = ("<!-- bench:start -->", "<!-- bench:end -->")
#: A message in the cold start: long enough to reach every recogniser.
COLD_MESSAGE = ("【北京市朝阳区人民法院】张三：（2024）京0105民初12345号案件定于12月3日开庭，"
                "详询12368，或加微信 fawu888 缴纳保证金5000元。")

#: name -> (group, what is timed).  Groups: smsclf, floor (the tokenizer), baseline.
VARIANTS: dict[str, tuple[str, str]] = {
    "classify": ("smsclf", "Classifier.classify, one message per call"),
    "classify_jieba": ("smsclf", "Classifier.classify with SMSCLF_TOKENIZER=jieba"),
    "classify_many_1": ("smsclf", "classify_many(corpus, n_jobs=1)"),
    "classify_many_2": ("smsclf", "classify_many(corpus, n_jobs=2)"),
    "extract": ("smsclf", "smsclf.extract(text) (normalises, then the recognisers)"),
    "extract_normalized": ("smsclf", "extract_normalized(doc): the recognisers alone"),
    "normalize": ("smsclf", "normalize(text)"),
    "tokenize": ("floor", "words(normalize(text).text)"),
    "tokenize_jieba": ("floor", "words(normalize(text).text) with SMSCLF_TOKENIZER=jieba"),
    "segment_rjieba": ("floor", "rjieba.cut(normalised text, False)"),
    "segment_jieba": ("floor", "jieba.lcut(normalised text, HMM=False)"),
    "pipeline_single": ("baseline", "jieba + TF-IDF + LR: predict_proba([text]) per message"),
    "pipeline_batch": ("baseline", "jieba + TF-IDF + LR: predict_proba(corpus)"),
}
#: (name, what, numerator, denominator, 'rate' or 'time').  'time' inverts the rates.
RATIOS: tuple[tuple[str, str, str, str, str], ...] = (
    ("classify_vs_pipeline_single", "classify ÷ pipeline per-message predict_proba (speed)",
     "classify", "pipeline_single", "rate"),
    ("classify_many_1_vs_tokenize", "classify_many(n_jobs=1) ÷ tokenizer alone (speed)",
     "classify_many_1", "tokenize", "rate"),
    ("classify_jieba_vs_tokenize_jieba", "classify ÷ tokenizer alone, both with jieba (speed)",
     "classify_jieba", "tokenize_jieba", "rate"),
    ("classify_many_1_vs_segment", "classify_many(n_jobs=1) ÷ bare segmenter (speed)",
     "classify_many_1", "segment_rjieba", "rate"),
    ("accelerator_vs_jieba", "classify with rjieba ÷ classify with jieba (speed)",
     "classify", "classify_jieba", "rate"),
    ("tokenize_rjieba_vs_jieba", "tokenizer alone, rjieba ÷ jieba (speed)",
     "tokenize", "tokenize_jieba", "rate"),
    ("segment_rjieba_vs_jieba", "bare segmenter, rjieba ÷ jieba (speed)",
     "segment_rjieba", "segment_jieba", "rate"),
    ("extraction_share", "recognisers (extract_normalized) time ÷ classify time",
     "extract_normalized", "classify", "time"),
    ("extraction_share_jieba", "recognisers time ÷ classify time with jieba",
     "extract_normalized", "classify_jieba", "time"),
    ("extract_share", "public extract() time (incl. normalize) ÷ classify time",
     "extract", "classify", "time"),
    ("normalize_share", "normalize time ÷ classify time", "normalize", "classify", "time"),
    ("classify_many_2_vs_1", "classify_many n_jobs=2 ÷ n_jobs=1 (speed)",
     "classify_many_2", "classify_many_1", "rate"),
    ("classify_many_1_vs_pipeline_batch", "classify_many(n_jobs=1) ÷ pipeline batch (speed)",
     "classify_many_1", "pipeline_batch", "rate"),
)


@dataclass(frozen=True)
class Budget:
    """How long a variant runs: until both minimums are reached, or the maximum time."""

    min_msgs: int
    min_seconds: float
    max_seconds: float
    warmup: int


FULL = Budget(min_msgs=2000, min_seconds=5.0, max_seconds=60.0, warmup=200)
QUICK = Budget(min_msgs=100, min_seconds=0.1, max_seconds=2.0, warmup=10)


def _enough(n: int, elapsed: float, budget: Budget) -> bool:
    return (n >= budget.min_msgs and elapsed >= budget.min_seconds) \
        or elapsed >= budget.max_seconds


def time_each(fn: Callable[[Any], object], items: Sequence[Any], budget: Budget,
              ) -> dict[str, Any]:
    """Call ``fn`` on one item at a time (cycling), timing each call."""
    for item in items[:budget.warmup]:
        fn(item)
    pc = time.perf_counter
    latencies: list[float] = []
    n, k = 0, len(items)
    start = pc()
    while True:
        t0 = pc()
        fn(items[n % k])
        t1 = pc()
        latencies.append(t1 - t0)
        n += 1
        if _enough(n, t1 - start, budget):
            break
    seconds = pc() - start
    q = statistics.quantiles(latencies, n=100, method="inclusive") if n > 1 else latencies * 99
    return {"kind": "per_message", "n": n, "seconds": round(seconds, 6),
            "msgs_per_s": round(n / seconds, 3), "p50_us": round(q[49] * 1e6, 3),
            "p99_us": round(q[98] * 1e6, 3), "mean_us": round(seconds / n * 1e6, 3)}


def time_batch(fn: Callable[[list[Any]], object], items: list[Any], budget: Budget,
               ) -> dict[str, Any]:
    """Call ``fn`` on the whole list, repeatedly, timing each call."""
    fn(items[:max(budget.warmup, min(len(items), 1000))])
    pc = time.perf_counter
    calls: list[float] = []
    n = 0
    start = pc()
    while True:
        t0 = pc()
        fn(items)
        t1 = pc()
        calls.append(t1 - t0)
        n += len(items)
        if _enough(n, t1 - start, budget):
            break
    seconds = pc() - start
    return {"kind": "batch", "n": n, "calls": len(calls), "batch_size": len(items),
            "seconds": round(seconds, 6), "msgs_per_s": round(n / seconds, 3),
            "mean_us": round(seconds / n * 1e6, 3)}


def _log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# -- the variants -----------------------------------------------------------------------


def smsclf_variants(model: Path, texts: list[str], budget: Budget) -> dict[str, dict]:
    """Every variant that uses smsclf's own tokenizer (rjieba when installed)."""
    from smsclf import extract
    from smsclf.classifier import Classifier
    from smsclf.extract import extract_normalized
    from smsclf.normalize import normalize
    from smsclf.tokenize import backend, words

    clf = Classifier.load(model)
    clf.warm_up()
    name = backend()
    docs = [normalize(t) for t in texts]
    plain = [d.text for d in docs]
    out: dict[str, dict] = {}
    steps: list[tuple[str, Callable[[], dict]]] = [
        ("classify", lambda: time_each(clf.classify, texts, budget)),
        ("classify_many_1", lambda: time_batch(lambda b: clf.classify_many(b, n_jobs=1),
                                               texts, budget)),
        ("classify_many_2", lambda: time_batch(lambda b: clf.classify_many(b, n_jobs=2),
                                               texts, budget)),
        ("extract", lambda: time_each(extract, texts, budget)),
        ("extract_normalized", lambda: time_each(extract_normalized, docs, budget)),
        ("normalize", lambda: time_each(normalize, texts, budget)),
        ("tokenize", lambda: time_each(lambda t: words(normalize(t).text), texts, budget)),
    ]
    if name == "rjieba":
        import rjieba

        steps.append(("segment_rjieba",
                      lambda: time_each(lambda t: rjieba.cut(t, False), plain, budget)))
    for key, step in steps:
        _log(f"{key} ({name})")
        out[key] = {**step(), "backend": name}
    if name != "rjieba":  # without the accelerator these are the jieba figures too
        out["classify_jieba"] = dict(out["classify"])
        out["tokenize_jieba"] = dict(out["tokenize"])
    return out


#: classify's stages, in the order it runs them (smsclf.features.read_message, then scoring)
STAGES: dict[str, str] = {
    "normalize": "normalize(text)",
    "recognisers": "extract_normalized(doc)",
    "segment": "words(doc.text): segmentation and token clean-up",
    "evidence_features": "evidence_features(evidence)",
    "score": "TF-IDF terms, scores, softmax, reasons and the Result",
}


def stage_breakdown(model: Path, texts: list[str], budget: Budget) -> dict[str, Any]:
    """Where one classify call spends its time: each stage timed in place, message after
    message, so that each pays the cache misses the others cause (timed alone, in a tight
    loop, every stage looks cheaper than it is inside classify)."""
    from smsclf.classifier import Classifier
    from smsclf.extract import extract_normalized
    from smsclf.features import evidence_features
    from smsclf.normalize import normalize
    from smsclf.tokenize import backend, words

    clf = Classifier.load(model)
    clf.warm_up()
    pc = time.perf_counter
    totals = [0.0] * len(STAGES)
    n, k = 0, len(texts)
    start = pc()
    while True:
        text = texts[n % k]
        t0 = pc()
        doc = normalize(text)
        t1 = pc()
        evidence = extract_normalized(doc)
        t2 = pc()
        tokens = words(doc.text)
        t3 = pc()
        values = evidence_features(evidence)
        t4 = pc()
        clf._result(evidence, tokens, values)
        t5 = pc()
        for i, dt in enumerate((t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
            totals[i] += dt
        n += 1
        if n > budget.warmup and _enough(n, t5 - start, budget):
            break
    whole = sum(totals)
    return {"backend": backend(), "n": n, "total_us": round(whole / n * 1e6, 3),
            "stages": {name: {"mean_us": round(t / n * 1e6, 3), "share": round(t / whole, 4)}
                       for name, t in zip(STAGES, totals, strict=True)}}


def jieba_variants(model: Path, texts: list[str], budget: Budget) -> dict[str, dict]:
    """The variants with jieba as smsclf's tokenizer; run with SMSCLF_TOKENIZER=jieba."""
    from smsclf.classifier import Classifier
    from smsclf.normalize import normalize
    from smsclf.tokenize import backend, words

    clf = Classifier.load(model)
    clf.warm_up()
    if backend() != "jieba":
        raise RuntimeError(f"expected the jieba tokenizer, got {backend()}")
    return {
        "classify_jieba": {**time_each(clf.classify, texts, budget), "backend": "jieba"},
        "tokenize_jieba": {**time_each(lambda t: words(normalize(t).text), texts, budget),
                           "backend": "jieba"},
    }


def raw_jieba_variant(texts: list[str], budget: Budget) -> dict[str, dict]:
    """jieba's own segmenter on normalised text (no smsclf code in the loop)."""
    import logging

    import jieba

    from smsclf.normalize import normalize

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    plain = [normalize(t).text for t in texts]
    _log("segment_jieba")
    return {"segment_jieba": {**time_each(lambda t: jieba.lcut(t, HMM=False), plain, budget),
                              "backend": "jieba"}}


def _labelled(path: Path) -> tuple[list[str], list[str]]:
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    return [r["text"] for r in rows], [r["label"] for r in rows]


def pipeline_data(limit: int | None) -> tuple[list[str], list[str], list[str], list[str]]:
    """Train and dev texts for the baseline: the splits, else the hand-written files."""
    from benchmarks.corpus import DATASETS, source_files

    train, dev = DATASETS / "train.jsonl", DATASETS / "dev.jsonl"
    if train.is_file() and dev.is_file():
        tx, ty = _labelled(train)
        dx, dy = _labelled(dev)
    else:
        x: list[str] = []
        y: list[str] = []
        for path in source_files():
            a, b = _labelled(path)
            x += a
            y += b
        tx = [t for i, t in enumerate(x) if i % 6]
        ty = [t for i, t in enumerate(y) if i % 6]
        dx, dy = x[::6], y[::6]
    if limit is not None:  # every k-th example keeps all labels in a small sample
        step = max(1, len(tx) // limit)
        tx, ty = tx[::step], ty[::step]
    return tx, ty, dx, dy


def pipeline_variants(texts: list[str], budget: Budget, limit: int | None) -> dict[str, dict]:
    """The plain scikit-learn pipeline, fitted here on the training split.

    One C only: the cost of ``predict_proba`` does not depend on it."""
    from smsclf.baselines import PlainPipeline

    _log("fitting the plain pipeline")
    pipe = PlainPipeline(c_grid=(10.0,)).fit(*pipeline_data(limit))
    out = {}
    _log("pipeline_single")
    out["pipeline_single"] = time_each(lambda t: pipe.predict_proba([t]), texts, budget)
    _log("pipeline_batch")
    out["pipeline_batch"] = time_batch(pipe.predict_proba, texts, budget)
    return {k: {**v, "backend": "jieba (HMM on)"} for k, v in out.items()}


# -- child processes --------------------------------------------------------------------

_COLD_CODE = """
import json, sys, time
t0 = time.perf_counter()
import smsclf
from smsclf.classifier import Classifier
t1 = time.perf_counter()
clf = Classifier.load(sys.argv[1])
t2 = time.perf_counter()
clf.classify(sys.argv[2])
t3 = time.perf_counter()
from smsclf.tokenize import backend
hwm = None
try:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            hwm = int(line.split()[1]) * 1024 / 1e6
except OSError:
    pass
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "classify_s": t3 - t2,
                  "vmhwm_mb": hwm, "backend": backend()}))
"""

# Linux carries the peak RSS of the forking process over into its child's ru_maxrss, so a
# child of this (large) process would report at least our size.  A bare interpreter
# launches the cold start instead, times it, and reads its rusage with os.wait4.
_LAUNCH_CODE = """
import json, os, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out, err = proc.stdout.read(), proc.stderr.read()
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - t0
proc.returncode = os.waitstatus_to_exitcode(status)
print(json.dumps({"wall_s": wall, "ru_maxrss": usage.ru_maxrss, "rc": proc.returncode,
                  "stdout": out.decode(errors="replace"), "stderr": err.decode(errors="replace")}))
"""


def _env(tokenizer: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SMSCLF_TOKENIZER", None)
    if tokenizer:
        env["SMSCLF_TOKENIZER"] = tokenizer
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def _maxrss_bytes(ru_maxrss: int) -> int:
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


def cold_start_once(model: Path, tokenizer: str | None) -> dict[str, Any]:
    """A fresh interpreter imports smsclf and classifies one message: wall time and peak
    RSS (ru_maxrss of that child alone) as seen by a small launcher process."""
    child = [sys.executable, "-c", _COLD_CODE, str(model), COLD_MESSAGE]
    proc = subprocess.run([sys.executable, "-c", _LAUNCH_CODE, *child], capture_output=True,
                          text=True, env=_env(tokenizer), cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"cold-start launcher failed: {proc.stderr}")
    r = json.loads(proc.stdout)
    if r["rc"] != 0:
        raise RuntimeError(f"cold start failed: {r['stderr']}")
    return {"wall_s": r["wall_s"], "peak_rss_mb": _maxrss_bytes(r["ru_maxrss"]) / 1e6,
            **json.loads(r["stdout"].strip().splitlines()[-1])}


def cold_start(model: Path, tokenizer: str | None, runs: int) -> dict[str, Any]:
    """The median of ``runs`` cold starts, after one untimed run that fills the OS file
    cache and jieba's dictionary cache."""
    cold_start_once(model, tokenizer)
    samples = [cold_start_once(model, tokenizer) for _ in range(runs)]
    out: dict[str, Any] = {"runs": len(samples), "backend": samples[0]["backend"]}
    for key in ("wall_s", "peak_rss_mb", "vmhwm_mb", "import_s", "load_s", "classify_s"):
        values = [s[key] for s in samples if s.get(key) is not None]
        out[key] = round(statistics.median(values), 4) if values else None
    out["samples"] = [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in s.items()}
                      for s in samples]
    return out


def run_jieba_child(model: Path, args: argparse.Namespace) -> dict[str, dict]:
    """The jieba-tokenizer variants, in a child with SMSCLF_TOKENIZER=jieba."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-jieba", "--model", str(model),
           "--n", str(args.n), "--seed", str(args.seed)]
    if args.quick:
        cmd.append("--quick")
    if args.min_seconds is not None:
        cmd += ["--min-seconds", str(args.min_seconds)]
    if args.min_msgs is not None:
        cmd += ["--min-msgs", str(args.min_msgs)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_env("jieba"), cwd=ROOT,
                          check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"the jieba child failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- figures, tables, plot ----------------------------------------------------------------


def ratios(variants: dict[str, dict]) -> dict[str, dict]:
    """Every ratio of RATIOS whose two variants were measured."""
    out = {}
    for name, what, a, b, kind in RATIOS:
        # without rjieba installed the default variants ran on jieba too: comparing them
        # with the jieba ones would say nothing
        if a in variants and b in variants and not (
                b.endswith("_jieba") and not a.endswith("_jieba")
                and variants[a]["backend"] != "rjieba"):
            ra, rb = variants[a]["msgs_per_s"], variants[b]["msgs_per_s"]
            value = ra / rb if kind == "rate" else rb / ra
            out[name] = {"value": round(value, 4), "what": what, "of": [a, b]}
    return out


def targets(r: dict[str, dict], cold: dict[str, dict]) -> list[dict[str, Any]]:
    """The speed targets, pass/fail (None when a figure could not be measured)."""
    def get(d: dict, key: str, field: str) -> float | None:
        return d[key][field] if key in d else None

    rows = [
        ("single classify ≥ 10× plain per-message predict_proba",
         get(r, "classify_vs_pipeline_single", "value"), ">=", 10.0, "×"),
        ("classify_many(n_jobs=1) ≥ 85 % of tokenizer-alone rate (rjieba)",
         get(r, "classify_many_1_vs_tokenize", "value"), ">=", 0.85, "×"),
        ("classify ≥ 85 % of tokenizer-alone rate (both jieba)",
         get(r, "classify_jieba_vs_tokenize_jieba", "value"), ">=", 0.85, "×"),
        ("classify with accelerator ≥ 5× classify with jieba",
         get(r, "accelerator_vs_jieba", "value"), ">=", 5.0, "×"),
        ("extraction ≤ 20 % of classify time (rjieba)",
         get(r, "extraction_share", "value"), "<=", 0.20, "×"),
        ("extraction ≤ 20 % of classify time (jieba)",
         get(r, "extraction_share_jieba", "value"), "<=", 0.20, "×"),
        ("cold start, jieba: wall < 1.2 s", get(cold, "jieba", "wall_s"), "<", 1.2, "s"),
        ("cold start, jieba: peak RSS < 130 MB", get(cold, "jieba", "peak_rss_mb"), "<", 130.0,
         "MB"),
        ("cold start, rjieba: wall < 0.4 s", get(cold, "rjieba", "wall_s"), "<", 0.4, "s"),
        ("cold start, rjieba: peak RSS < 80 MB", get(cold, "rjieba", "peak_rss_mb"), "<", 80.0,
         "MB"),
    ]
    ops = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}
    return [{"target": t, "value": v, "op": op, "limit": lim, "unit": unit,
             "pass": None if v is None else bool(ops[op](v, lim))}
            for t, v, op, lim, unit in rows]


def machine_info() -> dict[str, Any]:
    """Enough about the machine to tell whether two results files are comparable."""
    import numpy

    info: dict[str, Any] = {
        "python": platform.python_version(), "implementation": platform.python_implementation(),
        "numpy": numpy.__version__, "platform": platform.platform(),
        "machine": platform.machine(), "cpu_count": os.cpu_count(),
    }
    if hasattr(os, "sched_getaffinity"):
        info["cpus_usable"] = len(os.sched_getaffinity(0))
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        info["cpu"] = platform.processor()
    from importlib.metadata import PackageNotFoundError, version

    for pkg in ("smsclf", "jieba", "rjieba", "scikit-learn", "opencc"):
        try:
            info[pkg] = version(pkg)
        except PackageNotFoundError:
            info[pkg] = None
    return info


def _fmt(x: float | None, unit: str = "") -> str:
    if x is None:
        return "n/a"
    if unit == "×":
        return f"{x:.2f}×"
    if unit == "s":
        return f"{x:.3f} s"
    if unit == "MB":
        return f"{x:.1f} MB"
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def _load_note(config: dict[str, Any]) -> str:
    loads = [x[0] for x in (config.get("loadavg_before"), config.get("loadavg_after")) if x]
    return f", load average {' → '.join(f'{x:.2f}' for x in loads)}" if loads else ""


def markdown(report: dict[str, Any]) -> str:
    """The results as Markdown: throughput, ratios, cold start, targets."""
    v, m, c = report["variants"], report["machine"], report["corpus"]
    base = v.get("pipeline_single", {}).get("msgs_per_s")
    lines = [
        f"{c['n']:,} messages (seed {c['seed']}, from `{c['source']}`), "
        f"{m.get('cpu', m['machine'])}, {m['cpu_count']} CPUs, Python {m['python']}"
        f"{' — quick run' if report['config']['quick'] else ''}"
        f"{_load_note(report['config'])}. "
        "Ratios are against the plain pipeline's per-message `predict_proba` of the same run.",
        "",
        "| variant | what | msgs/s | p50 µs | p99 µs | × pipeline per message |",
        "|---|---|--:|--:|--:|--:|",
    ]
    for name, (_, what) in VARIANTS.items():
        if name not in v:
            continue
        f = v[name]
        ratio = f"{f['msgs_per_s'] / base:.2f}×" if base else "n/a"
        lines.append(f"| `{name}` | {what} | {_fmt(f['msgs_per_s'])} | "
                     f"{_fmt(f.get('p50_us'))} | {_fmt(f.get('p99_us'))} | {ratio} |")
    lines += ["", "| ratio | value |", "|---|--:|"]
    lines += [f"| {r['what']} | {r['value']:.3f} |" for r in report["ratios"].values()]
    st = report.get("stages")
    if st:
        lines += ["", f"Where a `classify` call's time goes ({st['backend']}; each stage timed "
                  f"in place, {st['n']:,} calls, {_fmt(st['total_us'])} µs a message in all):",
                  "", "| stage | what | µs a message | share |", "|---|---|--:|--:|"]
        for name, f in st["stages"].items():
            lines.append(f"| {name} | {STAGES[name]} | {_fmt(f['mean_us'])} | "
                         f"{f['share']:.0%} |")
    cold = report["cold_start"]
    if cold:
        ref = cold.get("jieba", {}).get("wall_s")
        lines += ["", f"Cold start (fresh process: import, load the model, classify one message; "
                  f"median of {next(iter(cold.values()))['runs']}):", "",
                  "| tokenizer | wall | × jieba | peak RSS | import | load | first classify |",
                  "|---|--:|--:|--:|--:|--:|--:|"]
        for name, f in cold.items():
            rel = f"{f['wall_s'] / ref:.2f}×" if ref else "n/a"
            lines.append(f"| {name} | {_fmt(f['wall_s'], 's')} | {rel} | "
                         f"{_fmt(f['peak_rss_mb'], 'MB')} | {_fmt(f['import_s'], 's')} | "
                         f"{_fmt(f['load_s'], 's')} | {_fmt(f['classify_s'], 's')} |")
    lines += ["", "| target | measured | met |", "|---|--:|:-:|"]
    for t in report["targets"]:
        met = {True: "✅ yes", False: "❌ no", None: "n/a"}[t["pass"]]
        lines.append(f"| {t['target']} | {_fmt(t['value'], t['unit'])} | {met} |")
    return "\n".join(lines)


def plot(report: dict[str, Any], path: Path) -> None:
    """Throughput per variant (log scale) and per-message latency p50/p99."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    v = report["variants"]
    names = [n for n in VARIANTS if n in v]
    colours = {"smsclf": "#1f77b4", "floor": "#7f7f7f", "baseline": "#d62728"}
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 6))
    ax1.barh(names, [v[n]["msgs_per_s"] for n in names],
             color=[colours[VARIANTS[n][0]] for n in names])
    ax1.set_xscale("log")
    ax1.invert_yaxis()
    ax1.set_xlabel("messages per second (log)")
    ax1.set_title("Throughput (grey: tokenizer floor, red: plain baseline)")
    single = [n for n in names if v[n]["kind"] == "per_message"]
    y = range(len(single))
    ax2.barh([i - 0.2 for i in y], [v[n]["p50_us"] for n in single], height=0.4, label="p50")
    ax2.barh([i + 0.2 for i in y], [v[n]["p99_us"] for n in single], height=0.4, label="p99")
    ax2.set_yticks(list(y), single)
    ax2.set_xscale("log")
    ax2.invert_yaxis()
    ax2.set_xlabel("latency per message, µs (log)")
    ax2.set_title("Latency")
    ax2.legend()
    fig.suptitle(f"smsclf speed, {report['corpus']['n']:,} messages, "
                 f"{report['machine'].get('cpu', '')}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def update_readme(table: str, readme: Path = README) -> bool:
    """Rewrite only the marked section of the README; False when the markers are absent."""
    if not readme.is_file():
        return False
    text = readme.read_text(encoding="utf-8")
    start, end = MARKERS
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), flags=re.S)
    if not pattern.search(text):
        return False
    body = f"{start}\n{table}\n\n![speed benchmark](benchmarks/results/bench.png)\n{end}"
    readme.write_text(pattern.sub(lambda _: body, text, count=1), encoding="utf-8")
    return True


# -- main -------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="benchmarks/run.py", description=__doc__.split("\n")[0])
    default_model = os.environ.get("SMSCLF_BENCH_MODEL") or str(ROOT / "models" / "smsclf-1")
    p.add_argument("--model", default=default_model,
                   help="model directory (default: $SMSCLF_BENCH_MODEL or models/smsclf-1)")
    p.add_argument("--out", default=str(RESULTS), help="folder for bench.json/.md/.png")
    p.add_argument("--quick", action="store_true",
                   help="a small, fast run (200 messages, short budgets) for tests")
    p.add_argument("--n", type=int, help="corpus size (default 10000, quick 200)")
    p.add_argument("--seed", type=int, default=0, help="corpus seed")
    p.add_argument("--min-seconds", type=float, help="time budget per variant (default 5)")
    p.add_argument("--min-msgs", type=int, help="messages per variant at least (default 2000)")
    p.add_argument("--cold-runs", type=int, help="cold starts per tokenizer (default 3)")
    p.add_argument("--no-readme", action="store_true", help="leave README.md alone")
    p.add_argument("--child-jieba", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.n is None:
        args.n = 200 if args.quick else 10000
    return args


def _loadavg() -> list[float] | None:
    """Other work on the same CPUs shows in every figure; the load says whether there was."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def _budget(args: argparse.Namespace) -> Budget:
    b = QUICK if args.quick else FULL
    return Budget(min_msgs=args.min_msgs if args.min_msgs is not None else b.min_msgs,
                  min_seconds=args.min_seconds if args.min_seconds is not None
                  else b.min_seconds, max_seconds=b.max_seconds, warmup=b.warmup)


def main(argv: Sequence[str] | None = None) -> int:
    """Run every variant, write the results, print the Markdown table."""
    if str(ROOT) not in sys.path:  # run as a script: make ``benchmarks`` importable
        sys.path.insert(0, str(ROOT))
    from benchmarks.corpus import ROOT as CORPUS_ROOT
    from benchmarks.corpus import corpus, fingerprint, source_files

    args = parse_args(argv)
    budget = _budget(args)
    model = Path(args.model).resolve()
    texts = corpus(args.n, args.seed)
    if args.child_jieba:
        print(json.dumps(jieba_variants(model, texts, budget)))
        return 0
    if not (model / "manifest.json").is_file():
        print(f"benchmarks/run.py: no model in {model} (train one, or give --model DIR or "
              "SMSCLF_BENCH_MODEL)", file=sys.stderr)
        return 2
    started = time.time()
    load_before = _loadavg()
    variants = smsclf_variants(model, texts, budget)
    _log("classify's stages, timed in place")
    stages = stage_breakdown(model, texts, budget)
    if "classify_jieba" not in variants:
        _log("classify_jieba, tokenize_jieba (child process, SMSCLF_TOKENIZER=jieba)")
        variants.update(run_jieba_child(model, args))
    variants.update(raw_jieba_variant(texts, budget))
    variants.update(pipeline_variants(texts, budget, 300 if args.quick else None))
    runs = args.cold_runs or (1 if args.quick else 3)
    cold: dict[str, dict] = {}
    for name, tokenizer in (("jieba", "jieba"), ("rjieba", None)):
        _log(f"cold start, {name}")
        result = cold_start(model, tokenizer, runs)
        if result["backend"] == name:  # without rjieba the default run is jieba again
            cold[name] = result
    r = ratios(variants)
    report: dict[str, Any] = {
        "machine": machine_info(),
        "config": {"quick": args.quick, "budget": budget.__dict__,
                   "model": str(model.relative_to(ROOT) if model.is_relative_to(ROOT) else model),
                   "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
                   "duration_s": round(time.time() - started, 1),
                   "loadavg_before": load_before, "loadavg_after": _loadavg()},
        "corpus": {"n": len(texts), "seed": args.seed, "fingerprint": fingerprint(texts),
                   "mean_chars": round(sum(map(len, texts)) / max(1, len(texts)), 1),
                   "source": ", ".join(str(p.relative_to(CORPUS_ROOT))
                                       for p in source_files())},
        "variants": {k: variants[k] for k in VARIANTS if k in variants},
        "ratios": r,
        "stages": stages,
        "cold_start": cold,
        "targets": targets(r, cold),
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n",
                                    encoding="utf-8")
    table = markdown(report)
    (out / "bench.md").write_text(table + "\n", encoding="utf-8")
    plot(report, out / "bench.png")
    if not (args.quick or args.no_readme) and out.resolve() == RESULTS.resolve():
        if not update_readme(table):
            _log("README.md has no bench markers; left alone")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
