"""tools/robustness.py: what it counts as a failure, what it reuses, and what its report says
(no notebook is executed here; the sweep itself takes about an hour and is not part of make test)."""
import importlib.util
import json

import nbformat

from gvr_helpers import config

spec = importlib.util.spec_from_file_location("robustness", config.REPO_ROOT / "tools" / "robustness.py")
robustness = importlib.util.module_from_spec(spec)
spec.loader.exec_module(robustness)


def _notebook(path, code="x = 1", text="Some text"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(text), nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)
    return path


def test_failures_name_the_cell_and_the_error():
    nb = nbformat.v4.new_notebook()
    ok, bad = nbformat.v4.new_code_cell("1"), nbformat.v4.new_code_cell("assert False")
    bad.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="the claim\nmore", traceback=[])]
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), ok, bad]
    assert robustness.failures(nb) == [{"cell": 2, "error": "AssertionError", "message": "the claim"}]


def test_a_run_is_reused_only_for_the_same_code_cells(tmp_path):
    path = _notebook(tmp_path / "00_a.ipynb")
    first = robustness.notebook_digest(path)
    _notebook(path, text="Other words")                      # prose only: the run still stands
    assert robustness.notebook_digest(path) == first
    _notebook(path, code="x = 2")                            # other code: it must run again
    assert robustness.notebook_digest(path) != first


def test_report_lists_each_run_and_counts_the_failing_ones(tmp_path, monkeypatch):
    monkeypatch.setattr(robustness, "RESULTS", tmp_path)
    monkeypatch.setattr(robustness, "REPORT", tmp_path / "robustness.md")
    a, b = _notebook(tmp_path / "00_a.ipynb"), _notebook(tmp_path / "01_b.ipynb", code="y = 1")
    runs = [{"notebook": p.name, "digest": robustness.notebook_digest(p), "seed": s, "onednn": o, "seconds": 1.0,
             "failures": [{"cell": 1, "error": "AssertionError", "message": "m"}] if (p, s, o) == (b, 1, 0) else []}
            for p in (a, b) for s in (0, 1) for o in (0, 1)]
    stale = dict(runs[0], digest="0" * 12, failures=[{"cell": 1, "error": "E", "message": "old code"}])
    summary = robustness.write_report(runs + [stale], [a, b])
    assert summary == "8 runs, 1 with a failing cell"
    report = (tmp_path / "robustness.md").read_text()
    assert "| 01_b.ipynb | ✓ 1.0 s | ✓ 1.0 s | ✗ cells 1 (1.0 s) | ✓ 1.0 s |" in report
    assert "old code" not in report                          # a run of other code is not reported
    json.dumps(runs)                                         # what the sweep appends is plain JSON
