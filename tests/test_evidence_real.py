"""Rates of ``extract`` on real case numbers and court names (shared/data/evidence-real).

The real data may only be read, never copied into the project (licences: see
shared/data/SOURCES.md), so this test reads it at run time and skips where it is absent.
Rates are reported in the assertion messages, and by ``pytest -rA`` as passed-test output.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from smsclf import extract
from smsclf.recognizers.case_number import reference_year

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
REAL = DATA / "evidence-real"
# The data's reference year (SOURCES.md): a number of 2026 is not in the future.
REFERENCE_YEAR = 2026


def _rows(name: str) -> list[dict]:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"real evidence data not found at {path} (shared/ is beside the repository "
                    "on developer machines and in CI only)")
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def _rate(hits: int, total: int) -> float:
    return 100.0 * hits / total if total else 0.0


@pytest.fixture(scope="module")
def case_rates() -> dict[str, float]:
    rows = [r for r in _rows("case_numbers_real.jsonl") if r["expected_valid"]]
    total = found = valid = old_total = old_valid = 0
    misses: list[str] = []
    with reference_year(REFERENCE_YEAR):
        for r in rows:
            want = _norm(r["expected"])
            hits = [e for e in extract(r["text"])
                    if e.kind == "case_number" and _norm(e.text) == want]
            is_old = r["category"].get("form") == "old"
            total += 1
            old_total += is_old
            if hits:
                found += 1
                if hits[0].details["valid"]:
                    valid += 1
                    old_valid += is_old
                else:
                    misses.append(f"{r['outcome']}: {hits[0].details['problems']}")
            else:
                misses.append(f"{r['outcome']}: not found")
    return {
        "rows": total,
        "found": _rate(found, total),
        "valid": _rate(valid, total),
        "old_form_valid": _rate(old_valid, old_total),
        "misses": misses,  # type: ignore[dict-item]
    }


@pytest.fixture(scope="module")
def court_rate() -> dict[str, float]:
    rows = [r for r in _rows("courts_real.jsonl") if r["expected_valid"]]
    ok = 0
    misses: list[str] = []
    for r in rows:
        want = _norm(r["expected"])
        hits = [e for e in extract(r["text"]) if e.kind == "court" and _norm(e.text) == want]
        if hits and hits[0].details["valid"] and not hits[0].details.get("ambiguous"):
            ok += 1
        else:
            misses.append(f"{r['outcome']}: {hits[0].details if hits else 'not found'}")
    return {"rows": len(rows), "valid": _rate(ok, len(rows)), "misses": misses}  # type: ignore


def _report(rates: dict) -> str:
    shown = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in rates.items()
             if k != "misses"}
    return f"{shown}; misses: {rates['misses'][:10]}"


def test_case_numbers_are_found(case_rates):
    print(_report(case_rates))  # shown by pytest -rA; the assertion messages carry it too
    assert case_rates["found"] >= 99.8, _report(case_rates)


def test_case_numbers_are_valid(case_rates):
    assert case_rates["valid"] >= 99.0, _report(case_rates)
    assert case_rates["old_form_valid"] >= 99.0, _report(case_rates)


def test_real_courts_are_recognised_valid(court_rate):
    print(_report(court_rate))
    assert court_rate["valid"] >= 99.0, _report(court_rate)


def test_source_typos_do_not_resolve_to_another_court():
    """Rows marked not valid are typos in the sources: where one is a court name, it must not
    be taken for a different real court (a district name read by its ending)."""
    rows = [r for r in _rows("courts_real.jsonl") if not r["expected_valid"]]
    wrong = []
    for r in rows:
        want = _norm(r["expected"])
        for e in extract(r["text"]):
            if e.kind == "court" and e.details.get("valid") and _norm(e.text) != want \
                    and _norm(e.text) in want:
                wrong.append((r["expected"], e.text))
    assert not wrong
