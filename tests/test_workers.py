"""Worker processes of ``classify_many``: never a stale model, never outliving the parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smsclf.classifier import Classifier
from smsclf.train import train_model

TEXTS = ["【法务部】你已逾期90天，今天不还就起诉你，联系13912345678",
         "（2024）京0105民初12345号案件定于2025年1月3日开庭，咨询12368",
         "您的验证码是123456", "周末一起吃饭吗"] * 150


def test_replaced_model_folder_is_not_served_from_the_workers_cache(
        small_train_file, small_dev_file, tmp_path):
    folder = tmp_path / "m"
    train_model([str(small_train_file)], str(folder), dev=[str(small_dev_file)],
                c_grid=(3.0,), scales=(1.0,))
    first = Classifier.load(folder)
    before = first.classify_many(TEXTS, n_jobs=2, chunk_size=100)  # workers cache it
    train_model([str(small_train_file)], str(folder), dev=[str(small_dev_file)],
                c_grid=(0.3,), scales=(2.0,))  # a different model in the same folder
    second = Classifier.load(folder)
    assert second.fingerprint != first.fingerprint
    served = second.classify_many(TEXTS, n_jobs=2, chunk_size=100)
    assert [r.probabilities for r in served] == [second.classify(t).probabilities for t in TEXTS]
    assert [r.probabilities for r in served] != [r.probabilities for r in before]
    # the first object still gets its own model's verdicts from workers that cached it (a
    # worker that must load the folder anew refuses instead: see the next test)
    again = first.classify_many(TEXTS, n_jobs=2, chunk_size=100)
    assert [r.probabilities for r in again] == [r.probabilities for r in before]


def test_a_worker_refuses_a_folder_whose_model_changed(small_model):
    from smsclf.classifier import _classify_chunk
    from smsclf.model import ModelError

    clf = Classifier.load(small_model)
    assert len(_classify_chunk(str(small_model), clf.fingerprint, TEXTS[:3])) == 3
    with pytest.raises(ModelError, match="changed since it was loaded"):
        _classify_chunk(str(small_model), "another model's fingerprint", TEXTS[:3])


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_workers_exit_when_the_parent_is_killed():
    code = ("import sys, smsclf\n"
            "texts = ['【法务部】你已逾期，今天不还就起诉你'] * 200000\n"
            "print('start', flush=True)\n"
            "smsclf.classify_many(texts, n_jobs=2)\n")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout.readline().strip() == "start"
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while time.monotonic() < deadline:  # wait until both workers run
            workers = [c for c in _children(parent.pid)
                       if "loky" in Path(f"/proc/{c}/cmdline").read_bytes().decode(
                           errors="replace")]
            if len(workers) >= 2:
                break
            time.sleep(0.2)
        assert len(workers) >= 2, "the workers did not start"
        time.sleep(1.0)  # let them take work
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(map(_alive, workers)):
            time.sleep(0.2)
        left = [w for w in workers if _alive(w)]
        for w in left:
            os.kill(w, signal.SIGKILL)
        assert not left, f"workers {left} outlived their parent"
    finally:
        if parent.poll() is None:
            parent.kill()
