"""Execute every notebook in a folder, in order, and stop at the first error.

    GVR_PROFILE=full GVR_FIGURES_DIR=figures python tools/run_notebooks.py notebooks

Used by ``make figures``: each notebook saves its figures through
``gvr_helpers.plotting.save_figure``. The executed copies go to
build/executed/ so the committed notebooks stay without outputs.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(folder: Path, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    notebooks = sorted(folder.glob("[0-9]*.ipynb"))
    if not notebooks:
        raise SystemExit(f"no notebooks found in {folder}")
    for path in notebooks:
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=None, kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute()
        nbformat.write(nb, out_dir / path.name)
        print(f"{path.name}: {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python tools/run_notebooks.py NOTEBOOK_DIR")
    run(Path(sys.argv[1]), Path("build/executed"))
