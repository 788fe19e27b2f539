"""The committed benchmark results (``benchmarks/results/``), read back: one source for the numbers and
curves that the notebooks and the README quote. Plain text and JSON; no TensorFlow."""
from __future__ import annotations

import json
from pathlib import Path

from .config import REPO_ROOT as ROOT

RESULTS_DIR = ROOT / "benchmarks" / "results"


class ResultsError(ValueError):
    """A results file is missing or does not hold what its benchmark writes."""


def _last_json_object(lines, where: str) -> dict:
    body = [line for line in lines if line.strip() and not line.startswith("rc ")]
    if not body:
        raise ResultsError(f"{where}: empty")
    try:
        summary = json.loads(body[-1])
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{where}: the last line is not one JSON object ({exc})") from None
    if not isinstance(summary, dict):
        raise ResultsError(f"{where}: the last line must be a JSON object, got {type(summary).__name__}")
    return summary


def _where(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ResultsError(f"{_where(path)}: not found (run the benchmark that writes it and commit its output)") from None


def read_summary(path) -> dict:
    """The last line of a benchmark's log: one JSON object, its summary."""
    return _last_json_object(_lines(Path(path)), _where(Path(path)))


def read_benchmark_log(path) -> dict:
    """``{"summary": ..., "curves": {style: {method: [[seconds, step, dB], ...]}}}`` from a log of
    ``benchmarks/unpaired_vs_oracle.py``: the curves are the one line that starts ``curves (`` (its
    label says what the dB are measured on), the summary is the last line, one JSON object."""
    path = Path(path)
    where, lines = _where(path), _lines(path)
    summary = _last_json_object(lines, where)
    curve_lines = [line for line in lines if line.startswith("curves (") and "): " in line]
    if len(curve_lines) != 1:
        raise ResultsError(f"{where}: expected one line starting 'curves (', found {len(curve_lines)}")
    try:
        curves = json.loads(curve_lines[0].split("): ", 1)[1])
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{where}: the curves line is not JSON ({exc})") from None
    return {"summary": summary, "curves": curves}
