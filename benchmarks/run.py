"""Speed benchmark: smsclf beside its own floor (the tokenizer) and the plain baseline.

    python benchmarks/run.py [--quick] [--model DIR] [--out benchmarks/results]

Every variant runs in this one process on the same fixed corpus (``benchmarks/corpus.py``),
except those that need another configuration of smsclf, which run in child processes: jieba
as smsclf's tokenizer (``SMSCLF_TOKENIZER=jieba``) and the pure-Python core
(``SMSCLF_PURE=1``); each child reruns the baseline its figures are compared with.  The cold
starts run in fresh processes.  Absolute times depend on the machine, so every figure is
also given as a ratio against the baselines of the same run (of the same process where it
can be), and the speed targets are checked on those ratios.  Writes ``bench.json``,
``bench.md`` and ``bench.png`` to ``--out`` and, for a full run into the default folder,
rewrites the README section between ``<!-- bench:start -->`` and ``<!-- bench:end -->``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import re
import statistics
import subprocess
import sys
import tempfile
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

#: The child processes: name -> (environment they run with, the baselines they rerun so
#: that their figures are compared with a baseline of the same process).
CHILDREN: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "jieba": ({"SMSCLF_TOKENIZER": "jieba"}, ("pipeline_single",)),
    "pure": ({"SMSCLF_PURE": "1"}, ("pipeline_single",)),
}

#: name -> (group, what is timed).  Groups: smsclf, floor (the tokenizer), baseline.
VARIANTS: dict[str, tuple[str, str]] = {
    "classify": ("smsclf", "Classifier.classify, one message per call"),
    "classify_pure": ("smsclf", "Classifier.classify with SMSCLF_PURE=1 (pure-Python core)"),
    "classify_pure_reasons": ("smsclf", "classify(text).reasons with SMSCLF_PURE=1: the "
                              "reasons built too, as classify did before they were lazy"),
    "classify_jieba": ("smsclf", "Classifier.classify with SMSCLF_TOKENIZER=jieba"),
    "classify_many_1": ("smsclf", "classify_many(corpus, n_jobs=1)"),
    "classify_many_1_pure": ("smsclf", "classify_many(corpus, n_jobs=1) with SMSCLF_PURE=1"),
    "classify_many_2": ("smsclf", "classify_many(corpus, n_jobs=2)"),
    "dask_bag_1": ("smsclf", "smsclf.dask.classify_bag(corpus as a Bag).compute(): a "
                   "LocalCluster of 1 worker process"),
    "dask_bag_2": ("smsclf", "smsclf.dask.classify_bag(corpus as a Bag).compute(): 2 worker "
                   "processes"),
    "dask_frame_2": ("smsclf", "smsclf.dask.classify_dataframe(corpus as a Dask DataFrame)"
                     ".compute(): 2 worker processes"),
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
#: The Dask variants (``smsclf.dask`` on a ``distributed.LocalCluster``): name -> worker
#: processes, and whether the corpus goes in as a Bag or a DataFrame.  Left out when dask
#: or distributed is not installed (the ``dask`` extra).
DASK_VARIANTS: dict[str, tuple[int, str]] = {
    "dask_bag_1": (1, "bag"), "dask_bag_2": (2, "bag"), "dask_frame_2": (2, "frame")}
#: Messages a Dask partition (``classify_many``'s chunk size), and at least two
#: partitions a worker.
DASK_PARTITION = 500
#: The variants each child runs (besides its baselines, ``CHILDREN``).
CHILD_VARIANTS = {"jieba": ("classify_jieba", "tokenize_jieba"),
                  "pure": ("classify_pure", "classify_pure_reasons", "classify_many_1_pure")}
#: (name, what, numerator, denominator, 'rate', 'time' or 'cpu').  'time' inverts the rates;
#: 'cpu' is the numerator's ``client_cpu_us`` over the denominator's time a message.
RATIOS: tuple[tuple[str, str, str, str, str], ...] = (
    ("classify_vs_pipeline_single", "classify ÷ pipeline per-message predict_proba (speed)",
     "classify", "pipeline_single", "rate"),
    ("classify_many_1_vs_pipeline_batch", "classify_many(n_jobs=1) ÷ pipeline batch (speed)",
     "classify_many_1", "pipeline_batch", "rate"),
    ("classify_many_1_vs_tokenize", "classify_many(n_jobs=1) ÷ tokenizer alone (speed)",
     "classify_many_1", "tokenize", "rate"),
    ("classify_many_2_vs_1", "classify_many n_jobs=2 ÷ n_jobs=1 (speed)",
     "classify_many_2", "classify_many_1", "rate"),
    ("dask_bag_1_vs_classify_many_1",
     "Dask classify_bag, 1 worker process ÷ classify_many(n_jobs=1) (speed)",
     "dask_bag_1", "classify_many_1", "rate"),
    ("dask_bag_2_vs_classify_many_1",
     "Dask classify_bag, 2 worker processes ÷ classify_many(n_jobs=1) (speed)",
     "dask_bag_2", "classify_many_1", "rate"),
    ("dask_bag_2_vs_1", "Dask classify_bag, 2 ÷ 1 worker processes (speed)",
     "dask_bag_2", "dask_bag_1", "rate"),
    ("dask_bag_2_vs_classify_many_2",
     "Dask classify_bag, 2 worker processes ÷ classify_many(n_jobs=2) (speed)",
     "dask_bag_2", "classify_many_2", "rate"),
    ("dask_frame_2_vs_classify_many_1",
     "Dask classify_dataframe, 2 worker processes ÷ classify_many(n_jobs=1) (speed)",
     "dask_frame_2", "classify_many_1", "rate"),
    ("dask_bag_1_client_cpu", "client CPU a message, Dask classify_bag with 1 worker ÷ "
     "classify_many(n_jobs=1)'s time a message (share)", "dask_bag_1", "classify_many_1", "cpu"),
    ("dask_bag_2_client_cpu", "client CPU a message, Dask classify_bag with 2 workers ÷ "
     "classify_many(n_jobs=1)'s time a message (share)", "dask_bag_2", "classify_many_1", "cpu"),
    ("dask_frame_2_client_cpu", "client CPU a message, Dask classify_dataframe with 2 workers "
     "÷ classify_many(n_jobs=1)'s time a message (share)", "dask_frame_2", "classify_many_1",
     "cpu"),
    ("classify_many_2_client_cpu", "parent CPU a message, classify_many(n_jobs=2) ÷ "
     "classify_many(n_jobs=1)'s time a message (share)", "classify_many_2", "classify_many_1",
     "cpu"),
    ("classify_pure_vs_pipeline_single",
     "classify, pure-Python core ÷ pipeline per-message predict_proba (speed)",
     "classify_pure", "pipeline_single", "rate"),
    ("classify_pure_reasons_vs_pipeline_single",
     "classify + reasons, pure-Python core ÷ pipeline per-message predict_proba (speed)",
     "classify_pure_reasons", "pipeline_single", "rate"),
    ("compiled_vs_pure", "classify, compiled ÷ pure-Python core (speed)",
     "classify", "classify_pure", "rate"),
    ("compiled_vs_pure_many_1", "classify_many(n_jobs=1), compiled ÷ pure-Python core (speed)",
     "classify_many_1", "classify_many_1_pure", "rate"),
    ("classify_many_1_vs_classify", "classify_many(n_jobs=1) ÷ classify one by one (speed)",
     "classify_many_1", "classify", "rate"),
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


def cpu_seconds() -> float | None:
    """The CPU time of this process so far, user and system, all its threads
    (``resource.getrusage``); None where there is no ``resource`` module."""
    try:
        import resource
    except ImportError:
        return None
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def time_batch(fn: Callable[[list[Any]], object], items: list[Any], budget: Budget,
               workers_cpu: Callable[[], float] | None = None) -> dict[str, Any]:
    """Call ``fn`` on the whole list, repeatedly, timing each call.  Also the CPU this
    process spent during the timed calls, a message (``client_cpu_us``), and with
    ``workers_cpu`` (the CPU seconds of the processes doing the work, so far) theirs."""
    fn(items[:max(budget.warmup, min(len(items), 1000))])
    pc = time.perf_counter
    calls: list[float] = []
    n = 0
    w0 = workers_cpu() if workers_cpu else None
    c0 = cpu_seconds()
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
    c1 = cpu_seconds()
    w1 = workers_cpu() if workers_cpu else None
    out = {"kind": "batch", "n": n, "calls": len(calls), "batch_size": len(items),
           "seconds": round(seconds, 6), "msgs_per_s": round(n / seconds, 3),
           "mean_us": round(seconds / n * 1e6, 3)}
    if c0 is not None and c1 is not None:
        out["client_cpu_us"] = round((c1 - c0) / n * 1e6, 3)
    if w0 is not None and w1 is not None:
        out["workers_cpu_us"] = round((w1 - w0) / n * 1e6, 3)
    return out


def _log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# -- the variants -----------------------------------------------------------------------


def core_status() -> dict[str, str]:
    """What runs in this process: every compiled module, ``compiled`` or ``pure: why``."""
    from smsclf import accel

    return accel.status()


def core_name(status: dict[str, str] | None) -> str:
    """``compiled``, ``pure`` or ``partly compiled``: one word for a ``core_status()``."""
    if not status:
        return "n/a"
    compiled = [s == "compiled" for s in status.values()]
    return "compiled" if all(compiled) else "partly compiled" if any(compiled) else "pure"


def _workers_core(n_jobs: int) -> dict[str, str] | None:
    """``core_status()`` from inside a worker of the executor ``classify_many(n_jobs)`` has
    just used (the same arguments make loky hand back the same executor)."""
    try:
        from joblib import effective_n_jobs
        from joblib.externals.loky import get_reusable_executor

        from smsclf import classifier

        executor = get_reusable_executor(max_workers=effective_n_jobs(n_jobs),
                                         initializer=classifier._watch_parent,
                                         initargs=(os.getpid(),))
        return executor.submit(core_status).result(timeout=120)
    except Exception as exc:  # the figure stands; only the record of the core is missing
        _log(f"could not ask a worker which core it runs: {exc!r}")
        return None


def smsclf_variants(model: Path, texts: list[str], budget: Budget) -> dict[str, dict]:
    """Every variant that uses smsclf's own tokenizer (rjieba when installed) and the core
    this process runs (compiled where built)."""
    from smsclf import extract
    from smsclf.classifier import Classifier
    from smsclf.extract import extract_normalized
    from smsclf.normalize import normalize
    from smsclf.tokenize import backend, words

    clf = Classifier.load(model)
    clf.warm_up()
    name = backend()
    core = core_status()
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
        _log(f"{key} ({name}, {core_name(core)} core)")
        out[key] = {**step(), "backend": name, "process": "main", "core": core}
        if key == "classify_many_2":  # the work is done in the workers: their core
            out[key]["core"] = _workers_core(2)
    if name != "rjieba":  # without the accelerator these are the jieba figures too
        out["classify_jieba"] = dict(out["classify"])
        out["tokenize_jieba"] = dict(out["tokenize"])
    return out


def dask_variants(model: Path, texts: list[str], budget: Budget) -> dict[str, dict]:
    """``smsclf.dask`` on a LocalCluster of worker processes (one thread each), started,
    scaled and warmed up (the model loaded in every worker) outside the timed calls.  The
    corpus goes in from this process, as a Bag or a DataFrame of ``DASK_PARTITION``
    messages a partition, and the results come back here: ``client_cpu_us`` is what that
    costs this process — with the LocalCluster's scheduler, which runs in it —, and
    ``workers_cpu_us`` what the workers spend, a message."""
    try:
        import dask
        import dask.bag  # noqa: F401  # smsclf.dask needs them: missing, no Dask rows
        import dask.dataframe  # noqa: F401
        import distributed

        from smsclf.dask import _model_loads, classify_bag
    except ImportError as exc:
        _log(f"no Dask variants: {exc} (pip install 'smsclf[dask]')")
        return {}
    import logging

    from smsclf import accel
    from smsclf.classifier import Classifier
    from smsclf.tokenize import backend

    clf = Classifier.load(model)  # loaded once: the tasks carry its folder and fingerprint
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
    out: dict[str, dict] = {}
    try:
        with distributed.Client(cluster, set_as_default=False) as client:
            for n_workers in sorted({w for w, _ in DASK_VARIANTS.values()}):
                cluster.scale(n_workers)
                client.wait_for_workers(n_workers, timeout=120)
                warm = dask.bag.from_sequence(texts[:20], npartitions=1)
                for w in sorted(client.scheduler_info()["workers"]):  # each loads the model
                    client.compute(classify_bag(warm, model=clf), workers=[w]).result()
                for name, (k, kind) in DASK_VARIANTS.items():
                    if k != n_workers:
                        continue
                    _log(f"{name} (LocalCluster, {k} worker process{'es' * (k > 1)})")
                    figures = time_batch(_dask_call(client, clf, kind, k), texts, budget,
                                         lambda: sum(client.run(time.process_time).values()))
                    loads = client.run(_model_loads)
                    out[name] = {
                        **figures, "backend": next(iter(client.run(backend).values())),
                        "process": "main", "core": next(iter(client.run(accel.status).values())),
                        "workers": len(loads), "partitions": _dask_partitions(len(texts), k),
                        "partition_size": DASK_PARTITION,
                        "model_loads": sorted(sum(n.values()) for n in loads.values()),
                        "dask": dask.__version__, "distributed": distributed.__version__}
    finally:
        cluster.close()
    return out


def _dask_partitions(n: int, workers: int) -> int:
    return max(2 * workers, -(-n // DASK_PARTITION))


def _dask_call(client, clf, kind: str, workers: int) -> Callable[[list[str]], object]:
    """One timed call: the messages into a Bag or a DataFrame, classified, computed here."""
    import dask.bag
    import dask.dataframe
    import pandas as pd

    from smsclf.dask import classify_bag, classify_dataframe

    def bag(texts: list[str]) -> list[dict]:
        b = dask.bag.from_sequence(texts, npartitions=_dask_partitions(len(texts), workers))
        return classify_bag(b, model=clf).compute(scheduler=client)

    def frame(texts: list[str]) -> pd.DataFrame:
        ddf = dask.dataframe.from_pandas(pd.DataFrame({"text": texts}), sort=False,
                                         npartitions=_dask_partitions(len(texts), workers))
        return classify_dataframe(ddf, model=clf).compute(scheduler=client)

    return bag if kind == "bag" else frame


#: classify's stages, in the order it runs them (``read_message``, ``_verdict``,
#: ``_build``): their times add up to the classify call
STAGES: dict[str, str] = {
    "normalize": "normalize(text)",
    "recognisers": "extract_normalized(doc)",
    "segment": "words(doc.text): segmentation and token clean-up",
    "evidence_features": "evidence_features(evidence)",
    "score": "_verdict: TF-IDF terms, scores, softmax, decisive cap (the scoring kernel)",
    "result": "_build: the Result, its reasons deferred",
}
#: timed in the same loop, after the stages, but not part of classify: what reading a
#: Result's ``reasons`` costs (built on first access since the reasons became lazy)
ON_ACCESS: dict[str, str] = {
    "reasons": "result.reasons: the reasons, built on first access",
}


def stage_breakdown(model: Path, texts: list[str], budget: Budget) -> dict[str, Any]:
    """Where one classify call spends its time: each stage timed in place, message after
    message, so that each pays the cache misses the others cause (timed alone, in a tight
    loop, every stage looks cheaper than it is inside classify).  Reading the reasons is
    timed in the same loop and reported apart: classify no longer builds them."""
    from smsclf.classifier import Classifier
    from smsclf.extract import extract_normalized
    from smsclf.features import evidence_features
    from smsclf.normalize import normalize
    from smsclf.tokenize import backend, words

    clf = Classifier.load(model)
    clf.warm_up()
    missing = [m for m in ("_verdict", "_build") if not hasattr(clf, m)]
    if missing:
        raise RuntimeError(f"Classifier has no {', '.join(missing)}: classify's stages "
                           "changed; update STAGES and stage_breakdown in benchmarks/run.py")
    verdict_of, build = clf._verdict, clf._build
    pc = time.perf_counter
    totals = [0.0] * len(STAGES)
    reasons_total = 0.0
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
        verdict = verdict_of(tokens, values)
        t5 = pc()
        result = build(verdict, evidence)
        t6 = pc()
        result.reasons  # noqa: B018  # built on access: that is what is timed
        t7 = pc()
        if n >= budget.warmup:
            for i, dt in enumerate((t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
                totals[i] += dt
            reasons_total += t7 - t6
        n += 1
        if n > budget.warmup and _enough(n - budget.warmup, t7 - start, budget):
            break
    n -= budget.warmup
    whole = sum(totals)
    return {"backend": backend(), "core": core_status(), "n": n,
            "total_us": round(whole / n * 1e6, 3),
            "stages": {name: {"mean_us": round(t / n * 1e6, 3), "share": round(t / whole, 4)}
                       for name, t in zip(STAGES, totals, strict=True)},
            "on_access": {"reasons": {"mean_us": round(reasons_total / n * 1e6, 3),
                                      "vs_total": round(reasons_total / whole, 4)}}}


def child_variants(child: str, model: Path, texts: list[str], budget: Budget,
                   pipeline: Path | None) -> dict[str, dict]:
    """A child's variants (``CHILD_VARIANTS``) and its reruns of the baselines
    (``CHILDREN``), each with the core this process runs."""
    from smsclf.classifier import Classifier
    from smsclf.normalize import normalize
    from smsclf.tokenize import backend, words

    clf = Classifier.load(model)
    clf.warm_up()
    name, core = backend(), core_status()
    if child == "jieba" and name != "jieba":
        raise RuntimeError(f"expected the jieba tokenizer, got {name}")
    if child == "pure" and core_name(core) != "pure":
        raise RuntimeError(f"expected the pure-Python core with SMSCLF_PURE=1, got {core}")
    steps: dict[str, Callable[[], dict]] = {
        "classify_jieba": lambda: time_each(clf.classify, texts, budget),
        "tokenize_jieba": lambda: time_each(lambda t: words(normalize(t).text), texts, budget),
        "classify_pure": lambda: time_each(clf.classify, texts, budget),
        "classify_pure_reasons": lambda: time_each(lambda t: clf.classify(t).reasons, texts,
                                                   budget),
        "classify_many_1_pure": lambda: time_batch(lambda b: clf.classify_many(b, n_jobs=1),
                                                   texts, budget),
    }
    out: dict[str, dict] = {"variants": {}, "baselines": {}}
    for key in CHILD_VARIANTS[child]:
        _log(f"{key} (child {child}: {name}, {core_name(core)} core)")
        out["variants"][key] = {**steps[key](), "backend": name, "process": child,
                                "core": core}
    wanted = CHILDREN[child][1]
    if wanted and pipeline is not None:
        with open(pipeline, "rb") as f:  # written by this benchmark's parent process
            pipe = pickle.load(f)
        for key, figures in pipeline_timings(pipe, texts, budget, wanted).items():
            out["baselines"][key] = {**figures, "process": child, "core": core}
    return out


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
                              "backend": "jieba", "process": "main", "core": core_status()}}


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


def fit_pipeline(limit: int | None):
    """The plain scikit-learn pipeline, fitted on the training split.  One C only: the
    cost of ``predict_proba`` does not depend on it."""
    from smsclf.baselines import PlainPipeline

    _log("fitting the plain pipeline")
    return PlainPipeline(c_grid=(10.0,)).fit(*pipeline_data(limit))


def pipeline_timings(pipe, texts: list[str], budget: Budget,
                     which: Sequence[str] = ("pipeline_single", "pipeline_batch"),
                     ) -> dict[str, dict]:
    """The baseline variants of a fitted pipeline."""
    steps = {"pipeline_single": lambda: time_each(lambda t: pipe.predict_proba([t]), texts,
                                                  budget),
             "pipeline_batch": lambda: time_batch(pipe.predict_proba, texts, budget)}
    out = {}
    for key in which:
        _log(key)
        out[key] = {**steps[key](), "backend": "jieba (HMM on)"}
    return out


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
from smsclf import accel
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "classify_s": t3 - t2,
                  "vmhwm_mb": hwm, "backend": backend(), "core": accel.status()}))
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


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment for a child: no ``SMSCLF_TOKENIZER`` unless in ``extra``
    (the default tokenizer, as here), ``extra`` set, the checkout importable."""
    env = dict(os.environ)
    env.pop("SMSCLF_TOKENIZER", None)
    env.update(extra or {})
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def _maxrss_bytes(ru_maxrss: int) -> int:
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


def cold_start_once(model: Path, tokenizer: str | None) -> dict[str, Any]:
    """A fresh interpreter imports smsclf and classifies one message: wall time and peak
    RSS (ru_maxrss of that child alone) as seen by a small launcher process."""
    child = [sys.executable, "-c", _COLD_CODE, str(model), COLD_MESSAGE]
    env = _env({"SMSCLF_TOKENIZER": tokenizer} if tokenizer else None)
    proc = subprocess.run([sys.executable, "-c", _LAUNCH_CODE, *child], capture_output=True,
                          text=True, env=env, cwd=ROOT, check=False)
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
    out: dict[str, Any] = {"runs": len(samples), "backend": samples[0]["backend"],
                           "core": samples[0].get("core")}
    for key in ("wall_s", "peak_rss_mb", "vmhwm_mb", "import_s", "load_s", "classify_s"):
        values = [s[key] for s in samples if s.get(key) is not None]
        out[key] = round(statistics.median(values), 4) if values else None
    out["samples"] = [{k: (round(v, 4) if isinstance(v, float) else v)
                       for k, v in s.items() if k != "core"} for s in samples]
    return out


def run_child(child: str, model: Path, args: argparse.Namespace,
              pipeline: Path | None) -> dict[str, dict]:
    """A child's variants and baseline reruns (``child_variants``), in a child process with
    the environment of ``CHILDREN``."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", child, "--model",
           str(model), "--n", str(args.n), "--seed", str(args.seed)]
    if pipeline is not None:
        cmd += ["--pipeline", str(pipeline)]
    if args.quick:
        cmd.append("--quick")
    if args.min_seconds is not None:
        cmd += ["--min-seconds", str(args.min_seconds)]
    if args.min_msgs is not None:
        cmd += ["--min-msgs", str(args.min_msgs)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_env(CHILDREN[child][0]),
                          cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"the {child} child failed:\n{proc.stderr}")
    sys.stderr.write(proc.stderr)  # its progress lines
    return json.loads(proc.stdout.strip().splitlines()[-1])


def previous_run(path: Path = RESULTS / "bench.json") -> dict[str, Any] | None:
    """The committed results (the last commit that changed ``path``; the file on disk when
    there is no git checkout), read before this run writes anything."""
    rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    commit = date = None
    text = None
    try:
        log = subprocess.run(["git", "log", "-1", "--format=%H %cI", "--", rel], cwd=ROOT,
                             capture_output=True, text=True, check=True, timeout=30)
        if log.stdout.strip():
            commit, date = log.stdout.split()
            text = subprocess.run(["git", "show", f"{commit}:{rel}"], cwd=ROOT,
                                  capture_output=True, text=True, check=True,
                                  timeout=30).stdout
    except (OSError, subprocess.SubprocessError, ValueError):
        commit = date = text = None
    if text is None:
        if not path.is_file():
            return None
        text = path.read_text(encoding="utf-8")
    try:
        report = json.loads(text)
    except json.JSONDecodeError:
        return None
    return {"source": f"git {commit[:10]}:{rel}" if commit else f"{rel} (uncommitted)",
            "commit": commit, "committed": date, "report": report}


# -- figures, tables, plot ----------------------------------------------------------------


def _same_process(variants: dict[str, dict], baselines: dict[str, dict], a: str, b: str,
                  ) -> tuple[dict, dict]:
    """The figures of ``a`` and ``b``, from one process where one of them was rerun in the
    other's (a child reruns the baselines it is compared with)."""
    fa, fb = variants[a], variants[b]
    pa, pb = fa.get("process", "main"), fb.get("process", "main")
    if pa != pb:
        if b in baselines.get(pa, {}):
            fb = baselines[pa][b]
        elif a in baselines.get(pb, {}):
            fa = baselines[pb][a]
    return fa, fb


def _says_nothing(variants: dict[str, dict], a: str, b: str) -> bool:
    """A comparison of a configuration with itself: without rjieba installed the default
    variants ran on jieba too, and without the compiled core they ran pure-Python too."""
    if b.endswith("_jieba") and not a.endswith("_jieba") \
            and variants[a]["backend"] != "rjieba":
        return True
    return "_pure" in b and "_pure" not in a and core_name(variants[a].get("core")) != "compiled"


def _reference(variants: dict[str, dict], baselines: dict[str, dict], process: str,
               ) -> dict | None:
    """The ``pipeline_single`` run in ``process``: the main one's, or a child's rerun."""
    if process == "main":
        return variants.get("pipeline_single")
    return baselines.get(process, {}).get("pipeline_single")


def ratios(variants: dict[str, dict], baselines: dict[str, dict] | None = None,
           ) -> dict[str, dict]:
    """Every ratio of RATIOS whose two variants were measured: from one process where a
    baseline was rerun there (``same_process``); else each rate is first taken against the
    ``pipeline_single`` of its own process (``normalised``), the raw ratio kept as ``raw``."""
    baselines = baselines or {}
    out = {}
    for name, what, a, b, kind in RATIOS:
        if kind == "cpu":  # a CPU time a message over a time a message, both of this process
            fa, fb = variants.get(a, {}), variants.get(b, {})
            if "client_cpu_us" in fa and fb.get("msgs_per_s"):
                out[name] = {"value": round(fa["client_cpu_us"] * fb["msgs_per_s"] / 1e6, 4),
                             "what": what, "of": [a, b], "processes": ["main", "main"],
                             "same_process": True}
            continue
        if a in variants and b in variants and not _says_nothing(variants, a, b):
            fa, fb = _same_process(variants, baselines, a, b)
            ra, rb = fa["msgs_per_s"], fb["msgs_per_s"]
            pa, pb = fa.get("process", "main"), fb.get("process", "main")
            row: dict[str, Any] = {"what": what, "of": [a, b], "processes": [pa, pb],
                                   "same_process": pa == pb}
            if pa != pb:
                ref_a, ref_b = (_reference(variants, baselines, p) for p in (pa, pb))
                raw = ra / rb if kind == "rate" else rb / ra
                row.update(normalised=bool(ref_a and ref_b), raw=round(raw, 4))
                if ref_a and ref_b:
                    ra, rb = ra / ref_a["msgs_per_s"], rb / ref_b["msgs_per_s"]
            value = ra / rb if kind == "rate" else rb / ra
            out[name] = {"value": round(value, 4), **row}
    return out


def compare_previous(previous: dict[str, Any] | None, report: dict[str, Any],
                     ) -> dict[str, Any] | None:
    """The previous committed run's figures beside this run's: the pure-Python path's
    speed against the pipeline, and the cold starts.  A comparison across runs (and
    processes): only as good as the two runs are alike, which ``comparable`` says."""
    if previous is None:
        return None
    prev = previous["report"]
    pr, pv = prev.get("ratios", {}), prev.get("variants", {})
    # before the compiled core, classify was the pure-Python path and built its reasons
    before_core = "classify_pure" not in pv and "core" not in pv.get("classify", {})
    figures: dict[str, dict] = {}
    for key in ("classify_pure_vs_pipeline_single", "classify_pure_reasons_vs_pipeline_single"):
        if key in pr:
            figures[key] = {"previous": pr[key]["value"], "from": key}
        elif before_core and "classify_vs_pipeline_single" in pr:
            figures[key] = {"previous": pr["classify_vs_pipeline_single"]["value"],
                            "from": "classify_vs_pipeline_single"}
        if key in figures:
            now = report["ratios"].get(key, {}).get("value")
            figures[key]["now"] = now
    cold: dict[str, dict] = {}
    for name, f in prev.get("cold_start", {}).items():
        for field in ("wall_s", "peak_rss_mb"):
            now = report["cold_start"].get(name, {}).get(field)
            cold[f"{name}.{field}"] = {"previous": f.get(field), "now": now}
    why_not = []
    if prev.get("corpus", {}).get("fingerprint") != report["corpus"]["fingerprint"]:
        why_not.append("another corpus")
    if bool(prev.get("config", {}).get("quick")) != bool(report["config"]["quick"]):
        why_not.append("quick run beside a full one")
    pm, m = prev.get("machine", {}), report["machine"]
    if (pm.get("cpu"), pm.get("cpu_count")) != (m.get("cpu"), m.get("cpu_count")):
        why_not.append("another machine")
    return {"source": previous["source"], "commit": previous["commit"],
            "committed": previous["committed"], "started": prev.get("config", {}).get("started"),
            "loadavg": {k: prev.get("config", {}).get(k)
                        for k in ("loadavg_before", "loadavg_after")},
            "before_compiled_core": before_core, "comparable": not why_not,
            "not_comparable_because": why_not, "figures": figures, "cold_start": cold}


def targets(r: dict[str, dict], cold: dict[str, dict], variants: dict[str, dict] | None = None,
            previous: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The speed targets, pass/fail (None when a figure could not be measured or compared).
    Every threshold is the issue's; only the pure-Python one is the previous run's figure."""
    def get(d: dict, key: str, field: str) -> float | None:
        return d[key][field] if key in d else None

    tok = (variants or {}).get("tokenize", {}).get("backend", "rjieba")
    tok_note = "rjieba" if tok == "rjieba" else f"{tok}: rjieba not installed"
    rows: list[tuple[str, float | None, str, float | None, str, str]] = [
        ("single `classify` ≥ 10× the plain per-message pipeline",
         get(r, "classify_vs_pipeline_single", "value"), ">=", 10.0, "×", "same process"),
        ("`classify_many(n_jobs=1)` ≥ 2× the plain pipeline's batch `predict_proba`",
         get(r, "classify_many_1_vs_pipeline_batch", "value"), ">=", 2.0, "×", "same process"),
        (f"`classify_many(n_jobs=1)` ≥ 50 % of the tokenizer-alone rate ({tok_note})",
         get(r, "classify_many_1_vs_tokenize", "value"), ">=", 0.5, "×", "same process"),
        ("`classify_many(n_jobs=2)` ≥ 1.8× `classify_many(n_jobs=1)`",
         get(r, "classify_many_2_vs_1", "value"), ">=", 1.8, "×", "same process"),
    ]
    fig = (previous or {}).get("figures", {}).get("classify_pure_vs_pipeline_single")
    if fig:
        when = (previous.get("started") or previous.get("committed") or "?")[:10]
        commit = previous["commit"][:7] if previous.get("commit") else "uncommitted"
        ok = previous["comparable"]
        rows.append((f"pure-Python path no slower than before: `classify_pure` ÷ "
                     f"`pipeline_single` ≥ the previous run's {fig['previous']:.2f}× "
                     f"({when}, {commit})", fig["now"], ">=", fig["previous"], "×",
                     "across runs" + ("" if ok else " — not comparable: "
                                      + ", ".join(previous["not_comparable_because"]))))
    else:
        rows.append(("pure-Python path no slower than before: `classify_pure` ÷ "
                     "`pipeline_single` ≥ the previous run's", get(
                         r, "classify_pure_vs_pipeline_single", "value"), ">=", None, "×",
                     "across runs — no previous figure"))
    rows += [
        ("cold start, jieba: wall < 1.2 s", get(cold, "jieba", "wall_s"), "<", 1.2, "s",
         "absolute"),
        ("cold start, jieba: peak RSS < 130 MB", get(cold, "jieba", "peak_rss_mb"), "<", 130.0,
         "MB", "absolute"),
        ("cold start, rjieba: wall < 0.4 s", get(cold, "rjieba", "wall_s"), "<", 0.4, "s",
         "absolute"),
        ("cold start, rjieba: peak RSS < 80 MB", get(cold, "rjieba", "peak_rss_mb"), "<", 80.0,
         "MB", "absolute"),
    ]
    ops = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}
    out = []
    for t, v, op, lim, unit, how in rows:
        met = None if v is None or lim is None else bool(ops[op](v, lim))
        if how.startswith("across runs") and not (previous or {}).get("comparable"):
            met = None
        out.append({"target": t, "value": v, "op": op, "limit": lim, "unit": unit,
                    "compared": how, "pass": met})
    return out


def budget_notes(report: dict[str, Any]) -> list[str]:
    """For each unmet speed target: the time a message may take to meet it, beside the
    stages that take it (all computed from this run's figures)."""
    st, v = report.get("stages"), report["variants"]
    met = {t["target"]: t["pass"] for t in report["targets"]}
    if not st:
        return []
    us = {k: f["mean_us"] for k, f in st["stages"].items()}

    def unmet(prefix: str) -> bool:
        return any(t.startswith(prefix) and p is False for t, p in met.items())

    def rate(name: str) -> float | None:
        return v[name]["msgs_per_s"] if name in v else None

    def over(budget: float, parts: list[str], what: str) -> str:
        alone = [(k, us[k]) for k in parts if us[k] > budget]
        if alone:
            names = [f"`{k}` ({x:,.1f} µs)" for k, x in alone]
            if len(names) == 1:
                return f"the stage {names[0]} alone takes more than {what} of {budget:,.1f} µs"
            return (f"the stages {', '.join(names[:-1])} and {names[-1]} each take more than "
                    f"{what} of {budget:,.1f} µs")
        top = sorted(((us[k], k) for k in parts), reverse=True)[:2]
        cut = sum(us[k] for k in parts) - budget
        return (f"{', '.join(parts)} take {sum(us[k] for k in parts):,.1f} µs in all against "
                f"{what} of {budget:,.1f} µs: {cut:,.1f} µs must go (largest: "
                + ", ".join(f"`{k}` {x:,.1f} µs" for x, k in top) + ")")

    notes = []
    rest = [k for k in us if k not in ("normalize", "segment")]
    if unmet("single `classify`") and rate("pipeline_single"):
        budget = 1e6 / (10 * rate("pipeline_single"))
        notes.append(f"10× the per-message pipeline (a tenth of its "
                     f"{1e6 / rate('pipeline_single'):,.1f} µs): " + over(
                         budget, list(us), "the whole budget"))
    if unmet("`classify_many(n_jobs=1)` ≥ 2×") and rate("pipeline_batch"):
        budget = 1e6 / (2 * rate("pipeline_batch"))
        notes.append(f"2× the pipeline's batch (half its {1e6 / rate('pipeline_batch'):,.1f} µs "
                     "a message; the stage times are those of one-by-one classify): "
                     + over(budget, list(us), "the whole budget"))
    if unmet("`classify_many(n_jobs=1)` ≥ 50 %") and rate("tokenize"):
        budget = 1e6 / (0.5 * rate("tokenize"))
        left = budget - us["normalize"] - us["segment"]
        head = (f"50 % of the tokenizer's rate: a budget of {budget:,.1f} µs a message "
                f"(twice the tokenizer's {budget / 2:,.1f} µs alone); inside classify, "
                f"normalize and segment take {us['normalize'] + us['segment']:,.1f} µs")
        notes.append(head + (f" of it, which leaves {left:,.1f} µs: "
                             + over(left, rest, "what is left") if left > 0 else
                             ", more than the whole budget by themselves"))
    if unmet("`classify_many(n_jobs=2)`") and rate("classify_many_1") and \
            rate("classify_many_2"):
        cpus = report["machine"].get("cpus_usable", report["machine"].get("cpu_count"))
        notes.append(f"n_jobs=2: {1e6 / rate('classify_many_2'):,.1f} µs a message against "
                     f"{1e6 / rate('classify_many_1'):,.1f} µs with n_jobs=1, on {cpus} usable "
                     "CPUs shared by the two workers and the parent, which rebuilds their "
                     f"results (the result stage: {us['result']:,.1f} µs a message)")
    return notes


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


def _loads(config: dict[str, Any]) -> str:
    """The load average before → after a run, or ''."""
    loads = [x[0] for x in (config.get("loadavg_before"), config.get("loadavg_after")) if x]
    return " → ".join(f"{x:.2f}" for x in loads)


def _load_note(config: dict[str, Any], machine: dict[str, Any] | None = None) -> str:
    """The load average of the run; a warning when it exceeded the CPUs (the run itself
    keeps about one busy): other work then competed with the figures."""
    if not _loads(config):
        return ""
    note = f", load average {_loads(config)}"
    cpus = (machine or {}).get("cpus_usable") or (machine or {}).get("cpu_count")
    peak = max(x[0] for x in (config.get("loadavg_before"), config.get("loadavg_after")) if x)
    if cpus and peak > cpus:
        note += (f" — **busy machine** (load above its {cpus} CPUs): other work competed with "
                 "the run, and the figures carry it")
    return note


def _core_note(report: dict[str, Any]) -> str:
    """A warning when processes that should run the same core did not (all but the pure
    child): the code changed while the benchmark ran, or a build is missing somewhere."""
    same = {name: status for name, status in report.get("core", {}).items()
            if status and name != "pure child"}
    if len({tuple(sorted(status.items())) for status in same.values()}) <= 1:
        return ""
    return (" — **its processes ran different cores** (the code changed during the run?): "
            + "; ".join(f"{name}: {core_name(status)} ({', '.join(sorted(status))})"
                        for name, status in same.items()))


def _pct(now: float | None, before: float | None) -> str:
    if now is None or not before:
        return "n/a"
    return f"{now / before - 1:+.0%}"


def markdown(report: dict[str, Any]) -> str:
    """The results as Markdown: throughput, ratios, stages, cold start, across runs,
    targets."""
    v, m, c = report["variants"], report["machine"], report["corpus"]
    reruns = report.get("baselines_rerun", {})
    base = v.get("pipeline_single", {}).get("msgs_per_s")
    lines = [
        f"{c['n']:,} messages (seed {c['seed']}, from `{c['source']}`), "
        f"{m.get('cpu', m['machine'])}, {m['cpu_count']} CPUs, Python {m['python']}"
        f"{' — quick run' if report['config']['quick'] else ''}"
        f"{_load_note(report['config'], m)}{_core_note(report)}. "
        "Ratios are against the plain pipeline's per-message `predict_proba` of the same "
        "process: the child processes (`SMSCLF_TOKENIZER=jieba`, `SMSCLF_PURE=1`) rerun it.",
        "",
        "| variant | what | process | core | msgs/s | p50 µs | p99 µs | × pipeline per message |",
        "|---|---|---|---|--:|--:|--:|--:|",
    ]
    for name, (_, what) in VARIANTS.items():
        if name not in v:
            continue
        f = v[name]
        ref = reruns.get(f.get("process", "main"), {}).get("pipeline_single", {}).get(
            "msgs_per_s", base)
        ratio = f"{f['msgs_per_s'] / ref:.2f}×" if ref else "n/a"
        lines.append(f"| `{name}` | {what} | {f.get('process', 'main')} | "
                     f"{core_name(f.get('core'))} | {_fmt(f['msgs_per_s'])} | "
                     f"{_fmt(f.get('p50_us'))} | {_fmt(f.get('p99_us'))} | {ratio} |")
    again = [f"{_fmt(b['msgs_per_s'])} msgs/s in the {child} child "
             f"({b['msgs_per_s'] / base:.2f}× the main process's)"
             for child, bs in reruns.items() for key, b in bs.items()
             if key == "pipeline_single" and base]
    if again:
        lines += ["", f"`pipeline_single` rerun in the children: {', '.join(again)}; main "
                  f"process: {_fmt(base)} msgs/s.  The same code on the same messages: how "
                  "far these are from 1.00× is the noise between processes of this run."]
    lines += ["", "| ratio | value |", "|---|--:|"]
    for r in report["ratios"].values():
        across = "" if r.get("same_process", True) else \
            f" — across processes ({' ÷ '.join(r['processes'])})" + (
                f", each against its own `pipeline_single` (the rates alone: {r['raw']:.3f})"
                if r.get("normalised") else "")
        lines.append(f"| {r['what']}{across} | {r['value']:.3f} |")
    lines += _dask_table(v, base)
    st = report.get("stages")
    if st:
        lines += ["", f"Where a `classify` call's time goes ({st['backend']}, "
                  f"{core_name(st.get('core'))} core; each stage timed in place, "
                  f"{st['n']:,} calls, {_fmt(st['total_us'])} µs a message in all):",
                  "", "| stage | what | µs a message | share |", "|---|---|--:|--:|"]
        for name, f in st["stages"].items():
            lines.append(f"| {name} | {STAGES[name]} | {_fmt(f['mean_us'])} | "
                         f"{f['share']:.0%} |")
        for name, f in st.get("on_access", {}).items():
            lines.append(f"| *{name}, on access* | {ON_ACCESS[name]} (not part of classify) | "
                         f"{_fmt(f['mean_us'])} | +{f['vs_total']:.0%} |")
        notes = report.get("notes") or []
        if notes:
            lines += ["", "What an unmet target leaves a message (computed from the figures "
                      "above):", ""] + [f"- {n}" for n in notes]
    cold = report["cold_start"]
    if cold:
        ref = cold.get("jieba", {}).get("wall_s")
        lines += ["", f"Cold start (fresh process: import, load the model, classify one message; "
                  f"median of {next(iter(cold.values()))['runs']}):", "",
                  "| tokenizer | core | wall | × jieba | peak RSS | import | load | "
                  "first classify |", "|---|---|--:|--:|--:|--:|--:|--:|"]
        for name, f in cold.items():
            rel = f"{f['wall_s'] / ref:.2f}×" if ref else "n/a"
            lines.append(f"| {name} | {core_name(f.get('core'))} | {_fmt(f['wall_s'], 's')} | "
                         f"{rel} | {_fmt(f['peak_rss_mb'], 'MB')} | {_fmt(f['import_s'], 's')} | "
                         f"{_fmt(f['load_s'], 's')} | {_fmt(f['classify_s'], 's')} |")
    prev = report.get("previous")
    if prev:
        caveat = "" if prev["comparable"] else \
            f" — **not comparable**: {', '.join(prev['not_comparable_because'])}"
        loads = ""
        if _loads(prev.get("loadavg") or {}) and _loads(report["config"]):
            loads = (f" Load average then {_loads(prev['loadavg'])}, "
                     f"now {_loads(report['config'])}.")
        lines += ["", f"Across runs: this run beside the previous results "
                  f"(`{prev['source']}`, run {(prev.get('started') or '?')[:10]}){caveat}. "
                  "Each run's figure is a ratio within its own run, but the two runs are "
                  f"separate: machine load and the model may differ.{loads}", "",
                  "| figure | this run | previous run | change |", "|---|--:|--:|--:|"]
        for key, f in prev["figures"].items():
            what = next(r[1] for r in RATIOS if r[0] == key)
            src = "" if f["from"] == key else \
                f" (previously `{f['from']}`: classify was pure-Python and built its reasons)"
            lines.append(f"| {what}{src} | {_fmt(f['now'], '×')} | "
                         f"{_fmt(f['previous'], '×')} | {_pct(f['now'], f['previous'])} |")
        for key, f in prev["cold_start"].items():
            name, field = key.split(".")
            unit = "s" if field == "wall_s" else "MB"
            label = "wall" if field == "wall_s" else "peak RSS"
            lines.append(f"| cold start, {name}: {label} | {_fmt(f['now'], unit)} | "
                         f"{_fmt(f['previous'], unit)} | {_pct(f['now'], f['previous'])} |")
    lines += ["", "| target | compared | measured | met |", "|---|---|--:|:-:|"]
    for t in report["targets"]:
        met = {True: "✅ yes", False: "❌ no", None: "n/a"}[t["pass"]]
        lines.append(f"| {t['target']} | {t['compared']} | {_fmt(t['value'], t['unit'])} | "
                     f"{met} |")
    return "\n".join(lines)


def _dask_table(v: dict[str, dict], base: float | None) -> list[str]:
    """The Dask rows beside classify_many: speed against the baselines of this process, and
    the CPU the client (with the LocalCluster's scheduler) spends a message."""
    names = [n for n in ("classify_many_1", "classify_many_2", *DASK_VARIANTS) if n in v]
    if not any(n in v for n in DASK_VARIANTS) or "classify_many_1" not in v:
        return []
    one = v["classify_many_1"]
    lines = ["", "Dask (`smsclf.dask` on a `distributed.LocalCluster` of worker processes of one "
             "thread each, started, and the model loaded in each worker, before the timing; "
             f"{DASK_PARTITION} messages a partition, at least 2 a worker; the results are "
             "computed back into the benchmark process).  *Client CPU* is that process's CPU "
             "(user + system, all threads — the LocalCluster's scheduler runs there too) "
             "during the timed calls, a message; for `classify_many(n_jobs=2)`, the parent "
             "process's.  Ratios are against `classify_many(n_jobs=1)` of the same process, "
             "whose µs a message is one process doing all the work:", "",
             "| variant | workers | msgs/s | × pipeline per message | ÷ classify_many(1) | "
             "client CPU µs/msg | ÷ classify_many(1) µs/msg | workers' CPU µs/msg | "
             "model loads per worker |", "|---|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for name in names:
        f = v[name]
        workers = f.get("workers", {"classify_many_1": 0, "classify_many_2": 2}.get(name))
        cpu = f.get("client_cpu_us")
        share = f"{cpu / one['mean_us']:.2f}" if cpu is not None else "n/a"
        loads = ", ".join(map(str, f["model_loads"])) if "model_loads" in f else "—"
        lines.append(
            f"| `{name}` | {workers or '— (in-process)'} | {_fmt(f['msgs_per_s'])} | "
            f"{_fmt(f['msgs_per_s'] / base, '×') if base else 'n/a'} | "
            f"{_fmt(f['msgs_per_s'] / one['msgs_per_s'], '×')} | {_fmt(cpu)} | {share} | "
            f"{_fmt(f.get('workers_cpu_us'))} | {loads} |")
    return lines


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
    p.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    p.add_argument("--pipeline", help=argparse.SUPPRESS)  # a child's pickled baseline
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
    if args.child:
        pipeline = Path(args.pipeline) if args.pipeline else None
        print(json.dumps(child_variants(args.child, model, texts, budget, pipeline)))
        return 0
    if not (model / "manifest.json").is_file():
        print(f"benchmarks/run.py: no model in {model} (train one, or give --model DIR or "
              "SMSCLF_BENCH_MODEL)", file=sys.stderr)
        return 2
    previous = previous_run()  # before anything is written
    started = time.time()
    load_before = _loadavg()
    variants = smsclf_variants(model, texts, budget)
    _log("classify's stages, timed in place")
    stages = stage_breakdown(model, texts, budget)
    variants.update(raw_jieba_variant(texts, budget))
    pipe = fit_pipeline(300 if args.quick else None)
    variants.update({k: {**f, "process": "main", "core": core_status()}
                     for k, f in pipeline_timings(pipe, texts, budget).items()})
    reruns: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="smsclf-bench-") as tmp:
        pickled = Path(tmp) / "pipeline.pkl"  # the children rerun this very pipeline
        with open(pickled, "wb") as f:
            pickle.dump(pipe, f, protocol=pickle.HIGHEST_PROTOCOL)
        del pipe
        for child, (env, _) in CHILDREN.items():
            if child == "jieba" and "classify_jieba" in variants:
                continue  # no rjieba: the default variants ran on jieba already
            _log(f"child process: {' '.join(f'{k}={x}' for k, x in env.items())}")
            got = run_child(child, model, args, pickled)
            variants.update(got["variants"])
            reruns[child] = got["baselines"]
    runs = args.cold_runs or (1 if args.quick else 3)
    cold: dict[str, dict] = {}
    for name, tokenizer in (("jieba", "jieba"), ("rjieba", None)):
        _log(f"cold start, {name}")
        result = cold_start(model, tokenizer, runs)
        if result["backend"] == name:  # without rjieba the default run is jieba again
            cold[name] = result
    # last: a LocalCluster leaves threads and imports (numpy, pandas, distributed) in this
    # process, which must not be there while the other variants and the cold starts run
    variants.update(dask_variants(model, texts, budget))
    r = ratios(variants, reruns)
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
        "core": {"main": core_status(), **{f"{child} child": next(
            (f["core"] for f in variants.values() if f.get("process") == child), None)
            for child in reruns}, "classify_many_2 workers":
            variants.get("classify_many_2", {}).get("core"),
            **({"dask workers": variants["dask_bag_2"]["core"]}
               if "dask_bag_2" in variants else {})},
        "variants": {k: variants[k] for k in VARIANTS if k in variants},
        "baselines_rerun": reruns,
        "ratios": r,
        "stages": stages,
        "cold_start": cold,
    }
    report["previous"] = compare_previous(previous, report)
    report["targets"] = targets(r, cold, variants, report["previous"])
    report["notes"] = budget_notes(report)
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
