"""Small helpers for writing and inspecting the course notebooks.

Authors build notebooks from a short Python script with :func:`notebook`,
:func:`md`, :func:`code`, :func:`solution` and :func:`grade`; the cells carry
nbgrader's metadata so that ``make student`` (nbgrader generate_assignment)
and nbgrader's autograder understand them.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

KERNELSPEC = {"name": "gvr-course", "display_name": "Python (GAN style transfer for VR)", "language": "python"}


def md(text: str):
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def code(src: str):
    return nbformat.v4.new_code_cell(src.strip("\n"))


def _nbgrader(grade_id: str, *, solution: bool, grade: bool, points: int = 0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def solution(grade_id: str, src: str):
    """A cell the learner fills in: the reference answer sits between
    ``### BEGIN SOLUTION`` and ``### END SOLUTION``."""
    if "### BEGIN SOLUTION" not in src:
        raise ValueError(f"solution cell {grade_id!r} has no ### BEGIN SOLUTION region")
    cell = code(src)
    cell.metadata["nbgrader"] = _nbgrader(grade_id, solution=True, grade=False)
    return cell


def grade(grade_id: str, src: str, points: int = 1):
    """A locked, autograded cell: ``assert check_...(...)`` plus optional hidden tests."""
    cell = code(src)
    cell.metadata["nbgrader"] = _nbgrader(grade_id, solution=False, grade=True, points=points)
    return cell


def notebook(cells, path) -> Path:
    """Write ``cells`` as a clean notebook (no outputs, no execution counts)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    path = Path(path)
    nbformat.validate(nb)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return path


def solution_cells(nb) -> list[int]:
    """Indices of the cells nbgrader treats as solution cells."""
    return [i for i, c in enumerate(nb.cells) if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
