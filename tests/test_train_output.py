"""``train --out``: nothing a user owns is destroyed, and a crash at any point leaves the old
model or the new one."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smsclf.classifier import Classifier
from smsclf.cli import main
from smsclf.safe_write import OutputError, clean_stale, holds_model, write_model_dir
from smsclf.train import train_model

FAST = ["--C", "3", "--evidence-scale", "1"]


def _train_args(train_file, dev_file, out) -> list[str]:
    return ["train", "--data", str(train_file), "--dev", str(dev_file), "--out", str(out),
            "--quiet", *FAST]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_folder_that_is_not_a_model_is_refused(small_train_file, small_dev_file, tmp_path,
                                                 capsys):
    d = tmp_path / "d"
    d.mkdir()
    (d / "thesis.docx").write_text("x")
    assert main(_train_args(small_train_file, small_dev_file, d)) == 2
    assert "does not hold a smsclf model" in capsys.readouterr().err
    assert (d / "thesis.docx").read_text() == "x" and sorted(os.listdir(tmp_path)) == ["d"]
    with pytest.raises(OutputError):
        train_model([str(small_train_file)], str(d), dev=[str(small_dev_file)],
                    c_grid=(3.0,), scales=(1.0,))
    # --force hands the folder over
    assert main([*_train_args(small_train_file, small_dev_file, d), "--force"]) == 0
    assert holds_model(d) and not (d / "thesis.docx").exists()
    assert sorted(os.listdir(tmp_path)) == ["d"]


def test_an_existing_file_is_never_replaced(small_train_file, small_dev_file, tmp_path, capsys):
    f = tmp_path / "afile"
    f.write_text("mine")
    for extra in ([], ["--force"]):
        assert main([*_train_args(small_train_file, small_dev_file, f), *extra]) == 2
        assert "is not a folder" in capsys.readouterr().err
    assert f.read_text() == "mine" and sorted(os.listdir(tmp_path)) == ["afile"]


def test_a_model_or_an_empty_folder_is_replaced(small_model, small_train_file, small_dev_file,
                                                tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(_train_args(small_train_file, small_dev_file, empty)) == 0
    model = tmp_path / "model"
    shutil.copytree(small_model, model)
    (model / "manifest.json").write_text((model / "manifest.json").read_text()
                                         .replace('"C": 3.0', '"C": 3.00'))  # a marker
    assert main(_train_args(small_train_file, small_dev_file, model)) == 0
    assert _files(model) == _files(small_model)
    assert sorted(os.listdir(tmp_path)) == ["empty", "model"]  # no temporaries left


def test_model_folder_mode_follows_the_umask(small_train_file, small_dev_file, tmp_path):
    old = os.umask(0o027)
    try:
        assert main(_train_args(small_train_file, small_dev_file, tmp_path / "m")) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "m").stat().st_mode & 0o777 == 0o750
    assert (tmp_path / "m" / "manifest.json").stat().st_mode & 0o777 == 0o640


def test_train_reports_its_stages(small_train_file, small_dev_file, tmp_path, capsys):
    args = [a for a in _train_args(small_train_file, small_dev_file, tmp_path / "m")
            if a != "--quiet"]
    assert main(args) == 0
    err = capsys.readouterr().err
    for stage in ("smsclf train: reading", "smsclf train: features of",
                  "smsclf train: grid point 1/1: C=3", "smsclf train: writing"):
        assert stage in err, err


# -- crashes --------------------------------------------------------------------------------

_CRASH_AT = """
import os, shutil, sys
import smsclf.safe_write as sw

k, fallback, source, out = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3], sys.argv[4]
calls = [0]

def crashing(f):
    def g(*a, **kw):
        calls[0] += 1
        if calls[0] == k:
            os._exit(99)  # dies before its k-th file-system operation
        return f(*a, **kw)
    return g

exchange = sw._exchange_function()
sw._exchange_function = lambda: None if fallback or exchange is None else crashing(exchange)
os.replace, os.chmod, shutil.rmtree = map(crashing, (os.replace, os.chmod, shutil.rmtree))

def write(folder):
    for name in sorted(os.listdir(source)):
        shutil.copyfile(os.path.join(source, name), os.path.join(folder, name))
        crashing(lambda: None)()

sw.write_model_dir(sw.Path(out), write)
"""


@pytest.mark.parametrize("fallback", [False, True], ids=["exchange", "two-renames"])
def test_a_crash_at_any_step_leaves_the_old_or_the_new_model(small_model, tmp_path, fallback):
    old_model, new_model = tmp_path / "old", tmp_path / "new"
    shutil.copytree(small_model, old_model)
    (old_model / "manifest.json").write_text(
        (old_model / "manifest.json").read_text().replace('"C": 3.0', '"C": 3.00'))
    shutil.copytree(small_model, new_model)
    old, new = _files(old_model), _files(new_model)
    outcomes = set()
    for k in range(1, 30):
        work = tmp_path / f"run{k}"
        work.mkdir()
        out = work / "model"
        shutil.copytree(old_model, out)
        proc = subprocess.run([sys.executable, "-c", _CRASH_AT, str(k), "1" if fallback else "0",
                               str(new_model), str(out)], capture_output=True, text=True)
        assert proc.returncode in (0, 99), proc.stderr
        clean_stale(out)  # what the next run does first; the crashed process is gone
        assert out.is_dir(), f"crash before step {k}: the model folder is gone"
        got = _files(out)
        assert got in (old, new), f"crash before step {k}: a mixed or partial model"
        assert sorted(os.listdir(work)) == ["model"], f"step {k}: {os.listdir(work)} left"
        outcomes.add("new" if got == new else "old")
        if proc.returncode == 0:
            break
    else:
        pytest.fail("the write never completed")
    assert outcomes == {"old", "new"}


def test_training_killed_at_random_points(small_model, small_train_file, small_dev_file,
                                          tmp_path):
    """SIGKILL during real runs of ``smsclf train``: the previous model stays whole."""
    out = tmp_path / "model"
    shutil.copytree(small_model, out)
    (out / "manifest.json").write_text(
        (out / "manifest.json").read_text().replace('"C": 3.0', '"C": 3.00'))
    old = _files(out)
    cmd = [sys.executable, "-m", "smsclf",
           *_train_args(small_train_file, small_dev_file, out)]
    for delay in (0.5, 1.5, 2.5, 3.5):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        got = _files(out)
        assert got == old or _files(out) == _files(small_model)
        Classifier.load(out)
    assert subprocess.run(cmd, capture_output=True).returncode == 0
    assert sorted(os.listdir(tmp_path)) == ["model"]  # the next run cleaned up
    assert _files(out) == _files(small_model)


def test_clean_stale_keeps_what_is_not_its_own(tmp_path):
    out = tmp_path / "m"
    out.mkdir()
    keep = [tmp_path / ".m.tmp-notapid-x", tmp_path / ".m.tmp-1", tmp_path / "m.tmp-99999999-x",
            tmp_path / f".m.tmp-{os.getpid()}-x"]  # not the pattern, or a live process
    for p in keep:
        p.mkdir()
    (tmp_path / ".m.tmp-99999999-file").write_text("a file, not a folder")
    stale = tmp_path / ".m.tmp-99999999-abc"
    stale.mkdir()
    assert clean_stale(out) == [stale]
    assert all(p.exists() for p in keep) and (tmp_path / ".m.tmp-99999999-file").exists()


def test_write_model_dir_removes_its_temporary_on_error(tmp_path):
    def failing(folder: Path) -> None:
        (folder / "manifest.json").write_text("{}")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_model_dir(tmp_path / "m", failing)
    assert os.listdir(tmp_path) == []


def test_progress_draws_bars_only_on_a_terminal():
    import io

    from smsclf.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, bars in ((Terminal(), True), (io.StringIO(), False)):
        progress = Progress("smsclf train", stream=stream)
        assert progress.bars is bars
        assert list(progress.bar(range(50), 50, "features")) == list(range(50))
        progress.stage("writing m")
        out = stream.getvalue()
        assert ("0/50 [" in out) is bars and "smsclf train: writing m\n" in out
