"""Build the student edition of the course with nbgrader itself.

    python tools/make_student.py notebooks build/student

Copies the notebooks into an nbgrader course folder (build/nbgrader/source/
gvr-course/), runs ``nbgrader generate_assignment`` (which removes the code
between ``### BEGIN SOLUTION``/``### END SOLUTION``, the hidden tests and
all outputs, and locks the grade cells), and copies the result to the output
folder together with the data the notebooks need. A teacher can autograde
submissions with ``nbgrader autograde`` from the same course folder.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ASSIGNMENT = "gvr-course"
# The course folder is also where a teacher runs `nbgrader autograde gvr-course`.
NBGRADER_CONFIG = f"""c = get_config()
c.CourseDirectory.course_id = "{ASSIGNMENT}"
"""


def build(src: Path, out: Path, course_root: Path) -> list[Path]:
    notebooks = sorted(p for p in src.glob("*.ipynb"))
    if not notebooks:
        raise SystemExit(f"no notebooks found in {src}")
    source = course_root / "source" / ASSIGNMENT
    release = course_root / "release" / ASSIGNMENT
    for folder in (source, release):
        shutil.rmtree(folder, ignore_errors=True)
    source.mkdir(parents=True)
    for nb in notebooks:
        shutil.copy2(nb, source / nb.name)
    (course_root / "nbgrader_config.py").write_text(NBGRADER_CONFIG)
    cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force", "--log-level=WARN"]
    # nbgrader runs `alembic` for its gradebook: make this environment's scripts findable.
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    subprocess.run(cmd, check=True, cwd=course_root, env=env)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(release, tmp)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    written = sorted(out.glob("*.ipynb"))
    for nb in written:
        text = nb.read_text()
        if "### BEGIN SOLUTION" in text or "### BEGIN HIDDEN TESTS" in text:
            raise SystemExit(f"{nb} still contains solution or hidden-test code")
    return written


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: python tools/make_student.py NOTEBOOK_DIR OUTPUT_DIR")
    src, out = Path(argv[0]).resolve(), Path(argv[1]).resolve()
    written = build(src, out, out.parent / "nbgrader")
    print(f"student edition: {len(written)} notebooks in {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
