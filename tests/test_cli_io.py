"""``smsclf classify --input/--output``: the input is never overwritten, the output is
replaced whole or not at all, and every failure is one line naming the file, exit code 2."""

import errno
import json
import os
import stat
import subprocess
import sys

import pytest

from smsclf.cli import main

FAKE = "【法务部】你已逾期90天，已进入司法程序，今日不处理将通知家人，联系13912345678。"
GENUINE = ("【北京市朝阳区人民法院】张三：（2024）京0105民初12345号案件定于2025年1月3日9时开庭，"
           "咨询12368。")
SMSCLF = [sys.executable, "-m", "smsclf"]


def write_jsonl(path, n, bad_line=None):
    with open(path, "w", encoding="utf-8") as f:
        for i in range(1, n + 1):
            if i == bad_line:
                f.write('{"text": "broken\n')
            else:
                f.write(json.dumps({"text": f"{FAKE} {i}"}, ensure_ascii=False) + "\n")
    return path


@pytest.fixture
def old_output(tmp_path):
    """A complete output of an earlier run, which a failed run must leave as it is."""
    path = tmp_path / "out.jsonl"
    assert main(["classify", "--input", str(write_jsonl(tmp_path / "old.jsonl", 3)),
                 "--output", str(path)]) == 0
    return path, path.read_bytes()


def only_error_line(err: str, *parts: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("smsclf classify: error: "), err
    for part in parts:
        assert part in lines[0], err


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- the output is the input --------------------------------------------------------------

@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_output_that_is_the_input_is_refused(tmp_path, capsys, how):
    src = write_jsonl(tmp_path / "a.jsonl", 20)
    before = src.read_bytes()
    out = tmp_path / "b.jsonl"
    if how == "same":
        out = src
    elif how == "symlink":
        out.symlink_to(src)
    else:
        os.link(src, out)
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 2
    only_error_line(capsys.readouterr().err, str(out), "is the input")
    assert src.read_bytes() == before
    assert leftovers(tmp_path) == []


# -- the old output survives a failed run -------------------------------------------------

def test_bad_line_keeps_the_old_output(tmp_path, capsys, old_output):
    out, old = old_output
    src = write_jsonl(tmp_path / "in.jsonl", 1500, bad_line=1400)  # after the first batch
    assert main(["classify", "--input", str(src), "--output", str(out), "--quiet"]) == 2
    only_error_line(capsys.readouterr().err, f"{src}:1400: not valid JSON")
    assert out.read_bytes() == old
    assert leftovers(tmp_path) == []


def test_interrupt_keeps_the_old_output(tmp_path, capsys, monkeypatch, old_output):
    from smsclf.classifier import Classifier

    out, old = old_output
    calls = []
    real = Classifier.classify_many

    def interrupted(self, texts, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, texts, **kw)

    monkeypatch.setattr(Classifier, "classify_many", interrupted)
    src = write_jsonl(tmp_path / "in.jsonl", 2500)
    try:
        code = main(["classify", "--input", str(src), "--output", str(out), "--quiet"])
    except KeyboardInterrupt:
        code = "KeyboardInterrupt escaped"
    assert code == 130
    assert "Traceback" not in capsys.readouterr().err
    assert out.read_bytes() == old
    assert leftovers(tmp_path) == []


def test_full_disk_keeps_the_old_output(tmp_path, capsys, monkeypatch, old_output):
    """ENOSPC is reported by write, flush or fsync: here fsync, the last chance."""
    out, old = old_output

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    src = write_jsonl(tmp_path / "in.jsonl", 10)
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 2
    only_error_line(capsys.readouterr().err, f"cannot write {out}: No space left on device")
    assert out.read_bytes() == old
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_dev_full_is_written_directly_and_fails_clearly(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", 10)
    assert main(["classify", "--input", str(src), "--output", "/dev/full"]) == 2
    only_error_line(capsys.readouterr().err, "cannot write /dev/full: No space left on device")
    assert os.path.exists("/dev/full") and stat.S_ISCHR(os.stat("/dev/full").st_mode)


# -- output folders that cannot be written ------------------------------------------------

def test_output_in_a_missing_folder(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", 3)
    out = tmp_path / "nope" / "out.jsonl"
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 2
    only_error_line(capsys.readouterr().err, f"cannot write {out}: No such file or directory")


def test_output_under_a_regular_file(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", 3)
    out = src / "out.jsonl"
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 2
    only_error_line(capsys.readouterr().err, f"cannot write {out}: Not a directory")


def test_output_in_a_read_only_folder(tmp_path, capsys, monkeypatch):
    """Tests may run as root, whom chmod does not stop: EACCES is simulated."""
    import tempfile

    def denied(*a, **kw):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    src = write_jsonl(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out.jsonl"
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 2
    only_error_line(capsys.readouterr().err, f"cannot write {out}: Permission denied")
    assert not out.exists()


# -- the new output ------------------------------------------------------------------------

def test_new_output_gets_the_umask_and_an_old_one_keeps_its_mode(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out.jsonl"
    old_umask = os.umask(0o027)
    try:
        assert main(["classify", "--input", str(src), "--output", str(out)]) == 0
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    out.chmod(0o604)
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o604
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


def test_output_through_a_symlink_replaces_its_target(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", 3)
    target = tmp_path / "real.jsonl"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert main(["classify", "--input", str(src), "--output", str(link)]) == 0
    assert link.is_symlink()
    assert len(target.read_text(encoding="utf-8").splitlines()) == 3


def test_output_dash_is_standard_output(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", 3)
    assert main(["classify", "--input", str(src), "--output", "-"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["label"] for r in rows] == ["fake"] * 3
    assert not (tmp_path / "-").exists()


# -- input errors: one line with the file and the line -------------------------------------

def test_non_utf8_input_names_the_line(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_bytes((FAKE + "\n" + GENUINE + "\n").encode() + "诉讼通知\n".encode("gbk"))
    assert main(["classify", "--input", str(src), "--output", str(tmp_path / "o.jsonl")]) == 2
    only_error_line(capsys.readouterr().err,
                    f"{src}:3: not valid UTF-8 (byte 0xcb at column 1)")
    assert not (tmp_path / "o.jsonl").exists()
    assert leftovers(tmp_path) == []


def test_bom_is_ignored_in_every_format(tmp_path, capsys):
    bom = "\ufeff"
    files = {"in.csv": f"{bom}text,id\n{FAKE},1\n", "in.tsv": f"{bom}text\tid\n{FAKE}\t1\n",
             "in.jsonl": bom + json.dumps({"text": FAKE}, ensure_ascii=False) + "\n",
             "in.txt": f"{bom}{FAKE}\n"}
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
        assert main(["classify", "--input", str(tmp_path / name)]) == 0, name
        row = json.loads(capsys.readouterr().out)
        assert row["text"] == FAKE and row["label"] == "fake", name


def test_oversized_csv_field_is_one_error_line(tmp_path, capsys):
    from smsclf.data_io import CSV_FIELD_LIMIT

    src = tmp_path / "in.csv"
    src.write_text(f"text\n{FAKE}\n\"{'x' * (CSV_FIELD_LIMIT + 1)}\"\n", encoding="utf-8")
    assert main(["classify", "--input", str(src), "--output", str(tmp_path / "o.csv")]) == 2
    only_error_line(capsys.readouterr().err,
                    f"{src}:3: field larger than {CSV_FIELD_LIMIT:,} characters")


def test_input_that_is_a_folder(tmp_path, capsys):
    folder = tmp_path / "in.jsonl"
    folder.mkdir()
    assert main(["classify", "--input", str(folder)]) == 2
    only_error_line(capsys.readouterr().err, f"{folder}: is a folder")


def test_other_os_errors_are_one_line(tmp_path, capsys, monkeypatch):
    import smsclf.cli

    def broken(model_dir):
        raise OSError(errno.EIO, os.strerror(errno.EIO), "model.npz")

    monkeypatch.setattr(smsclf.cli, "_classifier", broken)
    assert main(["classify", "x"]) == 2
    only_error_line(capsys.readouterr().err, "model.npz: Input/output error")


# -- standard input and output ------------------------------------------------------------

def test_input_dash_reads_standard_input():
    txt = subprocess.run([*SMSCLF, "classify", "--input", "-"], check=True,
                         input=f"{FAKE}\n{GENUINE}\n".encode(), capture_output=True)
    assert [json.loads(r)["label"] for r in txt.stdout.splitlines()] == ["fake", "genuine"]
    lines = "\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in (GENUINE, FAKE))
    jsonl = subprocess.run([*SMSCLF, "classify", "--input", "-", "--format", "jsonl"],
                           check=True, input=lines.encode(), capture_output=True)
    assert [json.loads(r)["label"] for r in jsonl.stdout.splitlines()] == ["genuine", "fake"]


def test_non_utf8_standard_input_is_one_line():
    proc = subprocess.run([*SMSCLF, "classify", "-"], input="诉讼".encode("gbk"),
                          capture_output=True)
    assert proc.returncode == 2
    only_error_line(proc.stderr.decode(), "<stdin>:1: not valid UTF-8")


def test_closed_pipe_ends_quietly(tmp_path):
    """``smsclf classify --input big | head -1``: no traceback, exit 1 as the Python docs
    recommend (signal, "Note on SIGPIPE")."""
    src = write_jsonl(tmp_path / "in.jsonl", 2000)
    proc = subprocess.Popen([*SMSCLF, "classify", "--input", str(src), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert json.loads(proc.stdout.readline())["label"] == "fake"
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 1
    assert err == ""


def test_closed_pipe_at_exit_ends_quietly():
    """Output small enough to be flushed only at exit, into a pipe closed by then."""
    r, w = os.pipe()
    os.close(r)
    proc = subprocess.run([*SMSCLF, "classify", FAKE, "--json"], stdout=w,
                          stderr=subprocess.PIPE)
    os.close(w)
    assert proc.returncode == 1
    assert proc.stderr.decode() == ""


def test_temporaries_of_dead_runs_are_removed_and_nothing_else(tmp_path):
    """A run killed with SIGKILL leaves ``.NAME.PID.XXXXXXXX.tmp``; the next run removes it
    once that process is gone, and leaves every other name alone."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(done.stdout)
    src = write_jsonl(tmp_path / "in.jsonl", 3)
    stale = f".out.jsonl.{dead}.ab_cd123.tmp"
    kept = [f".out.jsonl.{os.getpid()}.ab_cd123.tmp",  # a run still going
            f".out.jsonl.{dead}.ab_cd12.tmp", f".out.jsonl.{dead}.ab_cd123.tmp.bak",
            f".other.jsonl.{dead}.ab_cd123.tmp", f"out.jsonl.{dead}.ab_cd123.tmp"]
    for name in [stale, *kept]:
        (tmp_path / name).write_text("partial", encoding="utf-8")
    (tmp_path / f".out.jsonl.{dead}.linkto12.tmp").symlink_to(src)  # not a regular file
    assert main(["classify", "--input", str(src), "--output", str(tmp_path / "out.jsonl")]) == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert stale not in names
    assert names == {"in.jsonl", "out.jsonl", *kept, f".out.jsonl.{dead}.linkto12.tmp"}
    assert src.read_bytes()  # the link's target too


# -- ids and --keep: input columns carried into the output --------------------------------

ROWS = [{"id": 12, "text": FAKE, "src": "sms", "label": "genuine"},  # a gold label: not kept
        {"id": "a-7", "text": GENUINE, "src": "mail\tbox", "label": "genuine"},
        {"id": 3, "text": "您的验证码是123456", "src": "", "label": "unrelated"}]


def write_input(path, rows=ROWS):
    """``rows`` as JSON Lines, CSV or TSV, by the extension of ``path``."""
    import csv

    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                        encoding="utf-8")
        return path
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]), delimiter="," if path.suffix == ".csv" else "\t")
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_output(path, n_kept: int) -> list[dict]:
    """The rows of an output as dicts of strings (JSON values as they are)."""
    import csv

    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines()]
    if path.suffix == ".txt":  # KEPT...\tlabel\tauthenticity\ttext, no header
        rows = []
        for line in text.splitlines():
            *kept, label, authenticity, message = line.split("\t", n_kept + 2)
            rows.append({"kept": kept, "label": label, "text": message})
        return rows
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="," if path.suffix == ".csv" else "\t"))


@pytest.mark.parametrize("n_jobs", ["1", "2"])
@pytest.mark.parametrize("source", ["in.jsonl", "in.csv", "in.tsv"])
def test_id_and_kept_columns_in_every_output_format(tmp_path, source, n_jobs):
    src = write_input(tmp_path / source)
    for out_name in ("out.jsonl", "out.csv", "out.tsv", "out.txt"):
        out = tmp_path / out_name
        assert main(["classify", "--input", str(src), "--output", str(out), "--keep", "src",
                     "--n-jobs", n_jobs]) == 0
        rows = read_output(out, 2)
        assert [r["label"] for r in rows] == ["fake", "genuine", "unrelated"], out_name
        assert [r["text"] for r in rows] == [r["text"] for r in ROWS]
        if out.suffix == ".txt":  # a tab in a kept value would shift the fields
            assert [r["kept"] for r in rows] == [["12", "sms"], ["a-7", "mail box"], ["3", ""]]
            continue
        json_to_json = source.endswith(".jsonl") and out.suffix == ".jsonl"
        assert [r["id"] for r in rows] == ([12, "a-7", 3] if json_to_json else ["12", "a-7", "3"])
        assert [r["src"] for r in rows] == ["sms", "mail\tbox", ""]
        assert list(rows[0])[:4] == ["id", "src", "text", "label"], out_name


def test_no_id_no_kept_column(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(f"text,x\n{FAKE},1\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["classify", "--input", str(src), "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("text,label,authenticity,")
    assert main(["classify", "--input", str(src), "--output", str(tmp_path / "o.txt")]) == 0
    assert (tmp_path / "o.txt").read_text(encoding="utf-8").startswith("fake\t")


def test_kept_columns_follow_their_rows_across_batches_and_workers(tmp_path):
    """2,500 rows: two batches of 2,000 and 500, each spread over two workers in chunks."""
    texts = [FAKE, GENUINE, "您的验证码是123456", "周末一起吃饭吗"]
    rows = [{"text": texts[i % 4], "id": f"m{i}", "n": i} for i in range(2500)]
    src = write_input(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.tsv"
    assert main(["classify", "--input", str(src), "--output", str(out), "--keep", "n",
                 "--n-jobs", "2", "--quiet"]) == 0
    got = read_output(out, 2)
    assert [(r["id"], r["n"], r["text"]) for r in got] == [
        (r["id"], str(r["n"]), r["text"]) for r in rows]
    assert [r["label"] for r in got[:4]] == ["fake", "genuine", "unrelated", "unrelated"]


def test_keep_is_repeatable_and_takes_several_columns(tmp_path, capsys):
    rows = [{"text": FAKE, "a": 1, "b": 2, "c": 3, "id": "x"}]
    src = write_input(tmp_path / "in.jsonl", rows)
    assert main(["classify", "--input", str(src), "--keep", "c", "a", "--keep", "id",
                 "--keep", "c"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert list(row)[:4] == ["c", "a", "id", "text"]  # as asked, once each


def test_jsonl_columns_are_those_of_the_first_message(tmp_path, capsys):
    rows = [{"text": FAKE, "id": 1, "meta": {"k": [1, "二"]}}, {"text": GENUINE},
            {"text": FAKE, "id": None, "meta": True, "later": 1}]
    src = write_input(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.csv"
    assert main(["classify", "--input", str(src), "--output", str(out), "--keep", "meta"]) == 0
    assert [(r["id"], r["meta"]) for r in read_output(out, 2)] == [
        ("1", '{"k": [1, "二"]}'), ("", ""), ("", "true")]
    assert main(["classify", "--input", str(src), "--keep", "meta"]) == 0
    got = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["id"], r["meta"]) for r in got] == [(1, {"k": [1, "二"]}), (None, None),
                                                   (None, True)]
    assert main(["classify", "--input", str(src), "--keep", "later"]) == 2
    only_error_line(capsys.readouterr().err, f"{src}:1: no column 'later' to keep")


def test_a_short_csv_row_keeps_an_empty_cell(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(f"text,id,src\n{FAKE},1,a\n{GENUINE},2\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["classify", "--input", str(src), "--output", str(out), "--keep", "src"]) == 0
    assert [(r["id"], r["src"]) for r in read_output(out, 2)] == [("1", "a"), ("2", "")]


@pytest.mark.parametrize("source", ["in.jsonl", "in.csv", "in.tsv"])
def test_an_unknown_kept_column_is_one_line_naming_the_file(tmp_path, capsys, source):
    src = write_input(tmp_path / source)
    out = tmp_path / "out.csv"
    assert main(["classify", "--input", str(src), "--output", str(out),
                 "--keep", "src", "nope"]) == 2
    only_error_line(capsys.readouterr().err, f"{src}:1: no column 'nope' to keep",
                    "'id', 'text', 'src', 'label'")
    assert not out.exists() and leftovers(tmp_path) == []


def test_an_empty_input_keeps_the_columns_asked_for(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["classify", "--input", str(src), "--output", str(out), "--keep", "x"]) == 0
    assert out.read_text(encoding="utf-8").startswith("x,text,label,")


def test_keep_with_plain_text_input_is_refused(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text(f"{FAKE}\n", encoding="utf-8")
    assert main(["classify", "--input", str(src), "--keep", "id"]) == 2
    only_error_line(capsys.readouterr().err, f"{src}: plain text", "no columns to keep")
    proc = subprocess.run([*SMSCLF, "classify", "--input", "-", "--keep", "id"],
                          input=f"{FAKE}\n".encode(), capture_output=True)
    assert proc.returncode == 2 and proc.stdout == b""
    only_error_line(proc.stderr.decode(), "<stdin>: plain text", "--format")


def test_keep_from_standard_input(tmp_path):
    data = write_input(tmp_path / "in.csv").read_bytes()
    proc = subprocess.run([*SMSCLF, "classify", "--input", "-", "--format", "csv",
                           "--keep", "src"], input=data, capture_output=True, check=True)
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["id"], r["src"], r["label"]) for r in rows] == [
        ("12", "sms", "fake"), ("a-7", "mail\tbox", "genuine"), ("3", "", "unrelated")]


@pytest.mark.parametrize("taken", ["label", "text", "probabilities", "p_fake", "reasons"])
def test_a_kept_column_named_as_a_result_field_is_refused(tmp_path, capsys, taken):
    src = write_input(tmp_path / "in.jsonl")
    out = tmp_path / "out.csv"
    assert main(["classify", "--input", str(src), "--output", str(out), "--keep", "src",
                 taken]) == 2
    only_error_line(capsys.readouterr().err, f"--keep {taken}: the output has its own "
                    f"'{taken}'", "rename")
    assert not out.exists()


def test_keep_without_input_is_refused(capsys):
    assert main(["classify", "--keep", "id", "--", FAKE]) == 2
    only_error_line(capsys.readouterr().err, "--keep needs --input")
