"""The ``smsclf`` command line: classify, extract, train, evaluate, bench."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence


def _read_text_arg(text: str) -> str:
    return sys.stdin.read() if text == "-" else text


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smsclf", description="Is the legal action claimed in a Chinese SMS real?"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="list the evidence found in a message")
    p.add_argument("text", help="the message, or - to read it from standard input")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
