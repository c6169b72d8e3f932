"""The ``smsclf`` command line: classify, extract, train, evaluate, bench."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from smsclf.safe_write import OutputError, atomic_text_file, cannot_write, umask


def _n_jobs(value: str) -> int:
    n = int(value)
    if n == 0 or n < -1:
        raise argparse.ArgumentTypeError("must be a positive number or -1")
    return n


def _corpus_arg(value: str) -> tuple[str, int]:
    name, _, n = value.partition("=")
    if not name or not n.isdigit() or int(n) < 1:
        raise argparse.ArgumentTypeError("expected NAME=N with a positive N, e.g. statutes=5000")
    return name, int(n)


def _read_text_arg(text: str) -> str:
    """TEXT, or standard input for ``-``, decoded here so that bytes that are not UTF-8 give
    a line and a column instead of a traceback."""
    if text != "-":
        return text
    stdin = getattr(sys.stdin, "buffer", None)
    if stdin is None:  # replaced by a text stream (tests, embedding)
        return sys.stdin.read()
    import io

    from smsclf.data_io import decode_lines

    data = "".join(decode_lines(io.BytesIO(stdin.read()), "<stdin>"))
    return data.replace("\r\n", "\n").replace("\r", "\n")  # as text-mode stdin did


def _cmd_extract(args: argparse.Namespace) -> int:
    from smsclf import extract

    evidence = extract(_read_text_arg(args.text))
    if args.json:
        print(json.dumps([e.to_dict() for e in evidence], ensure_ascii=False, indent=2))
        return 0
    if not evidence:
        print("no evidence found")
    for e in evidence:
        extra = ", ".join(f"{k}={v}" for k, v in e.details.items())
        print(f"{e.kind:<16} [{e.start}:{e.end}] {e.text}  ({extra})")
    return 0


def _classifier(model_dir: str | None):
    from smsclf.classifier import Classifier, default_classifier

    return Classifier.load(model_dir) if model_dir else default_classifier()


def _print_result(result) -> None:
    print(f"label: {result.label}")
    print(f"authenticity: {result.authenticity:.3f}   (P(genuine) / (P(genuine) + P(fake)))")
    print("probabilities: " + ", ".join(f"{k} {v:.3f}" for k, v in result.probabilities.items()))
    if result.reasons:
        print("reasons:")
        for r in result.reasons:
            print(f"  {r.contribution:+.2f}  {r.en} / {r.zh}")
    shown = [e for e in result.evidence if e.kind in ("case_number", "court", "channel", "threat")]
    if shown:
        print("evidence:")
        for e in shown:
            problems = e.details.get("problems")
            note = f"  problems: {', '.join(problems)}" if problems else ""
            kind = e.details.get("type") or e.details.get("category") or ""
            print(f"  {e.kind:<12} {e.text}  {kind}{note}")


def _cmd_classify(args: argparse.Namespace) -> int:
    if args.keep and not args.input:
        from smsclf.data_io import DataError

        raise DataError("--keep needs --input FILE: a single message has no columns")
    clf = _classifier(args.model)
    if args.input:
        return _classify_file(clf, args)
    if args.text is None:
        raise SystemExit("smsclf classify: give TEXT, - for standard input, or --input FILE")
    text = _read_text_arg(args.text)
    result = clf.classify(text)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_result(result)
    return 0


def _classify_file(clf, args: argparse.Namespace) -> int:
    import csv

    from smsclf.data_io import Keep, read_examples, read_stream

    keep = Keep(args.keep or ())
    labels = clf.labels
    _check_keep(keep, labels)
    if args.input == "-":
        examples = read_stream(sys.stdin.buffer, "<stdin>", args.format or "txt", keep=keep)
    else:
        examples = read_examples(args.input, labelled=False, fmt=args.format, keep=keep)
    # the first message (or the header) tells the kept columns, which the output needs
    # before its first row; read before the output is opened, so that an unknown column
    # fails without creating anything
    first = next(examples, None)
    columns = keep.columns or []
    out_kind = _output_format(args.output)
    # load the tokenizer and the tables before the output is opened: a SIGTERM that lands in
    # a C extension's import (OpenCC) surfaces as an ImportError instead of a clean exit
    clf.warm_up()
    n = 0
    shown = False  # a progress line is open on standard error
    try:
        with _open_output(args.output, args.input) as out:
            writer = None
            if out_kind in ("csv", "tsv"):
                writer = csv.writer(out, delimiter="," if out_kind == "csv" else "\t")
                writer.writerow([*columns, "text", "label", "authenticity",
                                 *[f"p_{k}" for k in labels], "reasons"])
            batch: list[str] = []
            kept: list[tuple] = []

            def flush() -> None:
                nonlocal n, shown
                if not batch:
                    return
                results = clf.classify_many(batch, n_jobs=args.n_jobs)
                for text, values, result in zip(batch, kept, results, strict=True):
                    if writer is not None:
                        writer.writerow([*map(_cell, values), text, result.label,
                                         f"{result.authenticity:.6f}",
                                         *[f"{result.probabilities[k]:.6f}" for k in labels],
                                         "; ".join(r.en for r in result.reasons)])
                    elif out_kind == "txt":
                        out.write("".join(f"{_txt_cell(v)}\t" for v in values)
                                  + f"{result.label}\t{result.authenticity:.4f}\t{text}\n")
                    else:
                        out.write(json.dumps({**dict(zip(columns, values, strict=True)),
                                              "text": text, **result.to_dict()},
                                             ensure_ascii=False) + "\n")
                n += len(batch)
                batch.clear()
                kept.clear()
                if n >= 1000 and not args.quiet:
                    print(f"\r{n:,} messages classified", end="", file=sys.stderr, flush=True)
                    shown = True

            if first is not None:
                examples = itertools.chain([first], examples)
                for example in examples:
                    batch.append(example.text)
                    kept.append(example.kept)
                    if len(batch) >= 1000 * max(1, args.n_jobs):
                        flush()
            flush()
    finally:
        if shown:  # end the progress line, before any error message
            print(file=sys.stderr)
    return 0


def _result_fields(labels: Sequence[str]) -> list[str]:
    """The names the output gives the results, in any of its formats."""
    return ["text", "label", "authenticity", "probabilities", *[f"p_{k}" for k in labels],
            "evidence", "reasons"]


def _check_keep(keep, labels: Sequence[str]) -> None:
    """A kept column may not take a result's name: one of the two would be lost, or a
    reader of the output would take the input's value for the verdict."""
    fields = _result_fields(labels)
    taken = [c for c in keep.asked if c in fields]
    if taken:
        from smsclf.data_io import DataError

        raise DataError(f"--keep {' '.join(taken)}: the output has its own "
                        f"{', '.join(map(repr, taken))} (result fields: {', '.join(fields)}); "
                        "rename the input's column")


def _cell(value) -> str:
    """A kept value as a CSV/TSV cell: a string as it is, nothing as an empty cell, any other
    JSON value as JSON (``12``, ``true``, ``[1, 2]``)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False)


def _txt_cell(value) -> str:
    """A kept value in a .txt line, where tabs separate the fields and a line is a message:
    its tabs and line breaks become spaces."""
    return _cell(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _output_format(output: str | None) -> str:
    """The format of ``--output``: by its extension; JSONL for standard output and for a
    device or a FIFO without a known extension."""
    from smsclf.data_io import FORMATS, file_format

    if not output or output == "-":
        return "jsonl"
    path = Path(output)
    if path.suffix.lower() not in FORMATS and path.exists() and not path.is_file():
        return "jsonl"
    return file_format(path)


class _Sink:
    """The output stream, whose write errors (a full disk) name the output."""

    def __init__(self, stream, name: str) -> None:
        self.stream = stream
        self.name = name

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            raise  # the reader went away: main() ends quietly
        except OSError as exc:
            raise cannot_write(self.name, exc) from exc


@contextlib.contextmanager
def _open_output(output: str | None, source: str) -> Iterator[_Sink]:
    """Where the results go.

    No ``--output`` or ``-``: standard output, streamed.  An existing device or FIFO
    (``/dev/null``, ``/dev/full``, a named pipe) is written directly.  A regular file is
    written to a temporary beside it, ``.NAME.PID.XXXXXXXX.tmp``, which replaces it only once
    complete and on disk: a failed or interrupted run leaves the previous output as it was.
    A run killed with SIGKILL or by a power cut leaves its temporary, which the next run to
    the same output removes.  The input itself is refused as output, even through a symbolic
    or hard link."""
    if not output or output == "-":
        yield _Sink(sys.stdout, "standard output")
        return
    path = Path(output)
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:  # a path under a regular file, a loop of links, ...
        raise cannot_write(output, exc) from exc
    if st is not None and source != "-" and os.path.samefile(source, path):
        raise OutputError(f"--output {output} is the input file {source}; "
                           "write the results to another file")
    if st is not None and not stat.S_ISREG(st.st_mode):
        yield from _write_directly(path, output)
    else:
        # the mode open() would give: the old file's, or a new file's under the umask
        mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~umask()
        with atomic_text_file(Path(os.path.realpath(path)), mode, name=output) as f:
            yield _Sink(f, output)


def _write_directly(path: Path, name: str) -> Iterator[_Sink]:
    try:
        f = open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise cannot_write(name, exc) from exc
    try:
        yield _Sink(f, name)
        try:
            f.close()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise cannot_write(name, exc) from exc
    finally:
        with contextlib.suppress(OSError):
            f.close()


def _cmd_train(args: argparse.Namespace) -> int:
    from smsclf.progress import Progress, Silent
    from smsclf.train import C_GRID, EVIDENCE_SCALES, train_model

    manifest = train_model(
        args.data, args.out, dev=args.dev, test=args.test,
        c_grid=tuple(args.C) if args.C else C_GRID,
        scales=tuple(args.evidence_scale) if args.evidence_scale else EVIDENCE_SCALES,
        min_df=args.min_df, min_per_label=args.min_per_label, dev_source=args.dev_source,
        force=args.force, progress=Silent() if args.quiet else Progress("smsclf train"),
        real_text=dict(args.real_text or []),
    )
    from smsclf.metrics import format_report

    print(f"model written to {args.out}")
    hp = manifest["hyperparameters"]
    print(f"C={hp['C']} evidence_scale={hp['evidence_scale']} temperature={hp['temperature']}")
    for name, m in manifest["metrics"].items():
        print(format_report(m, title=f"-- {name} --"))
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import numpy as np

    from smsclf.data_io import DataError, read_labelled
    from smsclf.metrics import evaluate, format_report

    clf = _classifier(args.model)
    examples = read_labelled(args.data, min_per_label=0)
    if not examples:
        raise DataError(f"{', '.join(args.data)}: no messages to evaluate")
    results = clf.classify_many([e.text for e in examples], n_jobs=args.n_jobs)
    proba = np.array([[r.probabilities[k] for k in clf.labels] for r in results])
    m = evaluate([e.label for e in examples], proba, clf.labels)
    if args.json:
        print(json.dumps(m, ensure_ascii=False, indent=2))
    else:
        print(format_report(m, title=f"{', '.join(args.data)} ({m['n']} messages)"))
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    """The benchmark suite lives in the checkout (``benchmarks/``), not in the package."""
    import os
    from pathlib import Path

    if not (Path.cwd() / "benchmarks" / "run.py").is_file():
        print("smsclf bench: error: run it from a checkout of the smsclf repository "
              "(benchmarks/run.py not found in the current directory)", file=sys.stderr)
        return 2
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    from benchmarks.run import main as bench_main

    return bench_main(args.args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smsclf", description="Is the legal action claimed in a Chinese SMS real?"
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="list the evidence found in a message")
    p.add_argument("text", help="the message, or - to read it from standard input")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("classify", help="is the legal claim of a message genuine or fake?")
    p.add_argument("text", nargs="?", help="the message, or - to read it from standard input")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--model", help="a model directory (default: the shipped model)")
    p.add_argument("--input", help="classify every message of a file (.jsonl with a 'text' "
                   "field, .csv/.tsv with a 'text' column, or .txt with one message a line); "
                   "- reads standard input (one message a line unless --format says otherwise)")
    p.add_argument("--format", choices=["jsonl", "csv", "tsv", "txt"],
                   help="format of --input when its extension does not tell")
    p.add_argument("--output", help="where to write results (.jsonl, .csv, .tsv or .txt), "
                   "replaced only once complete; default or -: JSONL on standard output")
    p.add_argument("--n-jobs", type=_n_jobs, default=1,
                   help="worker processes (-1: one per CPU)")
    p.add_argument("--keep", nargs="+", action="extend", metavar="COL",
                   help="with --input: copy these columns (JSONL fields) of the input into the "
                   "output, before the results; an 'id' column is always kept")
    p.add_argument("--quiet", action="store_true", help="no progress on standard error")
    p.set_defaults(func=_cmd_classify)

    p = sub.add_parser("train", help="train a model on labelled data")
    p.add_argument("--data", nargs="+", required=True, help="labelled .jsonl/.csv/.tsv files")
    p.add_argument("--out", required=True, help="the model directory to write")
    p.add_argument("--dev", nargs="+", help="labelled dev files for choosing C, the evidence "
                   "scale and the temperature (default: a deterministic 15%% of --data)")
    p.add_argument("--dev-source", help="use only the dev rows whose 'source' field has this "
                   "value (e.g. handwritten) to choose the settings and the temperature")
    p.add_argument("--test", nargs="+", help="labelled test files; metrics go to the manifest")
    p.add_argument("--C", type=float, nargs="+", help="regularisation values to try")
    p.add_argument("--evidence-scale", type=float, nargs="+", help="evidence scales to try")
    p.add_argument("--min-df", type=int, default=2, help="minimum document frequency of terms")
    p.add_argument("--min-per-label", type=int, default=10,
                   help="refuse to train with fewer examples of a label")
    p.add_argument("--real-text", type=_corpus_arg, action="append", metavar="NAME=N",
                   help="add N sentences of a real-text corpus to the training split as "
                   "'unrelated' (statutes: needs pip install 'smsclf[train]')")
    p.add_argument("--force", action="store_true", help="replace --out even when it is a "
                   "folder that does not hold a smsclf model (an existing file is never "
                   "replaced)")
    p.add_argument("--quiet", action="store_true", help="no progress on standard error")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("evaluate", help="measure a model on labelled data")
    p.add_argument("--data", nargs="+", required=True, help="labelled .jsonl/.csv/.tsv files")
    p.add_argument("--model", help="a model directory (default: the shipped model)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--n-jobs", type=_n_jobs, default=1,
                   help="worker processes (-1: one per CPU)")
    p.set_defaults(func=_cmd_evaluate)

    # "+" as prefix: every option (--quick, --model, -h) goes through to benchmarks/run.py
    p = sub.add_parser("bench", help="run the speed benchmark (from a checkout); "
                       "options as benchmarks/run.py", add_help=False, prefix_chars="+")
    p.add_argument("args", nargs=argparse.REMAINDER, help="options of benchmarks/run.py")
    p.set_defaults(func=_cmd_bench)
    return parser


class _VersionAction(argparse.Action):
    """``--version``: the version and which core runs (compiled or pure Python)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="print the version and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from smsclf import accel

        print(f"smsclf {_version()} ({accel.summary()})")
        parser.exit()


def _version() -> str:
    """``smsclf.__version__``: the one place the version is written (the installed
    metadata is built from it)."""
    from smsclf import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; every expected failure is one line on standard error, exit code 2."""
    from smsclf.data_io import DataError
    from smsclf.model import ModelError

    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the flush at exit
        return code
    except BrokenPipeError:
        # the reader of standard output went away (``| head``): stop quietly.  As the Python
        # docs advise (signal, "Note on SIGPIPE"), point standard output at devnull so that
        # the flush at exit does not fail again, and exit with 1.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print(f"smsclf {args.command}: interrupted", file=sys.stderr)
        return 130
    except (DataError, ModelError, OutputError) as exc:
        print(f"smsclf {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename is not None else ""
        print(f"smsclf {args.command}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
