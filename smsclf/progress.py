"""Progress of long jobs on standard error: one line a stage, and a progress bar (tqdm) for
loops where standard error is a terminal.  Silent unless asked for."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import IO, TypeVar

T = TypeVar("T")


class Progress:
    """Report stages as ``prefix: text`` lines; ``bar`` wraps a loop in a tqdm bar."""

    def __init__(self, prefix: str, stream: IO[str] | None = None,
                 bars: bool | None = None) -> None:
        self.prefix = prefix
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.bars = bool(isatty and isatty()) if bars is None else bars

    def stage(self, text: str) -> None:
        print(f"{self.prefix}: {text}", file=self.stream, flush=True)

    def bar(self, items: Iterable[T], total: int, what: str) -> Iterator[T]:
        if not self.bars:
            yield from items
            return
        from tqdm import tqdm

        yield from tqdm(items, total=total, desc=f"{self.prefix}: {what}", file=self.stream,
                        leave=False, unit="msg", dynamic_ncols=True)


class Silent(Progress):
    """Reports nothing (the default of the library functions)."""

    def __init__(self) -> None:
        super().__init__("", bars=False)

    def stage(self, text: str) -> None:
        pass
