"""Reading labelled messages (JSONL, CSV, TSV) and unlabelled ones (those, or plain text,
one message a line), with errors that name the file and the line."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from smsclf.model import LABELS

FORMATS = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".csv": "csv",
           ".tsv": "tsv", ".txt": "txt"}


class DataError(ValueError):
    """Input data that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Example:
    text: str
    label: str | None
    where: str  # "file:line"
    source: str | None = None  # the optional "source" field or column of the row


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


def read_examples(path: str | Path, labelled: bool = True, fmt: str | None = None
                  ) -> Iterator[Example]:
    """Stream the messages of a file.  With ``labelled``, every row needs a valid label."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    kind = file_format(path, fmt)
    if kind == "txt" and labelled:
        raise DataError(f"{path}: a .txt file has no labels; use JSONL or CSV with a label column")
    with open(path, encoding="utf-8", newline="") as f:
        if kind == "jsonl":
            rows = _jsonl_rows(f, path)
        elif kind in ("csv", "tsv"):
            rows = _csv_rows(f, path, "," if kind == "csv" else "\t", labelled)
        else:
            rows = ((f"{path}:{i}", {"text": line.rstrip("\n")}) for i, line in enumerate(f, 1))
        for where, row in rows:
            yield _example(where, row, labelled)


def _jsonl_rows(f, path: Path):
    for i, line in enumerate(f, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{i}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise DataError(f"{path}:{i}: expected a JSON object with 'text' and 'label'")
        yield f"{path}:{i}", row


def _csv_rows(f, path: Path, delimiter: str, labelled: bool):
    reader = csv.DictReader(f, delimiter=delimiter)
    needed = ["text", "label"] if labelled else ["text"]
    missing = [c for c in needed if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(f"{path}:1: missing column(s) {', '.join(map(repr, missing))} in the "
                        f"header {reader.fieldnames!r}")
    for i, row in enumerate(reader, 2):
        yield f"{path}:{i}", row


def _example(where: str, row: dict, labelled: bool) -> Example:
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
                   source if isinstance(source, str) else None)


def read_labelled(paths: list[str | Path], min_per_label: int = 10) -> list[Example]:
    """All examples of several files, checked: no text with two labels, enough of each label."""
    examples: list[Example] = []
    seen: dict[str, Example] = {}
    for path in paths:
        for ex in read_examples(path, labelled=True):
            key = ex.text.strip()
            first = seen.get(key)
            if first is not None and first.label != ex.label:
                raise DataError(f"{ex.where}: the same text is labelled {ex.label!r} here and "
                                f"{first.label!r} at {first.where}")
            seen.setdefault(key, ex)
            examples.append(ex)
    counts = {label: sum(ex.label == label for ex in examples) for label in LABELS}
    few = {label: n for label, n in counts.items() if n < min_per_label}
    if few:
        detail = ", ".join(f"{n} {label!r}" for label, n in few.items())
        raise DataError(f"too few examples: {detail}; at least {min_per_label} of each label "
                        f"are needed (files: {', '.join(map(str, paths))})")
    return examples
