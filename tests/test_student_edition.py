"""`make student`: nbgrader removes every solution, and the edition still runs up to the exercises."""
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import make_student  # noqa: E402
from nbtools import solution_cells  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WITH_EXERCISES = [p for p in NOTEBOOKS if solution_cells(nbformat.read(p, as_version=4))]


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("edition") / "student"
    make_student.build(ROOT / "notebooks", out, out.parent / "nbgrader")
    return out


def test_every_notebook_with_exercises_has_a_solution_and_a_check():
    assert WITH_EXERCISES, "no notebook has exercises yet"
    for path in WITH_EXERCISES:
        nb = nbformat.read(path, as_version=4)
        grades = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        assert grades, f"{path.name} has solution cells but no grade cell"
        assert all("check_" in c.source or "assert" in c.source for c in grades)


def test_student_edition_has_no_solutions(student_dir):
    written = sorted(p.name for p in student_dir.glob("*.ipynb"))
    assert written == [p.name for p in NOTEBOOKS]
    for path in student_dir.glob("*.ipynb"):
        text = path.read_text()
        assert "### BEGIN SOLUTION" not in text and "### BEGIN HIDDEN TESTS" not in text
    for path in WITH_EXERCISES:
        teacher = nbformat.read(path, as_version=4)
        student = nbformat.read(student_dir / path.name, as_version=4)
        for i in solution_cells(teacher):
            assert "raise NotImplementedError" in student.cells[i].source
            assert student.cells[i].source != teacher.cells[i].source


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=[p.name for p in WITH_EXERCISES])
def test_student_edition_runs_up_to_the_first_exercise(student_dir, path, monkeypatch):
    monkeypatch.setenv("GVR_PROFILE", "fast")
    nb = nbformat.read(student_dir / path.name, as_version=4)
    first_exercise = solution_cells(nb)[0]
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    with client.setup_kernel():
        for index in range(first_exercise):
            if nb.cells[index].cell_type == "code":
                client.execute_cell(nb.cells[index], index)  # raises CellExecutionError on any error
        # The emptied exercise itself either defines a stub or says it is not done yet.
        try:
            client.execute_cell(nb.cells[first_exercise], first_exercise)
        except CellExecutionError as err:
            assert err.ename == "NotImplementedError", err
