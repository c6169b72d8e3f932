"""The compiled core and its pure-Python twins give identical results.

Where the compiled modules are not built the comparisons are skipped, unless
``SMSCLF_REQUIRE_COMPILED=1`` (CI sets it), which turns a missing build into a failure.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smsclf import accel, scoring
from smsclf.classifier import Scorer, default_classifier
from smsclf.features import evidence_feature_names, read_message

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"
BENCH_MESSAGES = 10_000


def _compiled_or_skip() -> None:
    states = accel.status()
    if all(s == "compiled" for s in states.values()):
        return
    why = f"compiled core not in use: {states}"
    if os.environ.get("SMSCLF_REQUIRE_COMPILED") == "1":
        pytest.fail(why + " (SMSCLF_REQUIRE_COMPILED=1)")
    pytest.skip(why + "; install with Cython and a C compiler to compare the twins")


def _dataset_texts() -> list[str]:
    files = sorted(DATASETS.glob("*.jsonl")) + sorted((DATASETS / "handwritten").glob("*.jsonl"))
    texts = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            texts.extend(json.loads(line)["text"] for line in f if line.strip())
    return texts


#: every data-set message and the benchmark corpus, as the bench suite builds it
_DUMP = """
import json, sys
sys.path.insert(0, {bench!r})
from corpus import corpus
import smsclf
texts = json.load(open({data!r}, encoding="utf-8")) + corpus({n})
with open({out!r}, "w", encoding="utf-8") as f:
    for text in texts:
        f.write(json.dumps(smsclf.classify(text).to_dict(), ensure_ascii=False,
                           sort_keys=True) + "\\n")
"""


def _dump(tmp_path: Path, name: str, env: dict[str, str]) -> subprocess.Popen:
    data = tmp_path / "texts.json"
    if not data.exists():
        data.write_text(json.dumps(_dataset_texts(), ensure_ascii=False), encoding="utf-8")
    code = _DUMP.format(bench=str(ROOT / "benchmarks"), data=str(data), n=BENCH_MESSAGES,
                        out=str(tmp_path / name))
    return subprocess.Popen([sys.executable, "-c", code], env={**os.environ, **env},
                            stderr=subprocess.PIPE, text=True)


def test_classify_is_identical_on_every_message_compiled_or_pure(tmp_path):
    """The whole path, ``to_dict()`` compared as JSON, on every data-set message and the
    10,000-message benchmark corpus: one process compiled, one with SMSCLF_PURE=1."""
    _compiled_or_skip()
    pure = _dump(tmp_path, "pure.jsonl", {"SMSCLF_PURE": "1"})
    compiled = _dump(tmp_path, "compiled.jsonl", {"SMSCLF_PURE": "0"})
    for proc in (pure, compiled):
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    a = (tmp_path / "pure.jsonl").read_text(encoding="utf-8").splitlines()
    b = (tmp_path / "compiled.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(a) == len(b) == len(_dataset_texts()) + BENCH_MESSAGES
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    assert not differ, f"{len(differ)} messages differ, the first: {a[differ[0]]} / {b[differ[0]]}"


def test_scoring_kernels_agree_to_the_bit_on_every_data_set_message():
    _compiled_or_skip()
    clf = default_classifier()
    assert type(clf._scorer) is Scorer and Scorer is not scoring.Scorer
    n_repeats = 0
    for text in _dataset_texts():
        _, _, tokens, values = read_message(text)
        want = clf._pure.score(tokens, values)
        got = clf._scorer.score(tokens, values)
        assert got == want, text
        n_repeats += want[1] is not None
    assert n_repeats > 100  # the tf path (a term more than once) is exercised


@st.composite
def _messages(draw):
    clf = default_classifier()
    vocab = clf.linear.vocabulary
    words = st.one_of(st.sampled_from([v[2:] for v in vocab if v.startswith("w:")]),
                      st.text(max_size=3))
    tokens = draw(st.lists(words, max_size=40))
    if tokens and draw(st.booleans()):  # repeated terms: the tf path
        tokens += draw(st.lists(st.sampled_from(tokens), max_size=10))
    names = sorted(draw(st.sets(st.sampled_from(evidence_feature_names()), max_size=12)))
    values = st.floats(-20, 20, allow_nan=False) | st.just(1.0)
    return tokens, {n: draw(values) for n in names}


@settings(max_examples=300, deadline=None)
@given(_messages())
def test_scoring_kernels_agree_to_the_bit_on_any_tokens(message):
    _compiled_or_skip()
    clf = default_classifier()
    tokens, values = message
    want = clf._pure.score(tokens, values)
    assert clf._scorer.score(tokens, values) == want
    assert math.isclose(sum(want[3]), 1.0, rel_tol=1e-12)


@pytest.mark.parametrize("n_tokens", [0, 1, 2, 255, 256, 257, 1000, 6000])
def test_scoring_kernels_agree_on_messages_of_any_length(n_tokens):
    """Short messages are scored on the stack, long ones on the heap: both agree."""
    _compiled_or_skip()
    clf = default_classifier()
    words = sorted(clf._unigrams)
    tokens = [words[(i * 7919) % len(words)] if i % 3 else "不在词表" for i in range(n_tokens)]
    tokens += tokens[: n_tokens // 4]  # some terms more than once
    assert clf._scorer.score(tokens, {}) == clf._pure.score(tokens, {})


def test_the_compiled_kernel_refuses_tables_it_cannot_index():
    _compiled_or_skip()
    with pytest.raises(ValueError, match="out of range"):
        Scorer({"a": 5}, {}, [[0.0] * 3], [1.0] * 3, [0.0], {})
    with pytest.raises(ValueError, match="one weight a vocabulary term"):
        Scorer({"a": 0}, {}, [[0.0] * 2], [1.0] * 3, [0.0], {})
    with pytest.raises(ValueError, match="one intercept a label"):
        Scorer({"a": 0}, {}, [[0.0] * 3], [1.0] * 3, [0.0, 1.0], {})


def test_pure_can_be_forced_and_says_so(monkeypatch):
    monkeypatch.setenv(accel.PURE_ENV, "1")
    for name in accel.MODULES:
        assert accel.compiled(name) is None
    assert set(accel.status().values()) == {"pure: SMSCLF_PURE=1"}
    assert accel.summary() == "pure-Python core: SMSCLF_PURE=1"
    monkeypatch.setenv(accel.PURE_ENV, "0")
    for name in accel.MODULES:  # the status follows the last look-up
        accel.compiled(name)
    assert set(accel.status().values()) <= {"compiled", "pure: not built"}


def test_a_build_of_other_sources_is_refused(monkeypatch):
    _compiled_or_skip()
    monkeypatch.delenv(accel.PURE_ENV, raising=False)
    monkeypatch.setitem(accel.MODULES, "_cscore", accel.MODULES["_cscore"] + 1)
    assert accel.compiled("_cscore") is None
    assert accel.status()["_cscore"].startswith("pure: stale build")
    monkeypatch.undo()
    assert accel.compiled("_cscore") is not None


def test_unknown_module_is_an_error():
    with pytest.raises(KeyError, match="no compiled module"):
        accel.compiled("_cnothing")


def test_info_reports_the_core():
    import smsclf

    info = smsclf.info()
    assert info["version"] == smsclf.__version__
    assert set(info["modules"]) == set(accel.MODULES)
    assert info["core"] == ("compiled" if all(s == "compiled" for s in info["modules"].values())
                            else "pure")
