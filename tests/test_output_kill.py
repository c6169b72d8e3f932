"""A killed ``smsclf classify --output`` never leaves a half-written output behind: the file
is either the previous complete output or the whole new one."""

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# the documented name of the temporary a killed run can leave beside the output
TEMP = re.compile(r"^\.out\.jsonl\.\d+\.[A-Za-z0-9_]+\.tmp$")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _messages(n: int, tag: str) -> list[str]:
    texts = []
    with open(ROOT / "datasets" / "train.jsonl", encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"].replace("\n", " ").replace("\r", " "))
    return [f"{tag}{i} {texts[i % len(texts)]}" for i in range(n)]


def _run(src: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "smsclf", "classify", "--input", str(src),
                             "--output", str(out), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    """An output holding the complete results of an older input; a new, longer input; the
    complete output of the new input, and how long making it takes."""
    d = tmp_path_factory.mktemp("kill")
    old_src, new_src, out = d / "old.txt", d / "new.txt", d / "out.jsonl"
    old_src.write_text("\n".join(_messages(1500, "old")) + "\n", encoding="utf-8")
    new_texts = _messages(4000, "new")
    new_src.write_text("\n".join(new_texts) + "\n", encoding="utf-8")
    runs = []
    for src, dest in ((old_src, out), (new_src, d / "new.jsonl")):
        started = time.monotonic()
        proc = _run(src, dest)
        assert proc.wait(timeout=60) == 0, proc.stderr.read().decode()
        proc.stderr.close()
        runs.append((dest.read_bytes(), time.monotonic() - started))
    (d / "new.jsonl").unlink()
    (old, _), (new, duration) = runs
    assert len(old.splitlines()) == 1500
    assert [r["text"] for r in map(json.loads, new.splitlines())] == new_texts
    return new_src, out, old, new, duration


@pytest.mark.parametrize("seed", range(6))
def test_sigkill_leaves_old_or_new_output(setting, seed):
    src, out, old, new, duration = setting
    # from the start of Python to the last row: loading, classifying, writing, replacing
    delay = random.Random(seed).uniform(0.1, 0.95) * duration
    proc = _run(src, out)
    time.sleep(delay)
    proc.kill()
    proc.wait(timeout=30)
    proc.stderr.close()
    data = out.read_bytes()
    assert data in (old, new), (f"killed after {delay:.2f}s of {duration:.2f}s: "
                                f"{len(data.splitlines())} rows")
    out.write_bytes(old)  # the next seed starts from the old output again
    for p in out.parent.iterdir():
        if p.name not in ("old.txt", "new.txt", "out.jsonl"):
            assert TEMP.match(p.name), p.name  # the documented name of a leftover
            p.unlink()


def test_sigterm_removes_the_temporary(setting):
    """``kill``/``timeout`` send SIGTERM: the run stops, old output intact, no temporary."""
    src, out, old = setting[:3]
    proc = _run(src, out)
    # wait until the run writes its temporary, then stop it
    deadline = time.monotonic() + 30
    while not any(TEMP.match(p.name) for p in out.parent.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline, "no temporary seen"
        time.sleep(0.005)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 128 + signal.SIGTERM
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert "Traceback" not in err
    assert out.read_bytes() == old
    assert sorted(os.listdir(out.parent)) == ["new.txt", "old.txt", "out.jsonl"]
