"""Reading labelled messages (JSONL, CSV, TSV) and unlabelled ones (those, or plain text,
one message a line), with errors that name the file and the line."""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from smsclf.model import LABELS

FORMATS = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".csv": "csv",
           ".tsv": "tsv", ".txt": "txt"}

# The longest CSV/TSV field read (characters).  The csv module stops at 131,072 by default,
# shorter than some messages; a limit remains so that a quote never closed is reported
# instead of swallowing the rest of the file into one field.
CSV_FIELD_LIMIT = 16 * 1024 * 1024


class DataError(ValueError):
    """Input data that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Example:
    text: str
    label: str | None
    where: str  # "file:line"
    source: str | None = None  # the optional "source" field or column of the row
    kept: tuple = ()  # the values of ``Keep.columns`` in this row (None where missing)


class Keep:
    """Input columns to carry into the output beside the results: ``id`` whenever the input
    has it (so that results can be joined back to their messages), and those asked for.

    The columns are known once the header (CSV/TSV) or the first message (JSON Lines) is
    read: a stream is read once, so its first row stands for all of them.  A later row
    without a kept column gets None (an empty CSV cell, a missing JSON field)."""

    AUTO = ("id",)

    def __init__(self, asked: Sequence[str] = ()) -> None:
        self.asked = list(dict.fromkeys(asked))
        self.columns: list[str] | None = None  # set by ``resolve``

    def resolve(self, where: str, available: Sequence[str] | None) -> None:
        """Fix the kept columns from those of the input (None: an input with no message,
        whose columns cannot be known, keeps those asked for)."""
        if available is None:
            available = self.asked
        missing = [c for c in self.asked if c not in available]
        if missing:
            raise DataError(f"{where}: no column {', '.join(map(repr, missing))} to keep "
                            f"(its columns: {', '.join(map(repr, available)) or 'none'})")
        self.columns = [c for c in self.AUTO if c in available and c not in self.asked]
        self.columns += self.asked


def file_format(path: Path, fmt: str | None = None) -> str:
    if fmt:
        if fmt not in set(FORMATS.values()):
            raise DataError(f"{path}: unknown format {fmt!r} (expected jsonl, csv, tsv or txt)")
        return fmt
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise DataError(
            f"{path}: unknown format {path.suffix or '(no extension)'!r}; "
            "use .jsonl, .csv, .tsv or .txt"
        ) from None


def read_examples(path: str | Path, labelled: bool = True, fmt: str | None = None,
                  keep: Keep | None = None) -> Iterator[Example]:
    """Stream the messages of a file.  With ``labelled``, every row needs a valid label;
    with ``keep``, each example carries the values of the kept columns.

    The file name and format are checked at once, before the first message is asked for;
    a FIFO or ``/dev/stdin`` works as well as a regular file."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not a file")
    kind = file_format(path, fmt)
    if kind == "txt" and labelled:
        raise DataError(f"{path}: a .txt file has no labels; use JSONL or CSV with a label column")
    if kind == "txt" and keep is not None:
        _no_columns(str(path), keep)

    def examples() -> Iterator[Example]:
        with open(path, "rb") as f:
            yield from read_stream(f, str(path), kind, labelled, keep)

    return examples()


def _no_columns(name: str, keep: Keep) -> None:
    """A .txt input has no columns: nothing to keep, and asking for some is an error."""
    if keep.asked:
        raise DataError(f"{name}: plain text (a message a line) has no columns to keep; "
                        "--keep needs JSON Lines, CSV or TSV input (see --format)")
    keep.resolve(name, [])


def read_stream(f: BinaryIO, name: str, kind: str, labelled: bool = False,
                keep: Keep | None = None) -> Iterator[Example]:
    """The messages of an open binary stream (standard input, say) in format ``kind``;
    errors name the stream ``name``.  ``keep`` is resolved from the header or the first
    message (see ``Keep``)."""
    if kind == "txt" and keep is not None:
        _no_columns(name, keep)
    lines = decode_lines(f, name)
    if kind == "jsonl":
        rows = _jsonl_rows(lines, name)
    elif kind in ("csv", "tsv"):
        rows = _csv_rows(lines, name, "," if kind == "csv" else "\t", labelled, keep)
    else:
        # a .txt line is a message: no line break in it, whichever convention ends the lines
        rows = ((f"{name}:{i}", {"text": line.rstrip("\r\n")}) for i, line in enumerate(lines, 1))
    if keep is None:
        for where, row in rows:
            yield _example(where, row, labelled)
        return
    for where, row in rows:
        if keep.columns is None:  # the first message of a JSON Lines input
            keep.resolve(where, list(row))
        yield _example(where, row, labelled, tuple(row.get(c) for c in keep.columns))
    if keep.columns is None:  # JSON Lines without a message
        keep.resolve(name, None)


def decode_lines(f: BinaryIO, name: str) -> Iterator[str]:
    """The lines of ``f`` as text, line ends kept, without a UTF-8 byte order mark.

    Decoding line by line (rather than a text-mode file) lets a byte that is not UTF-8 be
    reported by line and column instead of by an offset in a buffer."""
    for i, raw in enumerate(f, 1):
        if i == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            column = len(raw[:exc.start].decode("utf-8", "replace")) + 1
            raise DataError(
                f"{name}:{i}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column "
                f"{column}); save the file as UTF-8 (from GBK: iconv -f GB18030 -t UTF-8)"
            ) from None


def _jsonl_rows(lines: Iterator[str], name: str):
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{name}:{i}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise DataError(f"{name}:{i}: expected a JSON object with 'text' and 'label'")
        yield f"{name}:{i}", row


def _csv_rows(lines: Iterator[str], name: str, delimiter: str, labelled: bool,
              keep: Keep | None = None):
    """Rows as dicts (like ``csv.DictReader``) named by the line of the file they start on,
    which differs from their row number once a quoted field holds a line break."""
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(lines, delimiter=delimiter)

    def next_row() -> list[str] | None:
        try:
            return next(reader, None)
        except csv.Error as exc:
            line = reader.line_num
            if "field limit" in str(exc):
                raise DataError(f"{name}:{line}: field larger than {CSV_FIELD_LIMIT:,} "
                                "characters (a quote not closed?)") from None
            raise DataError(f"{name}:{line}: not valid CSV ({exc})") from None

    header = next_row() or []
    needed = ["text", "label"] if labelled else ["text"]
    missing = [c for c in needed if c not in header]
    if missing:
        raise DataError(f"{name}:1: missing column(s) {', '.join(map(repr, missing))} in the "
                        f"header {header!r}")
    if keep is not None:
        keep.resolve(f"{name}:1", header)
    while True:
        start = reader.line_num + 1
        row = next_row()
        if row is None:
            return
        if row:  # a blank line is no row; missing cells are missing keys, extra ones dropped
            yield f"{name}:{start}", dict(zip(header, row, strict=False))


def _example(where: str, row: dict, labelled: bool, kept: tuple = ()) -> Example:
    text = row.get("text")
    if not isinstance(text, str):
        raise DataError(f"{where}: missing 'text'")
    if labelled and not text.strip():
        raise DataError(f"{where}: empty text")
    label = row.get("label")
    if labelled:
        if label is None:
            raise DataError(f"{where}: missing 'label'")
        if label not in LABELS:
            raise DataError(f"{where}: unknown label {label!r} (expected one of "
                            f"{', '.join(LABELS)})")
    source = row.get("source")
    return Example(text, label if labelled else None, where,
                   source if isinstance(source, str) else None, kept)


def read_labelled(paths: list[str | Path], min_per_label: int = 10) -> list[Example]:
    """All examples of several files, checked: no text with two labels, enough of each label."""
    examples = list(one_label_a_text(ex for path in paths
                                     for ex in read_examples(path, labelled=True)))
    check_label_counts(examples, min_per_label,
                       hint=f" (files: {', '.join(map(str, paths))})")
    return examples


def one_label_a_text(examples: Iterable[Example]) -> Iterator[Example]:
    """The examples, as they come; a DataError naming both places at the first text (blanks
    around it aside) that has two labels.  Training data from files and from memory
    (``SmsClassifier.fit``) is checked by this one function."""
    seen: dict[str, Example] = {}
    for ex in examples:
        first = seen.setdefault(ex.text.strip(), ex)
        if first.label != ex.label:
            raise DataError(f"{ex.where}: the same text is labelled {ex.label!r} here and "
                            f"{first.label!r} at {first.where}")
        yield ex


def check_label_counts(examples: list[Example], least: int, where: str = "",
                       hint: str = "") -> None:
    """A DataError unless every label has at least ``least`` examples; ``where`` and
    ``hint`` place the message (" in X", " (files: …)")."""
    counts = {label: sum(ex.label == label for ex in examples) for label in LABELS}
    few = {label: n for label, n in counts.items() if n < least}
    if few:
        detail = ", ".join(f"{n} {label!r}" for label, n in few.items())
        raise DataError(f"too few examples{where}: {detail}; at least {least} of each label "
                        f"are needed{hint}")
