"""Access to the data files shipped inside the package (``smsclf/data``)."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources as _res


@cache
def read_text(name: str) -> str:
    """The text of ``smsclf/data/<name>``."""
    return (_res.files("smsclf") / "data" / name).read_text(encoding="utf-8")


def read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a tab-separated data file with a header; ``#`` lines are comments."""
    lines = [ln for ln in read_text(name).splitlines() if ln.strip() and not ln.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [{k: (v or "").strip() for k, v in row.items()} for row in reader]
